"""Telling people about each step of an item's way, in the transaction of the step.

Every step of the routine loop is an ItemEvent; `step` turns the ones somebody else needs to
hear about into one `notify.dispatch`: the inbox of the people concerned (never the person who
took the step) and the external channels those people and the item's unit chose. The message
key is the event's, so a message exists exactly once if and only if the step was committed,
and the worker's retries carry that key to the receiver.

- sent for sign-off, withdrawn: the unit's head(s);
- signed off, sign-off refused, review started, edited, verified, disputed, returned, filed
  (not adopted): the officer who wrote it;
- adopted: the officer, the unit's head(s) and the joint units' staff.

Every step also goes to the channels of the item's unit (and, adopted, of the joint units).

The texts are written in the office's language (settings.LANGUAGE_CODE), whatever language the
person taking the step reads the pages in: they are read by others.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from notify.actions import Message, dispatch
from notify.models import Severity
from org.models import Unit, User
from org.roles import UNIT_STAFF, Capability, roles_with
from submissions import diff
from submissions.models import EventKind, InfoItem, ItemEvent, ItemRevision


@dataclass(frozen=True)
class Text:
    """A step's message before it is addressed: its link is the item's page unless given."""

    title: str
    body: str
    severity: str
    url: str = ""


def _heads(unit_id: int) -> list[User]:
    return list(
        User.objects.filter(
            unit_id=unit_id, role__in=roles_with(Capability.SIGN_OFF), is_active=True
        )
    )


def _author(item: InfoItem) -> list[User]:
    return list(User.objects.filter(pk=item.author_id, is_active=True))


def _joint_staff(units: list[Unit]) -> list[User]:
    return list(User.objects.filter(unit__in=units, role__in=UNIT_STAFF, is_active=True))


def _reason(event: ItemEvent) -> str:
    return _("Reason: %(reason)s") % {"reason": event.comment} if event.comment else ""


def _lines(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _chars(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def edit_summary(item: InfoItem) -> tuple[str, str]:
    """What the editor changed, in a sentence, and the link to the revision's comparison with
    the one before it."""
    revisions = list(
        ItemRevision.objects.filter(
            item=item, number__in=(item.revision_count - 1, item.revision_count)
        )
        .order_by("number")
        .only("number", "title", "body")
    )
    url = reverse("submissions:revision", args=[item.pk, item.revision_count])
    if len(revisions) != 2:
        return "", url
    old, new = revisions
    parts = []
    if old.title != new.title:
        parts.append(
            _("title changed from “%(old)s” to “%(new)s”") % {"old": old.title, "new": new.title}
        )
    if old.body != new.body:
        segments = diff.compare(old.body, new.body)
        # Characters as a reader counts them: paragraph breaks are not characters.
        removed = sum(_chars(s.text) for s in segments if s.op == "delete")
        added = sum(_chars(s.text) for s in segments if s.op == "insert")
        parts.append(
            _("body: %(removed)s characters taken out, %(added)s put in")
            % {"removed": removed, "added": added}
        )
    summary = (
        _("What changed: %(changes)s.") % {"changes": pgettext("list separator", "; ").join(parts)}
        if parts
        else ""
    )
    return summary, url


def _context(item: InfoItem, event: ItemEvent) -> dict[str, str]:
    return {
        "title": item.title,
        "unit": item.unit.name,
        "who": str(event.actor),
        "where": event.comment,
    }


def _submitted(item: InfoItem, event: ItemEvent) -> Text:
    c = _context(item, event)
    return Text(
        title=_("[Awaiting sign-off] “%(title)s”") % c,
        body=_(
            "%(who)s of %(unit)s sent “%(title)s” for your sign-off; "
            "it leaves the unit when you sign it off."
        )
        % c,
        severity=Severity.WARNING,
    )


def _withdrawn(item: InfoItem, event: ItemEvent) -> Text:
    c = _context(item, event)
    return Text(
        title=_("[Withdrawn] “%(title)s”") % c,
        body=_("%(who)s took “%(title)s” back to draft; it no longer awaits your sign-off.") % c,
        severity=Severity.INFO,
    )


def _signed_off(item: InfoItem, event: ItemEvent) -> Text:
    c = _context(item, event)
    return Text(
        title=_("[Signed off] “%(title)s”") % c,
        body=_("%(who)s signed “%(title)s” off; it has gone to the information section.") % c,
        severity=Severity.INFO,
    )


def _refused(item: InfoItem, event: ItemEvent) -> Text:
    c = _context(item, event)
    return Text(
        title=_("[Sign-off refused] “%(title)s”") % c,
        body=_lines(
            _("%(who)s did not sign “%(title)s” off and sent it back to you.") % c, _reason(event)
        ),
        severity=Severity.WARNING,
    )


def _review_started(item: InfoItem, event: ItemEvent) -> Text:
    c = _context(item, event)
    return Text(
        title=_("[Under review] “%(title)s”") % c,
        body=_("The information section (%(who)s) is screening “%(title)s”.") % c,
        severity=Severity.INFO,
    )


def _edited(item: InfoItem, event: ItemEvent) -> Text:
    c = _context(item, event)
    summary, url = edit_summary(item)
    return Text(
        title=_("[Edited] “%(title)s”") % c,
        body=_lines(
            _("%(who)s of the information section edited “%(title)s”; your own text is kept.") % c,
            summary,
            _("Editor's note: %(note)s") % {"note": event.comment} if event.comment else "",
        ),
        severity=Severity.INFO,
        url=url,
    )


def _verified(item: InfoItem, event: ItemEvent) -> Text:
    c = _context(item, event)
    return Text(
        title=_("[Verified] “%(title)s”") % c,
        body=_("The information section (%(who)s) verified the facts of “%(title)s”.") % c,
        severity=Severity.INFO,
    )


def _disputed(item: InfoItem, event: ItemEvent) -> Text:
    c = _context(item, event)
    return Text(
        title=_("[Disputed] “%(title)s”") % c,
        body=_lines(
            _("The information section (%(who)s) disputes facts in “%(title)s”.") % c,
            _reason(event),
        ),
        severity=Severity.WARNING,
    )


def _returned(item: InfoItem, event: ItemEvent) -> Text:
    c = _context(item, event)
    return Text(
        title=_("[Returned] “%(title)s”") % c,
        body=_lines(
            _("The information section (%(who)s) returned “%(title)s” to your unit.") % c,
            _reason(event),
            _("Revise it and send it again."),
        ),
        severity=Severity.WARNING,
    )


def _filed(item: InfoItem, event: ItemEvent) -> Text:
    c = _context(item, event)
    return Text(
        title=_("[Not adopted] “%(title)s”") % c,
        body=_lines(
            _(
                "The information section (%(who)s) filed “%(title)s” in the archive "
                "without adopting it."
            )
            % c,
            _reason(event),
        ),
        severity=Severity.INFO,
    )


def _adopted(item: InfoItem, event: ItemEvent) -> Text:
    c = _context(item, event)
    return Text(
        title=_("[Adopted] “%(title)s”: %(where)s") % c,
        body=_("“%(title)s” of %(unit)s was adopted by %(where)s.") % c,
        severity=Severity.INFO,
    )


Compose = Callable[[InfoItem, ItemEvent], Text]

# event kind -> (the message, who is told: "heads", "author" or "adoption")
STEPS: dict[str, tuple[Compose, str]] = {
    EventKind.SUBMITTED: (_submitted, "heads"),
    EventKind.WITHDRAWN: (_withdrawn, "heads"),
    EventKind.SIGNED_OFF: (_signed_off, "author"),
    EventKind.SIGNOFF_REFUSED: (_refused, "author"),
    EventKind.REVIEW_STARTED: (_review_started, "author"),
    EventKind.EDITED: (_edited, "author"),
    EventKind.VERIFIED: (_verified, "author"),
    EventKind.DISPUTED: (_disputed, "author"),
    EventKind.RETURNED: (_returned, "author"),
    EventKind.FILED: (_filed, "author"),
    EventKind.ADOPTED: (_adopted, "adoption"),
}


def recipients(item: InfoItem, audience: str) -> tuple[list[User], list[Unit]]:
    if audience == "heads":
        return _heads(item.unit_id), [item.unit]
    if audience == "author":
        return _author(item), [item.unit]
    joint = list(item.joint_units.all())
    return _author(item) + _heads(item.unit_id) + _joint_staff(joint), [item.unit, *joint]


def step(item: InfoItem, event: ItemEvent) -> int:
    """Announce one step (if it is one anybody else is told about). Call it inside the step's
    transaction, after the event row is written. Returns the rows dispatch created."""
    if event.kind not in STEPS:
        return 0
    assert event.pk is not None
    compose, audience = STEPS[event.kind]
    users, units = recipients(item, audience)
    users = [u for u in users if u.pk != event.actor_id]
    with translation.override(settings.LANGUAGE_CODE):
        text = compose(item, event)
    message = Message(
        title=text.title,
        body=text.body,
        url=text.url or reverse("submissions:detail", args=[item.pk]),
        severity=text.severity,
        key=f"item:{item.pk}:event:{event.pk}",
    )
    return dispatch(message, users, units)
