"""Which open incident a sighting belongs to: the database side of rules.propose_matches."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch

from emergencies import rules
from emergencies.models import Incident, IncidentReport, IncidentStatus, Sighting


@dataclass(frozen=True)
class Proposal:
    incident: Incident
    score: float
    reasons: tuple[str, ...]


def proposals_for(sighting: Sighting, limit: int = 5) -> list[Proposal]:
    window = rules.MATCH_WINDOW
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
        for p in rules.propose_matches(seen, facts, limit)
    ]
