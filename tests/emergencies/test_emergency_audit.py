"""Writes that had no audit row now leave one, in the same transaction: the head's sign-off of
a report, and a sighting recorded, matched or dismissed."""

import pytest

from audit.models import AuditEntry
from emergencies import actions, actions_sightings
from tests.clock import TODAY
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import minutes, open_in_writing, sighting, sign_off

AT = shanghai(TODAY, "10:00")


def entries(action: str) -> list[tuple[str, dict]]:
    return list(
        AuditEntry.objects.filter(action=action).order_by("seq").values_list("target", "data")
    )


def test_a_sign_off_is_audited(office):
    report = open_in_writing(office["officer_a"], AT)
    sign_off(office["head_a"], report, AT + minutes(10))
    assert entries("incident_report_signed_off") == [
        (
            f"incident:{report.incident_id}",
            {"report": report.pk, "kind": report.kind, "sequence": 0},
        )
    ]
    assert AuditEntry.objects.get(action="incident_report_signed_off").actor == office["head_a"]


def test_a_refused_sign_off_leaves_no_audit_row(office):
    report = open_in_writing(office["officer_a"], AT)
    with pytest.raises(actions.ActionError):
        sign_off(office["officer_a"], report, AT + minutes(10))
    assert entries("incident_report_signed_off") == []


def test_recording_matching_and_dismissing_sightings_are_audited(office):
    seen = sighting(office["duty"], office["officer_a"].unit, AT)
    other = sighting(office["duty"], office["officer_a"].unit, AT + minutes(1))
    incident = open_in_writing(office["officer_a"], AT + minutes(20)).incident
    actions_sightings.do_match_sighting(office["duty"], seen.pk, incident.pk, now=AT + minutes(25))
    actions_sightings.do_match_sighting(office["duty"], other.pk, None, now=AT + minutes(26))
    assert entries("sighting_recorded") == [
        (f"sighting:{seen.pk}", {"incident": None}),
        (f"sighting:{other.pk}", {"incident": None}),
    ]
    assert entries("sighting_matched") == [(f"sighting:{seen.pk}", {"incident": incident.pk})]
    assert entries("sighting_dismissed") == [(f"sighting:{other.pk}", {})]
