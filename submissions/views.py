"""Routine-information screens. Views validate and render; `actions` writes."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from org.http import AuthedRequest
from org.models import upper_office
from org.roles import Capability
from submissions import actions, diff, export, rules
from submissions.forms import (
    AttachForm,
    CommentForm,
    EditForm,
    ItemForm,
    ReasonForm,
    VerifyForm,
)
from submissions.models import (
    Attachment,
    EventKind,
    InfoItem,
    ItemEvent,
    ItemKind,
    ItemRevision,
    ItemState,
    RevisionSource,
)
from submissions.queries import actor_of, facts_of, get_visible_item, visible_items
from submissions.rules import Action
from xinbao.core.downloads import attach, download
from xinbao.core.inputs import query_param
from xinbao.core.once import ALREADY_SAVED

PAGE_SIZE = 25


def _list_rows(qs: QuerySet[InfoItem]) -> QuerySet[InfoItem]:
    return qs.select_related("unit", "author").only(
        "id",
        "title",
        "kind",
        "state",
        "updated_at",
        "submitted_at",
        "verification",
        "secrecy",
        "unit__name",
        "unit__short_name",
        "author__full_name",
        "author__username",
    )


def _state_counts(qs: QuerySet[InfoItem]) -> dict[str, int]:
    rows = qs.order_by().values("state").annotate(n=Count("id", distinct=True))
    return {row["state"]: row["n"] for row in rows}


@require_safe
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    visible = visible_items(user)
    context: dict[str, Any] = {"counts": _state_counts(visible)}
    if user.can(Capability.WRITE_ITEMS):
        context["returned"] = _list_rows(
            visible.filter(state=ItemState.RETURNED, unit=user.unit_id)
        )[:10]
        context["drafts"] = _list_rows(visible.filter(state=ItemState.DRAFT, unit=user.unit_id))[
            :10
        ]
        context["recent"] = _list_rows(visible.exclude(state=ItemState.DRAFT))[:10]
    if user.can(Capability.SIGN_OFF):
        context["awaiting"] = _list_rows(
            visible.filter(state=ItemState.AWAITING_SIGNOFF, unit=user.unit_id)
        ).order_by("updated_at")
        context["recent"] = _list_rows(visible.exclude(state=ItemState.AWAITING_SIGNOFF))[:10]
    if user.can(Capability.READ_SUBMITTED):
        context["queue"] = _list_rows(
            visible.filter(state__in=[ItemState.SUBMITTED, ItemState.UNDER_REVIEW])
        ).order_by("submitted_at")[:30]
    if user.can(Capability.READ_ADOPTED):
        # Each with its adoptions, which the template's `adopted_list` tag brings.
        context["adopted"] = _list_rows(visible.filter(state=ItemState.ADOPTED)).order_by(
            "-updated_at"
        )[:20]
    return render(request, "submissions/home.html", context)


def _filtered(
    request: AuthedRequest, visible: QuerySet[InfoItem]
) -> tuple[QuerySet[InfoItem], dict[str, str]]:
    """The list's rows under the filters of the query string (unknown values are ignored),
    newest change first, and the filters that applied."""
    items = visible
    filters = {}
    state = request.GET.get("state", "")
    if state in ItemState.values:
        items = items.filter(state=state)
        filters["state"] = state
    kind = request.GET.get("kind", "")
    if kind in ItemKind.values:
        items = items.filter(kind=kind)
        filters["kind"] = kind
    q = query_param(request)
    if q:
        items = items.filter(title__contains=q)
        filters["q"] = q
    return _list_rows(items).order_by("-updated_at", "-pk"), filters


@require_safe
def item_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    visible = visible_items(user)
    counts = _state_counts(visible)
    items, filters = _filtered(request, visible)
    state, kind, q = filters.get("state", ""), filters.get("kind", ""), filters.get("q", "")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    states = [(value, label, counts.get(value, 0)) for value, label in ItemState.choices]
    context = {
        "page": page,
        "states": [s for s in states if s[2] or s[0] == state],
        "total": sum(counts.values()),
        "state": state,
        "kind": kind,
        "kinds": ItemKind.choices,
        "q": q,
    }
    template = (
        "submissions/_list_rows.html"
        if request.headers.get("HX-Request")
        else "submissions/list.html"
    )
    return render(request, template, context)


@require_safe
def item_list_xlsx(request: AuthedRequest) -> HttpResponse:
    """The list as it is filtered, as .xlsx with each item's 密级 (audited)."""
    items, filters = _filtered(request, visible_items(request.user))
    try:
        book = actions.do_export_items(request.user, items, filters)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('submissions:list')}?{request.GET.urlencode()}")
    now = timezone.localtime()
    name = _("Information items, exported %(at)s") % {"at": f"{now:%Y-%m-%d %H.%M}"}
    return download(book, export.XLSX_TYPE, f"{name}.xlsx", f"items-{now:%Y%m%d-%H%M}")


