"""Writes on sightings — what another channel saw — and the missed-report candidate a
sighting's watch raises when nobody reported. One transaction per call, with its audit row."""

from datetime import datetime, timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record
from deadlines import actions as deadlines
from deadlines.models import ExpectedReport
from emergencies import policy, rules
from emergencies.actions import ActionError, attach_sighting
from emergencies.models import (
    CandidateKind,
    DeadlineRule,
    ExpectKind,
    Incident,
    Sighting,
    SightingStatus,
    ViolationCandidate,
)
from org.models import Unit, User
from org.roles import Capability
from xinbao.core.once import create_once

# --- sightings -------------------------------------------------------------------------------


def do_record_sighting(
    actor: User,
    *,
    source_kind: str,
    source: str,
    seen_at: datetime,
    text: str,
    place: str = "",
    category: str = "",
    unit: Unit | None = None,
    incident: Incident | None = None,
    now: datetime | None = None,
    token: UUID | None = None,
) -> Sighting:
    """Record what another channel saw. Matched to an incident, it can move that incident's
    clock earlier; unmatched with a responsible unit, it starts that unit's clock."""
    when = now or timezone.now()
    if not actor.can(Capability.LOG_CALLS):
        raise ActionError(_("Only the duty office or the section records sightings."))
    if not text.strip() or not source.strip():
        raise ActionError(_("Say what was seen and where it came from."))
    if seen_at > when + timedelta(minutes=5):
        raise ActionError(_("Times cannot be in the future."))
    return create_once(
        Sighting,
        "recorded_by",
        actor.pk,
        token,
        lambda: _record_sighting(
            actor, source_kind, source, seen_at, text, place, category, unit, incident, when, token
        ),
    )


def _record_sighting(
    actor: User,
    source_kind: str,
    source: str,
    seen_at: datetime,
    text: str,
    place: str,
    category: str,
    unit: Unit | None,
    incident: Incident | None,
    now: datetime,
    token: UUID | None,
) -> Sighting:
    with transaction.atomic():
        sighting = Sighting.objects.create(
            form_token=token,
            source_kind=source_kind,
            source=source.strip(),
            seen_at=seen_at,
            text=text.strip(),
            place=place.strip(),
            category=category,
            unit=unit,
            recorded_by=actor,
        )
        if incident is not None:
            attach_sighting(sighting, incident, now)
        elif unit is not None:
            _watch_sighting(sighting, unit, now)
        record(
            actor,
            "sighting_recorded",
            f"sighting:{sighting.pk}",
            {"incident": incident.pk if incident is not None else None},
        )
    return sighting


def sighting_rule(category: str) -> rules.Rule:
    """Nobody has graded what another channel saw: hold the unit to the strictest deadline."""
    rows = DeadlineRule.objects.all()
    if category:
        rows = rows.filter(category=category)
    return policy.strictest({f"{r.category}{r.level}": policy.rule_of(r).to_dict() for r in rows})


def _watch_sighting(sighting: Sighting, unit: Unit, now: datetime) -> None:
    rule = sighting_rule(sighting.category)
    deadlines.expect(
        kind=ExpectKind.SIGHTING,
        unit=unit,
        subject=sighting,
        window_start=sighting.seen_at,
        due_at=sighting.seen_at + timedelta(minutes=rule.written_minutes),
        cadence=rule,
        now=now,
    )


def do_match_sighting(
    actor: User, sighting_id: int, incident_id: int | None, now: datetime | None = None
) -> Sighting:
    """Attach a sighting to an incident, or dismiss it (incident None)."""
    now = now or timezone.now()
    if not actor.can(Capability.HANDLE_INCIDENTS) and not actor.can(Capability.LOG_CALLS):
        raise ActionError(_("Only the duty office or the section matches sightings."))
    with transaction.atomic():
        sighting = Sighting.objects.select_for_update().get(pk=sighting_id)
        if sighting.status != SightingStatus.UNMATCHED:
            raise ActionError(_("This sighting was already handled."))
        if incident_id is None:
            Sighting.objects.filter(pk=sighting.pk).update(status=SightingStatus.DISMISSED)
            deadlines.cancel(sighting.expected.all())
            sighting.status = SightingStatus.DISMISSED
            record(actor, "sighting_dismissed", f"sighting:{sighting.pk}")
            return sighting
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        attach_sighting(sighting, incident, now)
        record(actor, "sighting_matched", f"sighting:{sighting.pk}", {"incident": incident.pk})
    return sighting


# --- candidates ------------------------------------------------------------------------------


def missed_candidate(row: ExpectedReport) -> None:
    """Called by the engine (through the sighting kind's on_flip), inside its transaction, when
    a sighting's watch breaches."""
    sighting = row.subject
    assert isinstance(sighting, Sighting)
    evidence = _("%(source)s reported it at %(seen)s; no report from %(unit)s by %(due)s.") % {
        "source": f"{sighting.get_source_kind_display()}·{sighting.source}",
        "seen": timezone.localtime(sighting.seen_at).strftime("%Y-%m-%d %H:%M"),
        "unit": row.unit.name,
        "due": timezone.localtime(row.due_at).strftime("%Y-%m-%d %H:%M"),
    }
    ViolationCandidate.objects.get_or_create(
        expected=row,
        defaults={
            "kind": CandidateKind.MISSED,
            "unit_id": row.unit_id,
            "incident_id": sighting.incident_id,
            "evidence": f"{evidence}\n{sighting.text[:500]}",
        },
    )
