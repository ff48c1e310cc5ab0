"""Every write of the duty log and the handover, each in one transaction with its audit row.
Zero reports and their periods are written in duty.actions_zero."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record
from deadlines import registry
from deadlines.models import ExpectedReport, ExpectStatus
from duty import access, rules
from duty.models import Handover, LogEntry
from emergencies.models import Incident, IncidentStatus
from org.duty import on_duty
from org.models import DutyShift, Unit, User
from xinbao.core.errors import ActionError

CARRY_LIMIT = 50  # the next reports due carried over; the rest are on the board


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    summary: str
    caller: str = ""
    unit: Unit | None = None
    phone: str = ""
    incident: Incident | None = None


def log_closed(shift: DutyShift) -> bool:
    """Whether the handover of `shift` has been signed by both officers: its log is closed."""
    return Handover.objects.filter(outgoing_shift=shift, signed_at__isnull=False).exists()


def add_entry(user: User, shift: DutyShift, entry: Entry, now: datetime | None = None) -> LogEntry:
    """A line in `shift`'s log, by someone who stands duty, for a shift that has begun and has
    not been handed over (signed by both officers)."""
    if not access.keeps_duty(user):
        raise PermissionDenied
    now = now or timezone.now()
    if shift.starts_at > now:
        raise ActionError(_("This shift has not begun: nothing can be logged in it yet."))
    if entry.at > now:
        raise ActionError(_("The time of the entry is in the future."))
    if not rules.in_shift(entry.at, shift.starts_at, shift.ends_at):
        raise ActionError(
            _("The time of the entry lies outside this shift (%(start)s – %(end)s).")
            % {
                "start": timezone.localtime(shift.starts_at).strftime("%m-%d %H:%M"),
                "end": timezone.localtime(shift.ends_at).strftime("%m-%d %H:%M"),
            }
        )
    with transaction.atomic():
        # The shift's row serialises this line with the handover's signature (which locks it
        # too): once both officers have signed, the log is closed.
        DutyShift.objects.select_for_update().get(pk=shift.pk)
        if log_closed(shift):
            raise ActionError(
                _("This shift has been handed over: its log can no longer be changed.")
            )
        row = LogEntry.objects.create(
            shift=shift,
            at=entry.at,
            kind=entry.kind,
            caller=entry.caller,
            unit=entry.unit,
            phone=entry.phone,
            summary=entry.summary,
            incident=entry.incident,
            written_by=user,
        )
        record(
            user,
            "duty_log_entry_added",
            f"duty_log_entry:{row.pk}",
            {"shift": shift.pk, "kind": entry.kind, "incident": row.incident_id},
        )
    return row


def carried_over(now: datetime) -> list[dict[str, Any]]:
    """The snapshot a handover carries: every open incident, then the next reports due."""
    items: list[dict[str, Any]] = [
        {"kind": "incident", "id": i.pk, "title": i.title, "url": f"/emergencies/{i.pk}/"}
        for i in Incident.objects.filter(status=IncidentStatus.OPEN).order_by("pk")
    ]
    due = (
        ExpectedReport.objects.filter(status=ExpectStatus.OPEN)
        .select_related("unit")
        .order_by("due_at", "pk")[:CARRY_LIMIT]
    )
    for row in due:
        try:
            kind = registry.kind(row.kind)
            title, url = kind.subject_label(row), kind.subject_url(row)
        except LookupError:
            title, url = row.kind, ""
        items.append(
            {
                "kind": "deadline",
                "id": row.pk,
                "title": title,
                "what": row.what,
                "unit": row.unit.name,
                "due": timezone.localtime(row.due_at).strftime("%Y-%m-%d %H:%M"),
                "overdue": row.due_at <= now,
                "url": url,
            }
        )
    return items


def _spans(user: User) -> list[rules.ShiftSpan]:
    return [
        rules.ShiftSpan(s.pk, s.starts_at, s.ends_at)
        for s in DutyShift.objects.filter(person=user).order_by("starts_at")
    ]


def start_handover(user: User, matters: str, now: datetime | None = None) -> Handover:
    """The outgoing officer hands over their current (or just ended) shift."""
    if not access.keeps_duty(user):
        raise PermissionDenied
    now = now or timezone.now()
    span = rules.outgoing_shift(_spans(user), now)
    if span is None:
        raise ActionError(
            _("You have no shift running or just ended: there is nothing for you to hand over.")
        )
    with transaction.atomic():
        shift = DutyShift.objects.select_for_update().get(pk=span.pk)
        if Handover.objects.filter(outgoing_shift=shift).exists():
            raise ActionError(_("The handover of this shift has already been started."))
        handover = Handover.objects.create(
            outgoing_shift=shift,
            outgoing=user,
            started_at=now,
            carried=carried_over(now),
            matters=matters,
        )
        record(
            user,
            "duty_handover_started",
            f"duty_handover:{handover.pk}",
            {"shift": shift.pk, "carried": len(handover.carried)},
        )
    return handover


def incoming_people(handover: Handover) -> list[User]:
    """Who takes over: the people on duty when the outgoing shift ends."""
    return [p for p in on_duty(handover.outgoing_shift.ends_at) if p.pk != handover.outgoing_id]


REFUSALS = {
    rules.Refusal.SIGNED: lambda: _("This handover has already been signed."),
    rules.Refusal.OWN: lambda: _(
        "You handed this shift over: the incoming duty officer must sign to take it over."
    ),
    rules.Refusal.NOT_INCOMING: lambda: _(
        "Only the duty officer of the incoming shift (or the section chief) may sign this handover."
    ),
}


def sign_handover(user: User, pk: int, now: datetime | None = None) -> Handover:
    """The incoming officer confirms the handover: both names and times are then on record."""
    if not access.keeps_duty(user):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        handover = Handover.objects.select_for_update().select_related("outgoing_shift").get(pk=pk)
        # Closes the shift's log: a line being added meanwhile holds (or waits for) this lock.
        DutyShift.objects.select_for_update().get(pk=handover.outgoing_shift_id)
        refusal = rules.sign_refusal(
            user.pk,
            handover.outgoing_id,
            [p.pk for p in incoming_people(handover)],
            signed=handover.signed_at is not None,
            heads_duty_office=access.heads_duty_office(user),
        )
        if refusal is not None:
            raise ActionError(REFUSALS[refusal]())
        handover.incoming, handover.signed_at = user, now
        handover.save(update_fields=["incoming", "signed_at"])
        record(
            user,
            "duty_handover_signed",
            f"duty_handover:{handover.pk}",
            {"outgoing": handover.outgoing_id, "incoming": user.pk},
        )
    return handover