@require_http_methods(["GET", "POST"])
def create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.can(Capability.WRITE_ITEMS) or user.unit_id is None:
        raise PermissionDenied
    initial = {"solicitation": request.GET.get("solicitation")}
    form = ItemForm(
        request.POST or None, request.FILES or None, own_unit_id=user.unit_id, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            item = actions.do_create_item(
                user,
                form.content(),
                form.cleaned_data["attachments"],
                submit=submit,
                token=form.token,
            )
        except actions.AlreadySaved as done:
            messages.info(request, ALREADY_SAVED)
            return redirect("submissions:detail", pk=done.obj.pk)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Sent to your unit head for sign-off.") if submit else _("Draft saved."),
            )
            return redirect("submissions:detail", pk=item.pk)
    return render(request, "submissions/form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
def revise(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    item = get_visible_item(user, pk)
    if not rules.allowed(actor_of(user), facts_of(item), Action.REVISE):
        raise PermissionDenied
    initial = {
        "title": item.title,
        "kind": item.kind,
        "body": item.body,
        "occurred_on": item.occurred_on,
        "tags": "，".join(t.name for t in item.tags.all()),
        "joint_units": list(item.joint_units.all()),
        "solicitation": item.solicitation_id,
        "secrecy": item.secrecy,
    }
    form = ItemForm(
        request.POST or None, request.FILES or None, initial=initial, own_unit_id=user.unit_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_revise(user, item.pk, form.content(), form.cleaned_data["attachments"])
            if "submit" in request.POST:
                actions.do_transition(user, item.pk, Action.SUBMIT)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Sent to your unit head for sign-off.")
                if "submit" in request.POST
                else _("Changes saved."),
            )
            return redirect("submissions:detail", pk=item.pk)
    reason = (
        item.events.filter(kind__in=[EventKind.RETURNED, EventKind.SIGNOFF_REFUSED])
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
        if item.state == ItemState.RETURNED
        else None
    )
    return render(request, "submissions/form.html", {"form": form, "item": item, "reason": reason})


@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    item = get_visible_item(user, pk)
    if not rules.allowed(actor_of(user), facts_of(item), Action.EDIT):
        raise PermissionDenied
    form = EditForm(
        request.POST or None,
        initial={"title": item.title, "body": item.body, "secrecy": item.secrecy},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit(
                user,
                item.pk,
                form.cleaned_data["title"],
                form.cleaned_data["body"],
                form.cleaned_data["comment"],
                secrecy=form.cleaned_data.get("secrecy") or None,
            )
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Edit saved. The unit's original is kept."))
            return redirect("submissions:detail", pk=item.pk)
    return render(request, "submissions/edit.html", {"form": form, "item": item})


def _action_forms(allowed: list[Action], item: InfoItem) -> dict[str, Any]:
    forms: dict[str, Any] = {}
    for action in allowed:
        if action in (Action.REFUSE, Action.RETURN):
            forms[action] = ReasonForm(prefix=action)
        elif action == Action.VERIFY:
            forms[action] = VerifyForm(prefix=action)
        elif action == Action.ADOPT:
            # A slot in the action box: adoptions are recorded by the app above that owns
            # them, whose `adoption_form` template tag fills it.
            forms[action] = None
        elif action == Action.ATTACH:
            forms[action] = AttachForm(prefix=action)
        elif action in actions.SIMPLE_ACTIONS:
            forms[action] = CommentForm(prefix=action)
    return forms


@require_safe
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return detail_page(request, pk)


def detail_page(
    request: AuthedRequest, pk: int, bound: dict[str, Any] | None = None
) -> HttpResponse:
    """The item's page; an action's view shows it again with its invalid form bound
    (answering 400) — `act` here, and the views of the apps above that own an action's form."""
    user = request.user
    item = get_visible_item(user, pk)
    allowed = rules.allowed_actions(actor_of(user), facts_of(item))
    forms = _action_forms(allowed, item)
    if bound:
        forms.update(bound)
    revisions = list(item.revisions.select_related("author").order_by("number"))
    original = next((r for r in reversed(revisions) if r.source == RevisionSource.OFFICER), None)
    edited = bool(revisions) and revisions[-1].source == RevisionSource.EDITOR
    events = list(ItemEvent.objects.filter(item=item).select_related("actor").order_by("at", "pk"))
    context = {
        "item": item,
        "allowed": allowed,
        "forms": forms,
        "revisions": revisions,
        "original": original,
        "edited": edited,
        "changes": diff.compare(original.body, item.body) if edited and original else [],
        "events": events,
        # Why it came back (the unit head's refusal or the section's return), at the top of the
        # page for as long as the item waits for the unit to revise it.
        "return_reason": next(
            (e for e in reversed(events) if e.to_state == ItemState.RETURNED), None
        )
        if item.state == ItemState.RETURNED
        else None,
        "attachments": item.attachments.all(),
        # Forwarding upward (上报) is the section's call, once the item has reached it.
        "forward_to": upper_office()
        if user.can(Capability.REVIEW) and item.submitted_at and not item.forwarded_at
        else None,
    }
    status = 400 if bound else 200
    return render(request, "submissions/detail.html", context, status=status)


@require_POST
def act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    item = get_visible_item(user, pk)
    try:
        chosen = Action(action)
    except ValueError:
        raise PermissionDenied from None
    if not rules.allowed(actor_of(user), facts_of(item), chosen):
        messages.error(request, _("This action is not available for this item now."))
        return redirect("submissions:detail", pk=item.pk)
    form: Any
    try:
        if chosen == Action.VERIFY:
            form = VerifyForm(request.POST, prefix=chosen)
            if not form.is_valid():
                return detail_page(request, pk, {chosen: form})
            actions.do_verify(
                user, item.pk, form.cleaned_data["verdict"], form.cleaned_data["note"]
            )
            done = _("Verification recorded.")
        elif chosen == Action.ATTACH:
            form = AttachForm(request.POST, request.FILES, prefix=chosen)
            if not form.is_valid():
                return detail_page(request, pk, {chosen: form})
            actions.do_attach(user, item.pk, form.cleaned_data["attachments"])
            done = _("Attachment added.")
        elif chosen in actions.SIMPLE_ACTIONS:
            form_class = ReasonForm if rules.TRANSITIONS[chosen].needs_comment else CommentForm
            form = form_class(request.POST, prefix=chosen)
            if not form.is_valid():
                return detail_page(request, pk, {chosen: form})
            actions.do_transition(user, item.pk, chosen, form.cleaned_data["comment"])
            done = _DONE[chosen]
        else:
            raise PermissionDenied
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("submissions:detail", pk=item.pk)


_DONE = {
    Action.SUBMIT: _("Sent to your unit head for sign-off."),
    Action.WITHDRAW: _("Withdrawn to draft."),
    Action.SIGN_OFF: _("Signed off: the item went to the information section."),
    Action.REFUSE: _("Returned to the officer."),
    Action.START_REVIEW: _("You are reviewing this item."),
    Action.RETURN: _("Returned to the unit."),
    Action.FILE: _("Filed without adoption."),
}


@require_safe
def revision(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    user = request.user
    item = get_visible_item(user, pk)
    rev = get_object_or_404(ItemRevision.objects.select_related("author"), item=item, number=number)
    previous = ItemRevision.objects.filter(item=item, number=number - 1).first()
    changes = diff.compare(previous.body, rev.body) if previous else []
    return render(
        request,
        "submissions/revision.html",
        {"item": item, "rev": rev, "previous": previous, "changes": changes},
    )


@require_safe
def attachment(request: AuthedRequest, pk: int) -> FileResponse:
    user = request.user
    att = get_object_or_404(Attachment, pk=pk)
    get_visible_item(user, att.item_id)  # 404 unless the user may see the item
    response = FileResponse(att.file.open("rb"), content_type=att.content_type)
    attach(response, att.original_name, f"attachment-{att.pk}")
    return response
