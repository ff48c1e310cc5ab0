"""The roster's pages attacked: another unit's officer, crafted ids and numbers, dates out of
range, text pasted from Word. A Chinese message or 403/404/405, never a 500 or a partial write."""

import pytest
from django.test import Client

from audit.models import AuditEntry
from roster import actions
from roster.models import Appointment, Leave, RosterPolicy, TrainingSession
from tests.clock import TODAY

pytestmark = pytest.mark.django_db

_SESSION = {"held_on": TODAY.isoformat(), "topic": "培训", "organiser": "信息科"}
WORD = "“防汛值守”培训，\u00a0第一期\u3000（全市）🚒\u200b"


def test_another_units_officer_neither_reads_nor_changes_a_roster(
    client_of, chief, officer_a, officer_b, unit_a
):
    leave = actions.mark_leave(chief, officer_a, TODAY, TODAY)
    client = client_of(officer_b)
    assert client.get(f"/roster/unit/{unit_a.pk}/").status_code == 404
    posted = {"post": "main", "person": officer_b.pk, "employment": "full_time"}
    assert client.post(f"/roster/unit/{unit_a.pk}/appoint/", posted).status_code == 403
    leave_data = {"person": officer_a.pk, "first_day": TODAY, "last_day": TODAY}
    assert client.post(f"/roster/unit/{unit_a.pk}/leave/", leave_data).status_code == 403
    assert client.post(f"/roster/leave/{leave.pk}/cancel/").status_code == 403
    assert client.post("/roster/training/", {"topic": "x"}).status_code == 403
    # Their own unit's roster they read, and cannot change either.
    assert client.get(f"/roster/unit/{officer_b.unit_id}/").status_code == 200
    assert client.post(f"/roster/unit/{officer_b.unit_id}/appoint/", posted).status_code == 403
    assert not Appointment.objects.filter(person=officer_b).exists()
    assert not Leave.objects.get(pk=leave.pk).cancelled


@pytest.mark.parametrize(
    ("first", "last"),
    [("0001-01-01", "0001-01-02"), ("1900-01-01", "1900-01-02"), ("2026-02-30", "2026-03-01")],
)
def test_leave_out_of_range_is_refused_in_chinese(client_of, chief, officer_a, unit_a, first, last):
    response = client_of(chief).post(
        f"/roster/unit/{unit_a.pk}/leave/",
        {"person": officer_a.pk, "first_day": first, "last_day": last},
    )
    assert response.status_code == 400
    assert "日期" in response.content.decode()
    assert not Leave.objects.exists()


@pytest.mark.parametrize("attendees", [["99999999999999999999"], ["-1"], ["abc"], ["2147483648"]])
def test_training_with_crafted_attendees_writes_nothing(client_of, chief, attendees):
    response = client_of(chief).post(
        "/roster/training/",
        {**_SESSION, "attendees": attendees},
    )
    assert response.status_code == 400
    assert not TrainingSession.objects.exists()
    assert not AuditEntry.objects.filter(action="roster_training_recorded").exists()


def test_a_training_topic_pasted_from_word_is_kept(client_of, chief, officer_a):
    response = client_of(chief).post(
        "/roster/training/",
        {**_SESSION, "topic": WORD, "attendees": [officer_a.pk]},
    )
    assert response.status_code == 302
    assert TrainingSession.objects.get().topic == WORD


@pytest.mark.parametrize("value", ["13", "32768", "-1", "99999999999999999999", "二"])
def test_a_threshold_out_of_range_changes_nothing(client_of, chief, value):
    before = RosterPolicy.current().turnover_threshold
    response = client_of(chief).post("/roster/policy/", {"turnover_threshold": value})
    assert response.status_code == 400
    assert RosterPolicy.current().turnover_threshold == before
    assert not AuditEntry.objects.filter(action="roster_policy_changed").exists()


def test_post_only_urls_refuse_get_and_csrf_less_posts(chief, officer_a, unit_a, client_of):
    leave = actions.mark_leave(chief, officer_a, TODAY, TODAY)
    client = client_of(chief)
    for url in (f"/roster/unit/{unit_a.pk}/appoint/", f"/roster/leave/{leave.pk}/cancel/"):
        assert client.get(url).status_code == 405
    assert client.post("/roster/leave/999999/cancel/").status_code == 404
    assert client.post("/roster/unit/999999/appoint/", {"post": "main"}).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(chief)
    assert strict.post(f"/roster/leave/{leave.pk}/cancel/").status_code == 403
    assert not Leave.objects.get(pk=leave.pk).cancelled


def test_the_roster_names_its_history_as_earlier_holders(client_of, officer_a, unit_a):
    """It said 处理记录 (an item's handling record), which a unit's officer misreads."""
    page = client_of(officer_a).get(f"/roster/unit/{unit_a.pk}/").content.decode()
    assert "<h2>历任人员</h2>" in page and "处理记录" not in page
