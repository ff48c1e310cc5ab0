"""Routine information (信息) through the API: the same actions as the pages
(`submissions.actions`), so the same rules, history, audit rows and notifications."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from api.common import (
    ERRORS,
    Day,
    Id,
    PageMeta,
    PageParams,
    Text,
    idempotency_key,
    need,
    paged,
    user_of,
    within_days,
)
from org.models import Unit, User
from org.roles import Capability
from org.secrecy import Secrecy
from submissions import actions, rules
from submissions.models import InfoItem
from submissions.queries import actor_of, facts_of, get_visible_item, visible_items
from submissions.rules import Action
from xinbao.core.errors import ActionError
from xinbao.core.inputs import MAX_BODY_LENGTH, MAX_QUERY_LENGTH

router = Router(tags=["items"])

KindChoice = Literal["news", "problem", "experience", "proposal", "research"]
StateChoice = Literal[
    "draft", "awaiting_signoff", "submitted", "under_review", "returned", "adopted", "filed"
]
SecrecyChoice = Literal["public", "internal", "mimi", "jimi", "juemi"]
# The state changes that carry only a comment, and verification (which carries a verdict).
StepChoice = Literal[
    "submit", "withdraw", "sign_off", "refuse", "start_review", "return", "file", "verify"
]


class ItemIn(Schema):
    title: Text = Field(..., min_length=1, max_length=120, description="Title (标题).")
    body: Text = Field(
        ...,
        min_length=1,
        max_length=MAX_BODY_LENGTH,
        description="The text; paragraphs separated by newlines.",
    )
    kind: KindChoice = Field(
        ..., description="news 动态, problem 问题, experience 经验, proposal 建议, research 调研."
    )
    tags: list[Text] = Field(
        default_factory=list, max_length=20, description="Keywords, each at most 30 characters."
    )
    joint_unit_ids: list[Id] = Field(
        default_factory=list,
        max_length=20,
        description="Other units the item is sent jointly with (联合报送).",
    )
    occurred_on: Day | None = Field(None, description="Date of the event.")
    secrecy: SecrecyChoice = Field(
        "public", description="密级; never above the deployment's ceiling."
    )


class NewItemIn(ItemIn):
    submit: bool = Field(
        False,
        description="Send it to the unit head for sign-off at once, instead of keeping a draft.",
    )


class StepIn(Schema):
    comment: Text = Field(
        "",
        max_length=2000,
        description="A comment; a reason is required to refuse or return.",
    )
    verdict: Literal["verified", "disputed"] | None = Field(None, description="For `verify` only.")


class SectionEditIn(Schema):
    title: Text = Field(..., min_length=1, max_length=120)
    body: Text = Field(..., min_length=1, max_length=MAX_BODY_LENGTH)
    comment: Text = Field("", max_length=2000, description="What was changed and why.")
    secrecy: SecrecyChoice | None = Field(None, description="Re-mark the item (密级).")


class UnitOut(Schema):
    id: int
    name: str


class ItemSummary(Schema):
    id: int
    title: str
    kind: str = Field(..., description="news, problem, experience, proposal or research.")
    state: str = Field(..., description="The item's state in its lifecycle.")
    state_label: str
    unit: UnitOut
    secrecy: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = Field(None, description="When it first left its unit.")


class EventOut(Schema):
    kind: str
    actor: str
    from_state: str
    to_state: str
    comment: str
    at: datetime


class ItemOut(ItemSummary):
    body: str
    tags: list[str]
    joint_units: list[UnitOut]
    occurred_on: date | None
    author: str
    verification: str
    revision_count: int
    allowed_actions: list[str] = Field(
        ..., description="What the caller may do to it now (the pages' buttons)."
    )
    events: list[EventOut] = Field(..., description="Its history, oldest first.")


class ItemPage(PageMeta):
    results: list[ItemSummary]


class ItemFilters(PageParams):
    state: StateChoice | None = Field(None, description="Only items in this state.")
    kind: KindChoice | None = None
    unit: Id | None = Field(None, description="Only items of this unit (the lead unit).")
    updated_from: Day | None = Field(None, description="Last changed on or after this day.")
    updated_to: Day | None = Field(None, description="Last changed on or before this day.")
    q: Text = Field("", max_length=MAX_QUERY_LENGTH, description="Words in the title.")


def _unit(unit: Unit) -> UnitOut:
    return UnitOut(id=unit.pk, name=unit.name)


def _summary(item: InfoItem) -> ItemSummary:
    return ItemSummary(
        id=item.pk,
        title=item.title,
        kind=item.kind,
        state=item.state,
        state_label=str(item.get_state_display()),
        unit=_unit(item.unit),
        secrecy=item.secrecy,
        created_at=item.created_at,
        updated_at=item.updated_at,
        submitted_at=item.submitted_at,
    )


def _full(request: HttpRequest, pk: int) -> ItemOut:
    user = user_of(request)
    item = get_visible_item(user, pk)
    events = item.events.select_related("actor").order_by("at", "pk")
    return ItemOut(
        **_summary(item).model_dump(),
        body=item.body,
        tags=[t.name for t in item.tags.all()],
        joint_units=[_unit(u) for u in item.joint_units.all()],
        occurred_on=item.occurred_on,
        author=item.author.full_name or item.author.get_username(),
        verification=item.verification,
        revision_count=item.revision_count,
        allowed_actions=[str(a) for a in rules.allowed_actions(actor_of(user), facts_of(item))],
        events=[
            EventOut(
                kind=e.kind,
                actor=e.actor.full_name or e.actor.get_username(),
                from_state=e.from_state,
                to_state=e.to_state,
                comment=e.comment,
                at=e.at,
            )
            for e in events
        ],
    )


def _content(data: ItemIn) -> actions.ItemContent:
    units = list(Unit.objects.filter(pk__in=data.joint_unit_ids, is_active=True))
    if len(units) != len(set(data.joint_unit_ids)):
        raise ActionError(_("A joint unit does not exist."))
    return actions.ItemContent(
        title=data.title,
        body=data.body,
        kind=data.kind,
        tags=actions.parse_tags("，".join(data.tags)),
        joint_units=units,
        occurred_on=data.occurred_on,
        secrecy=data.secrecy or Secrecy.PUBLIC,
    )


@router.get("/items", response={200: ItemPage, **ERRORS}, url_name="items", summary="List items")
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> dict[str, Any]:
    """The items the caller may see (as on the item list page), newest change first."""
    rows = visible_items(user_of(request)).select_related("unit")
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.unit:
        rows = rows.filter(unit_id=filters.unit)
    if filters.q.strip():
        rows = rows.filter(title__contains=filters.q.strip())
    rows = within_days(rows, "updated_at", filters.updated_from, filters.updated_to)
    return paged(rows.order_by("-updated_at", "-pk"), filters, _summary)


@router.post(
    "/items",
    response={200: ItemOut, 201: ItemOut, **ERRORS},
    url_name="items",
    summary="Write an item",
)
def create_item(request: HttpRequest, data: NewItemIn) -> Status[ItemOut]:
    """A new item of the caller's unit: a draft, or sent straight for sign-off (`submit`).
    Only a unit's information officer writes items. With an `Idempotency-Key` header (a UUID)
    sent again, nothing new is made: 200 with the item made the first time."""
    user = user_of(request)
    need(user.can(Capability.WRITE_ITEMS) and user.unit_id is not None)
    try:
        item = actions.do_create_item(
            user, _content(data), submit=data.submit, token=idempotency_key(request)
        )
    except actions.AlreadySaved as done:
        return Status(200, _full(request, done.obj.pk))
    return Status(201, _full(request, item.pk))


@router.get(
    "/items/{int:item_id}",
    response={200: ItemOut, **ERRORS},
    url_name="item",
    summary="Read an item",
)
def read_item(request: HttpRequest, item_id: int) -> ItemOut:
    """One item with its history and what the caller may do to it. 404 for an item the caller
    may not see, exactly as for one that does not exist."""
    return _full(request, item_id)


@router.put(
    "/items/{int:item_id}",
    response={200: ItemOut, **ERRORS},
    url_name="item",
    summary="Revise a draft or returned item",
)
def revise_item(request: HttpRequest, item_id: int, data: ItemIn) -> ItemOut:
    """The unit's officer rewrites its own draft or returned item (a new revision)."""
    user = user_of(request)
    item = get_visible_item(user, item_id)
    _may_take(user, Action.REVISE)
    actions.do_revise(user, item.pk, _content(data))
    return _full(request, item.pk)


