"""Which open incident a sighting belongs to: the database side of rules.propose_matches, and
the matching policy (the time window) it reads."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from audit.actions import save_change
from emergencies import rules
from emergencies.actions import ActionError
from emergencies.models import (
    MAX_MATCH_WINDOW_HOURS,
    Incident,
    IncidentReport,
    IncidentStatus,
    MatchingPolicy,
    Sighting,
)
from org.models import User
from org.roles import Capability


@dataclass(frozen=True)
class Proposal:
    incident: Incident
    score: float
    reasons: tuple[str, ...]


def proposals_for(sighting: Sighting, limit: int = 5) -> list[Proposal]:
    window = timedelta(hours=MatchingPolicy.current().window_hours)
    candidates = list(
        Incident.objects.filter(
            status=IncidentStatus.OPEN,
            clock_start__gte=sighting.seen_at - window,
            clock_start__lte=sighting.seen_at + window + timedelta(hours=1),
        ).prefetch_related(
            "responsible_units",
            Prefetch("reports", queryset=IncidentReport.objects.only("incident_id", "summary")),
        )
    )
    facts = [
        rules.IncidentFacts(
            pk=inc.pk,
            text=" ".join([inc.title, inc.place, *(r.summary for r in inc.reports.all())]),
            place=inc.place,
            unit_ids=frozenset(u.pk for u in inc.responsible_units.all()),
            clock_start=inc.clock_start,
            category=inc.category,
        )
        for inc in candidates
    ]
    seen = rules.SightingFacts(
        text=sighting.text,
        place=sighting.place,
        seen_at=sighting.seen_at,
        unit_id=sighting.unit_id,
        category=sighting.category,
    )
    by_pk = {inc.pk: inc for inc in candidates}
    return [
        Proposal(by_pk[p.incident_pk], p.score, p.reasons)
        for p in rules.propose_matches(seen, facts, window, limit)
    ]


def do_set_window(actor: User, hours: int | None) -> MatchingPolicy:
    """Change the matching window (None: what was entered is not a whole number); before and
    after are audited. Proposals made from now on use it; matches already made stay."""
    if not actor.can(Capability.EDIT_DEADLINES):
        raise ActionError(_("Only the section chief edits the matching window."))
    if hours is None or not 1 <= hours <= MAX_MATCH_WINDOW_HOURS:
        raise ActionError(_("Between 1 and %(n)s hours.") % {"n": MAX_MATCH_WINDOW_HOURS})
    with transaction.atomic():
        policy = MatchingPolicy.locked()
        save_change(
            actor, "matching_window_changed", policy, {"window_hours": hours}, "matching_policy"
        )
    return policy
