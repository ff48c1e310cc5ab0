"""The section's own duties upward on an incident: its phone report to the province (向省委电话报告,
ExpectKind.SECTION_PHONE) and forwarding the written text (上报, ExpectKind.FORWARD).

Both are owed from the section's first knowledge of the incident — the earliest moment the hub
knew: the first report it received (a phone report, or a written one at its sign-off) or the
time another channel's sighting, matched to the incident, was seen — for every level whose row
asks for forwarding. They are the section's own: shown on the board and the incident page,
notified to the section, but never a late or missed candidate against a unit.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record
from deadlines import actions as deadlines
from deadlines.models import ExpectStatus
from emergencies import rules
from emergencies.models import ExpectKind, Incident, IncidentReport, SectionCall
from org.models import User, hub_unit
from org.roles import Capability
from xinbao.core.errors import ActionError

UPWARD = (ExpectKind.FORWARD, ExpectKind.SECTION_PHONE)


def section_knew_at(incident: Incident) -> datetime | None:
    """The earliest the section knew of the incident; None while it has received nothing."""
    received = IncidentReport.objects.filter(
        incident=incident, received_at__isnull=False
    ).aggregate(m=Min("received_at"))["m"]
    seen = incident.sightings.aggregate(m=Min("seen_at"))["m"]
    known = [t for t in (received, seen) if t is not None]
    return min(known) if known else None


def _minutes(kind: str, rule: rules.Rule) -> int | None:
    if not rule.forward_minutes:
        return None  # a level that is not reported upward
    return rule.forward_minutes if kind == ExpectKind.FORWARD else rule.section_phone_minutes


def owe_upward(
    incident: Incident, rule: rules.Rule, now: datetime, since: datetime | None = None
) -> None:
    """Expect the section's phone report and forwarding if the rule asks for them and the
    section knows of the incident. `since`: a level change that made them owed counts from the
    change, since nobody owed them before."""
    hub = hub_unit()
    knew = section_knew_at(incident)
    if hub is None or knew is None or not rule.forward_minutes:
        return
    start = max(knew, since) if since is not None else knew
    existing = set(incident.expected.filter(kind__in=UPWARD).values_list("kind", flat=True))
    done = {
        ExpectKind.FORWARD: incident.forwardings.exists(),
        ExpectKind.SECTION_PHONE: incident.section_calls.exists(),
    }
    for kind in UPWARD:
        minutes = _minutes(kind, rule)
        if minutes and kind not in existing and not done[kind]:
            deadlines.expect(
                kind=kind,
                unit=hub,
                subject=incident,
                window_start=start,
                due_at=start + timedelta(minutes=minutes),
                cadence=rule,
                now=now,
            )


def knew_earlier(
    incident: Incident, before: datetime | None, rule: rules.Rule, now: datetime
) -> None:
    """The section turns out to have known earlier (a sighting seen before the first report was
    matched): open rows timed from the old first knowledge move to the new one."""
    knew = section_knew_at(incident)
    if before is None or knew is None or knew >= before:
        return
    rows = incident.expected.filter(kind__in=UPWARD, status=ExpectStatus.OPEN, window_start=before)
    for row in list(rows):
        minutes = _minutes(row.kind, rule)
        if minutes:
            deadlines.reschedule(
                row,
                window_start=knew,
                due_at=knew + timedelta(minutes=minutes),
                cadence=rule,
                now=now,
            )


def recompute(row_kind: str, window_start: datetime, rule: rules.Rule) -> datetime | None:
    """The due time of an open upward row under `rule`; None when the rule no longer asks."""
    minutes = _minutes(row_kind, rule)
    return window_start + timedelta(minutes=minutes) if minutes else None


def do_record_section_call(
    actor: User,
    incident_id: int,
    called_whom: str,
    called_at: datetime,
    note: str = "",
    now: datetime | None = None,
) -> SectionCall:
    """The duty officer records the section's phone report upward; it meets the expected one
    (late if after its deadline, which is shown but makes no candidate)."""
    now = now or timezone.now()
    if not actor.can(Capability.LOG_CALLS):
        raise ActionError(_("Only the duty office or the section records calls upward."))
    if not called_whom.strip():
        raise ActionError(_("Say whom you called."))
    if called_at > now + timedelta(minutes=5):
        raise ActionError(_("Times cannot be in the future."))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        if called_at < incident.occurred_at:
            raise ActionError(_("The call cannot have been made before the event occurred."))
        call = SectionCall.objects.create(
            incident=incident,
            called_whom=called_whom.strip(),
            called_at=called_at,
            note=note.strip(),
            recorded_by=actor,
        )
        met = 0
        open_rows = incident.expected.filter(
            kind=ExpectKind.SECTION_PHONE, status=ExpectStatus.OPEN
        )
        for row in list(open_rows):
            met += deadlines.meet(row, called_at, met_by_id=call.pk)
        record(
            actor,
            "incident_section_called",
            f"incident:{incident.pk}",
            {
                "call": call.pk,
                "whom": call.called_whom,
                "at": called_at.isoformat(),
                "met": met,
            },
        )
    return call