def _may_take(user: User, action: Action) -> None:
    """403 for a person whose role never takes this step; the state and the unit are the
    action's to judge (409 with its message)."""
    need(user.can(rules.TRANSITIONS[action].capability))


@router.post(
    "/items/{int:item_id}/edit",
    response={200: ItemOut, **ERRORS},
    url_name="item_edit",
    summary="Edit (section)",
)
def edit_item(request: HttpRequest, item_id: int, data: SectionEditIn) -> ItemOut:
    """An editor's edit: a new section revision; the unit's original is kept."""
    user = user_of(request)
    item = get_visible_item(user, item_id)
    _may_take(user, Action.EDIT)
    actions.do_edit(user, item.pk, data.title, data.body, data.comment, secrecy=data.secrecy)
    return _full(request, item.pk)


@router.post(
    "/items/{int:item_id}/{step}",
    response={200: ItemOut, **ERRORS},
    url_name="item_step",
    summary="Change state",
)
def take_step(request: HttpRequest, item_id: int, step: StepChoice, data: StepIn) -> ItemOut:
    """A state change, by the same rules as the item page's buttons: `submit`, `withdraw`
    (officer); `sign_off`, `refuse` (unit head, a reason to refuse); `start_review`, `return`
    (a reason), `file`, `verify` (the section, with `verdict`)."""
    user = user_of(request)
    item = get_visible_item(user, item_id)
    action = Action(step)
    _may_take(user, action)
    if action == Action.VERIFY:
        if data.verdict is None:
            raise ActionError(_("Choose verified or disputed."))
        actions.do_verify(user, item.pk, data.verdict, data.comment)
    else:
        actions.do_transition(user, item.pk, action, data.comment)
    return _full(request, item.pk)
