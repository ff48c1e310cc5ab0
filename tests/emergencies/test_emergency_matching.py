"""The sighting-incident matching window is data: seeded at a day, edited by the section chief
beside the deadline table (audited with before and after), and read by the proposals."""

import pytest

from audit.models import AuditEntry
from emergencies.matching import proposals_for
from emergencies.models import MatchingPolicy
from tests.clock import TODAY
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import hours, open_by_phone, sighting

URL = "/emergencies/policy/matching/"


def window() -> int:
    return MatchingPolicy.current().window_hours


def test_the_window_is_seeded_at_a_day(db):
    assert MatchingPolicy.objects.get().window_hours == 24


def test_the_chief_edits_the_window_with_an_audit_entry(client_of, chief):
    page = client_of(chief).get("/emergencies/policy/")
    assert 'action="/emergencies/policy/matching/"' in page.content.decode()
    response = client_of(chief).post(URL, {"window_hours": "48"})
    assert response.status_code == 302
    assert window() == 48
    [entry] = AuditEntry.objects.filter(action="matching_window_changed")
    assert entry.actor == chief
    assert entry.data == {"before": {"window_hours": 24}, "after": {"window_hours": 48}}


@pytest.mark.parametrize("bad", ["0", "721", "十", "-3", ""])
def test_a_bad_window_saves_nothing(client_of, chief, bad):
    response = client_of(chief).post(URL, {"window_hours": bad}, follow=True)
    assert "720" in response.content.decode()  # the message states the range
    assert window() == 24
    assert not AuditEntry.objects.filter(action="matching_window_changed").exists()


def test_an_editor_reads_the_window_but_may_not_edit_it(client_of, editor):
    page = client_of(editor).get("/emergencies/policy/")
    assert 'action="/emergencies/policy/matching/"' not in page.content.decode()
    assert client_of(editor).post(URL, {"window_hours": "48"}).status_code == 403
    assert window() == 24


def test_proposals_use_the_window(office):
    start = shanghai(TODAY, "08:00")
    fire = open_by_phone(office["duty"], office["officer_a"].unit, start - hours(30))
    seen = sighting(office["duty"], office["officer_a"].unit, start)
    assert proposals_for(seen) == []
    MatchingPolicy.objects.filter(pk=1).update(window_hours=36)
    assert [p.incident for p in proposals_for(seen)] == [fire]
