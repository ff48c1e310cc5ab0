"""Items (信息) between levels: an item forwarded upward (`item.forward`), and what the upper office
does with it travelling back down — its adoption into a bulletin issue (`item.adopted`) and a
leader's instruction on it (`item.instructed`). See docs/federation.md.

Sending: receivers of bulletins' signals write the outbox row inside the action's transaction.
Receiving: the message is filed through the same actions as a person's — the upper side files
the item as one written, submitted and signed off by the link's Unit; the lower side records
the adoption or instruction at the province's level as the section would type it in by hand."""

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record
from bulletins.actions import UpperIssue, do_adopt, do_record_instruction
from bulletins.models import Adoption, AdoptionLevel, Instruction, Publication, own_level
from bulletins.rules import is_upper, levels_above
from federation.models import (
    Direction,
    Link,
    MessageKind,
    OutboundMessage,
    RemoteItem,
)
from federation.outbox import _enqueue as enqueue
from federation.outbox import upward_link
from org.secrecy import Secrecy
from submissions.actions import ItemContent, do_create_item, do_transition
from submissions.models import InfoItem, ItemKind
from submissions.rules import Action as ItemAction
from xinbao.core.errors import ActionError

# --- sending ---------------------------------------------------------------------------------


def counted_level(level: str, own: str) -> str:
    """The level at which the office below counts what this office (`own`: its own level) did:
    its own publications and leaders count at this office's level (a province's at the
    province's); the centre's stay the centre's."""
    return AdoptionLevel.CENTRAL if level == AdoptionLevel.CENTRAL else own


def on_item_forwarded(sender: object, item: InfoItem, now: datetime, **kw: Any) -> bool:
    """The section forwarded an item (上报): with an upward link, it travels to the upper
    instance, which files it as an item of this office's unit there."""
    link = upward_link()
    if link is None:
        return False
    payload = {
        "item": {
            "id": item.pk,
            "title": item.title,
            "body": item.body,
            "kind": item.kind,
            "occurred_on": item.occurred_on.isoformat() if item.occurred_on else None,
            "secrecy": item.secrecy,
            "unit": item.unit.name,
            "tags": sorted(item.tags.values_list("name", flat=True)),
            "submitted_at": item.submitted_at.isoformat() if item.submitted_at else None,
        },
        "forwarded_at": now.isoformat(),
    }
    enqueue(link, MessageKind.ITEM_FORWARD, f"item:{item.pk}", payload, now)
    return True


def _came_from_below(item_id: int) -> RemoteItem | None:
    return (
        RemoteItem.objects.filter(
            item_id=item_id, link__direction=Direction.DOWN, link__is_active=True
        )
        .select_related("link")
        .first()
    )


def on_adoption_recorded(sender: object, adoption: Adoption, **kw: Any) -> None:
    """An item that came up from a lower office was adopted here: the office below learns it."""
    remote = _came_from_below(adoption.item_id)
    if remote is None:
        return
    publication, issue = adoption.publication, adoption.issue
    # The issue that used it: one compiled here, or the upper publication's as registered.
    number = issue.label if issue is not None else adoption.upper_issue_number
    on = issue.issue_date if issue is not None else adoption.upper_issue_date
    payload = {
        "item": {"id": remote.remote_id},
        "adoption": {
            "publication": {"code": publication.code, "name": publication.name},
            "level": counted_level(adoption.level, own_level()),
            "issue": number or publication.name,
            "issue_date": (on or adoption.adopted_on).isoformat(),
            "adopted_on": adoption.adopted_on.isoformat(),
        },
    }
    now = adoption.recorded_at
    msg = enqueue(remote.link, MessageKind.ITEM_ADOPTED, f"item:{adoption.item_id}", payload, now)
    # An issue published the evening before its date travels down when its date comes: the
    # office below records an adoption once it has happened (no date in the future).
    opens = datetime.combine(
        on or adoption.adopted_on, time.min, tzinfo=timezone.get_current_timezone()
    )
    if opens > now:
        OutboundMessage.objects.filter(pk=msg.pk).update(next_attempt_at=opens)


def on_instruction_recorded(sender: object, instruction: Instruction, **kw: Any) -> None:
    """A leader's instruction here on an item that came up from a lower office goes down."""
    remote = _came_from_below(instruction.item_id)
    if remote is None:
        return
    payload = {
        "item": {"id": remote.remote_id},
        "instruction": {
            "text": instruction.text,
            "leader": instruction.leader_name,
            "level": counted_level(instruction.level, own_level()),
            "instructed_on": instruction.instructed_on.isoformat(),
        },
    }
    now = instruction.recorded_at
    enqueue(remote.link, MessageKind.ITEM_INSTRUCTED, f"item:{instruction.item_id}", payload, now)


# --- receiving -------------------------------------------------------------------------------


def _text(raw: object, limit: int) -> str:
    return str(raw or "")[:limit]


def _day(raw: object) -> date:
    return date.fromisoformat(str(raw))


def _filed(actor: Any, link: Link, message: dict[str, Any], target: str) -> str:
    record(
        actor,
        "federation_message_filed",
        target,
        {"message": message["key"], "kind": message["kind"], "office": link.office_code},
    )
    return target


