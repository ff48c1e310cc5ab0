"""The deadlines emergencies owes, registered with the deadline engine (deadlines.registry) from
EmergenciesConfig.ready(): an incident's phone, written, follow-up and forwarding deadlines, the
section's own call upward, and the watch a sighting starts on its responsible unit."""

from collections.abc import Callable

from deadlines import registry
from deadlines.models import ExpectedReport
from deadlines.rules import BREACH, Cadence, Step
from emergencies import labels, policy
from emergencies.actions_sightings import missed_candidate, sighting_rule
from emergencies.models import ExpectKind, Incident, ReportKind, Sighting


def _incident(row: ExpectedReport) -> Incident:
    incident = row.subject
    assert isinstance(incident, Incident)
    return incident


def _sighting(row: ExpectedReport) -> Sighting:
    sighting = row.subject
    assert isinstance(sighting, Sighting)
    return sighting


def _incident_cadence(row: ExpectedReport) -> Cadence:
    return policy.rule_for(_incident(row))


def _incident_title(row: ExpectedReport) -> str:
    return _incident(row).title


def _incident_url(row: ExpectedReport) -> str:
    return f"/emergencies/{row.subject_id}/"


def _followup_what(row: ExpectedReport) -> str:
    return labels.report_label(ReportKind.FOLLOWUP, row.sequence)


def _sighting_cadence(row: ExpectedReport) -> Cadence:
    # Nobody has graded it: the strictest rule of its category in the table as it is now.
    return sighting_rule(_sighting(row).category)


def _sighting_text(row: ExpectedReport) -> str:
    return _sighting(row).text[:30]


def _sighting_url(row: ExpectedReport) -> str:
    return "/emergencies/sightings/"


def _sighting_flip(row: ExpectedReport, step: Step) -> None:
    if step.kind == BREACH:
        missed_candidate(row)


def _incident_kind(
    kind: ExpectKind,
    describe: Callable[[ExpectedReport], str] | None = None,
    office_owes: bool = False,
) -> registry.Kind:
    return registry.Kind(
        code=kind.value,
        label=kind.label,
        cadence=_incident_cadence,
        subject_label=_incident_title,
        subject_url=_incident_url,
        describe=describe,
        office_owes=office_owes,
    )


def register() -> None:
    registry.register(
        _incident_kind(ExpectKind.PHONE),
        _incident_kind(ExpectKind.WRITTEN),
        _incident_kind(ExpectKind.FOLLOWUP, describe=_followup_what),
        # The section's own duties upward (forwarding, its call): notified to the section,
        # never a candidate, late or missed (emergencies.actions._late_candidate).
        _incident_kind(ExpectKind.FORWARD, office_owes=True),
        _incident_kind(ExpectKind.SECTION_PHONE, office_owes=True),
        registry.Kind(
            code=ExpectKind.SIGHTING.value,
            label=ExpectKind.SIGHTING.label,
            cadence=_sighting_cadence,
            subject_label=_sighting_text,
            subject_url=_sighting_url,
            on_flip=_sighting_flip,
        ),
    )
