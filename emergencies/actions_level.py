"""Writes on an open incident's handling: its level, the deadline policy it runs under (and
the deadline table itself), and forwarding it to the province. One transaction per call, each
with its audit row."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record
from deadlines.models import ExpectStatus
from emergencies import policy
from emergencies.actions import ActionError, meet_expected, recompute_deadlines
from emergencies.models import (
    Category,
    DeadlineRule,
    ExpectKind,
    Forwarding,
    Incident,
    IncidentReport,
    LevelChange,
    ReportState,
)
from emergencies.signals import incident_forwarded
from org.models import Unit, User
from org.roles import Capability

# --- level, policy, forwarding ---------------------------------------------------------------


def do_change_level(
    actor: User, incident_id: int, level: str, reason: str, now: datetime | None = None
) -> Incident:
    now = now or timezone.now()
    if not actor.can(Capability.HANDLE_INCIDENTS):
        raise ActionError(_("Only the section changes an incident's level."))
    if not reason.strip():
        raise ActionError(_("Please give a reason."))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        if incident.category == Category.SOCIAL and level:
            raise ActionError(_("Social security events are not graded by level."))
        if level == incident.level:
            raise ActionError(_("That is already the incident's level."))
        old_level = incident.level
        LevelChange.objects.create(
            incident=incident,
            old_level=old_level,
            new_level=level,
            reason=reason.strip(),
            changed_by=actor,
        )
        Incident.objects.filter(pk=incident.pk).update(level=level)
        incident.level = level
        recompute_deadlines(incident, policy.rule_for(incident), now)
        record(
            actor,
            "incident_level_changed",
            f"incident:{incident.pk}",
            {"old": old_level, "new": level},
        )
    return incident


def do_reapply_policy(actor: User, incident_id: int, now: datetime | None = None) -> Incident:
    """Take the deadline table as it is now for an open incident (explicit, audited)."""
    now = now or timezone.now()
    if not actor.can(Capability.HANDLE_INCIDENTS):
        raise ActionError(_("Only the section re-applies the deadline policy."))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        old = incident.policy
        incident.policy = policy.snapshot(incident.category)
        incident.policy_applied_at = now
        incident.save(update_fields=["policy", "policy_applied_at"])
        recompute_deadlines(incident, policy.rule_for(incident), now)
        record(
            actor,
            "incident_policy_reapplied",
            f"incident:{incident.pk}",
            {"old": old, "new": incident.policy},
        )
    return incident


def do_forward(
    actor: User, incident_id: int, to_unit: Unit, text: str, now: datetime | None = None
) -> Forwarding:
    """Pass the incident upward with the edited, signed-off text (上报)."""
    now = now or timezone.now()
    if not actor.can(Capability.HANDLE_INCIDENTS):
        raise ActionError(_("Only the section forwards incidents upward."))
    if not text.strip():
        raise ActionError(_("The forwarded text is required."))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        if not IncidentReport.objects.filter(
            incident=incident, state=ReportState.RECEIVED
        ).exists():
            raise ActionError(_("Nothing signed off has been received yet to forward."))
        forwarding = Forwarding.objects.create(
            incident=incident, to_unit=to_unit, text=text.strip(), forwarded_by=actor
        )
        answers = incident_forwarded.send(sender=Forwarding, forwarding=forwarding, now=now)
        awaits_ack = any(bool(answer) for _receiver, answer in answers)
        if not awaits_ack:
            for row in incident.expected.filter(kind=ExpectKind.FORWARD, status=ExpectStatus.OPEN):
                evidence = _("Forwarded to %(to)s at %(at)s.") % {
                    "to": to_unit.name,
                    "at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
                }
                meet_expected(row, None, now, evidence)
        record(
            actor,
            "incident_forwarded",
            f"incident:{incident.pk}",
            {"to": to_unit.code, "forwarding": forwarding.pk, "awaits_ack": awaits_ack},
        )
    return forwarding


def do_acknowledge_forwarding(forwarding_id: int, acked_at: datetime, evidence: str) -> int:
    """The upper office's system acknowledged a forwarding: the forwarding deadline is met at
    that moment (late if after its due time). Called by federation in the transaction that
    records the acknowledgement; the first acknowledgement counts. Returns the rows met."""
    with transaction.atomic():
        forwarding = Forwarding.objects.select_for_update().get(pk=forwarding_id)
        if forwarding.acknowledged_at is not None:
            return 0
        Forwarding.objects.filter(pk=forwarding.pk).update(acknowledged_at=acked_at)
        met = 0
        rows = forwarding.incident.expected.filter(
            kind=ExpectKind.FORWARD, status=ExpectStatus.OPEN
        )
        for row in list(rows):
            met += meet_expected(row, None, acked_at, evidence)
        record(
            None,
            "incident_forward_acknowledged",
            f"incident:{forwarding.incident_id}",
            {"forwarding": forwarding.pk, "at": acked_at.isoformat(), "met": met},
        )
    return met


# --- the deadline table ----------------------------------------------------------------------

DEADLINE_RULE_FIELDS = (
    "phone_minutes",
    "written_minutes",
    "followup_hours",
    "followup_times",
    "forward_minutes",
    "section_phone_minutes",
    "reminder_fractions",
    "escalation",
)


def do_save_deadline_rules(actor: User, edits: Mapping[int, Mapping[str, Any]]) -> int:
    """Save the chief's edits of the deadline table (rule id → validated new values), each
    changed row with its audit row. New incidents use the rules; open incidents keep their
    snapshot unless it is re-applied. Returns how many rows changed."""
    if not actor.can(Capability.EDIT_DEADLINES):
        raise ActionError(_("Only the section chief edits the deadline table."))
    changed = 0
    with transaction.atomic():
        for rule in DeadlineRule.objects.select_for_update().filter(pk__in=list(edits)):
            values = {k: v for k, v in edits[rule.pk].items() if k in DEADLINE_RULE_FIELDS}
            before = {k: getattr(rule, k) for k in DEADLINE_RULE_FIELDS}
            for k, v in values.items():
                setattr(rule, k, v)
            rule.save()
            after = {k: getattr(rule, k) for k in DEADLINE_RULE_FIELDS}
            record(
                actor,
                "deadline_rule_changed",
                str(rule),
                {"before": _plain(before), "after": _plain(after)},
            )
            changed += 1
    return changed


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v if isinstance(v, int | str | list | type(None)) else str(v))
        for k, v in values.items()
    }