def file_item_forward(link: Link, message: dict[str, Any], now: datetime) -> str:
    """Upper side: the lower office's item, written, submitted and signed off by the link's
    accounts, so screening, bulletins and scoring here take it as any unit's item."""
    if link.unit is None or link.filer is None or link.signer is None:
        raise ActionError(_("This link has no unit to file reports for."))
    remote = message["item"]
    remote_id = int(remote["id"])
    known = RemoteItem.objects.filter(link=link, remote_id=remote_id).first()
    if known is not None:
        # Forwarded again: the item is already here.
        return _filed(link.filer, link, message, f"item:{known.item_id}")
    kind = str(remote.get("kind"))
    if kind not in ItemKind.values:
        raise ActionError(_("Unknown item kind: %(k)s") % {"k": kind})
    secrecy = str(remote.get("secrecy") or Secrecy.PUBLIC)
    if secrecy not in Secrecy.values:
        raise ActionError(_("Unknown secrecy level: %(s)s") % {"s": secrecy})
    tags = [_text(t, 30) for t in remote.get("tags") or [] if str(t).strip()]
    content = ItemContent(
        title=_text(remote["title"], 120),
        body=str(remote["body"]),
        kind=kind,
        tags=tags,
        occurred_on=_day(remote["occurred_on"]) if remote.get("occurred_on") else None,
        secrecy=secrecy,
    )
    item = do_create_item(link.filer, content, submit=True)
    do_transition(link.signer, item.pk, ItemAction.SIGN_OFF)
    RemoteItem.objects.create(link=link, remote_id=remote_id, item=item)
    return _filed(link.filer, link, message, f"item:{item.pk}")


def _forwarded_item(link: Link, message: dict[str, Any]) -> tuple[Any, int]:
    """Lower side: the recording account and our own item the message is about, which must be
    one this office forwarded on this link."""
    if link.signer is None:
        raise ActionError(_("This link has no account to record notices with."))
    item_id = int(message["item"]["id"])
    sent = OutboundMessage.objects.filter(
        link=link, kind=MessageKind.ITEM_FORWARD, subject=f"item:{item_id}"
    )
    if not sent.exists():
        raise ActionError(_("This item was never forwarded to the upper office."))
    return link.signer, item_id


def _level(raw: object) -> str:
    """The level an adoption or instruction from the upper office is recorded at: one above this
    office's own (a city's: the province's or the centre's; a province's: the centre's)."""
    level = str(raw)
    if level not in levels_above(own_level()):
        raise ActionError(_("Unknown level: %(l)s") % {"l": level})
    return level


def _publication(named: dict[str, Any], level: str) -> Publication:
    """The upper office's publication as this office knows it: by its code, else by its name
    among the active publications of that level. One it does not know is refused (422, 对方拒收,
    for good: retrying cannot help): guessing would credit the wrong publication's points."""
    code = _text(named.get("code"), 40)
    by_code = Publication.objects.filter(code=code).first()
    if by_code is not None and is_upper(by_code.level, own_level()):
        return by_code
    by_name = Publication.objects.filter(level=level, is_active=True, name=named.get("name"))
    found = by_name.order_by("pk").first()
    if found is not None:
        return found
    raise ActionError(
        _(
            "This system does not know the upper publication %(name)s (code %(code)s): the "
            "adoption is not recorded. The system administrator adds it under that code."
        )
        % {"name": _text(named.get("name"), 60), "code": code}
    )


def file_item_adopted(link: Link, message: dict[str, Any], now: datetime) -> str:
    """Lower side: the upper office adopted our forwarded item; recorded as the section would
    record a provincial adoption by hand (the ledger then credits the unit)."""
    recorder, item_id = _forwarded_item(link, message)
    entry = message["adoption"]
    publication = _publication(entry["publication"], _level(entry["level"]))
    existing = Adoption.objects.filter(item_id=item_id, publication=publication).first()
    if existing is None:
        existing = do_adopt(
            recorder,
            item_id,
            publication,
            _day(entry["adopted_on"]),
            note=_("Federation message %(key)s") % {"key": message["key"]},
            upper=UpperIssue(number=_text(entry["issue"], 40), on=_day(entry["issue_date"])),
        )
        record(
            recorder,
            "adoption_recorded_from_upper",
            f"item:{item_id}",
            {"adoption": existing.pk, "publication": publication.code, "message": message["key"]},
        )
    return _filed(recorder, link, message, f"adoption:{existing.pk}")


def file_item_instructed(link: Link, message: dict[str, Any], now: datetime) -> str:
    """Lower side: an upper leader's instruction on our forwarded item, recorded as one received
    on paper (its units owe feedback; the ledger credits the instruction's level)."""
    recorder, item_id = _forwarded_item(link, message)
    entry = message["instruction"]
    instruction = do_record_instruction(
        recorder,
        item_id,
        str(entry["text"]),
        _day(entry["instructed_on"]),
        level=_level(entry["level"]),
        leader_name=_text(entry["leader"], 60),
        now=now,
    )
    record(
        recorder,
        "instruction_recorded_from_upper",
        f"item:{item_id}",
        {"instruction": instruction.pk, "level": instruction.level, "message": message["key"]},
    )
    return _filed(recorder, link, message, f"instruction:{instruction.pk}")


FILERS = {
    MessageKind.ITEM_FORWARD: file_item_forward,
    MessageKind.ITEM_ADOPTED: file_item_adopted,
    MessageKind.ITEM_INSTRUCTED: file_item_instructed,
}
