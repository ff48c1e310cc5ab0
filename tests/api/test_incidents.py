"""Incidents with their report chain, and sightings, through the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from deadlines.models import ExpectedReport
from emergencies.models import Incident, IncidentReport, Sighting
from tests.emergencies.emergency_factories import open_by_phone

pytestmark = pytest.mark.django_db


def at(minutes_ago: int) -> str:
    """A moment `minutes_ago` before now, as a client would send it (Beijing time, with +08:00)."""
    return timezone.localtime(timezone.now() - timedelta(minutes=minutes_ago)).isoformat()


def fire(**changes):
    body = {
        "title": "甲区某仓库火灾",
        "category": "accident",
        "level": "2",
        "subtype": "火灾",
        "place": "甲区经开区某仓库",
        "occurred_at": at(20),
        "known_at": at(15),
        "report": {
            "summary": "甲区经开区某仓库起火，明火已扑灭，无人员被困。",
            "deaths": 0,
            "injuries": 1,
            "direct_loss": "12.50",
            "measures": "消防救援力量已到场处置。",
        },
    }
    body.update(changes)
    return body


def chain(response):
    return [
        (r["kind"], r["sequence"], r["channel"], r["state"]) for r in response.json()["reports"]
    ]


def test_a_unit_reports_in_writing_and_follows_up_to_the_end(api_as, officer_a, head_a):
    officer, head = api_as(officer_a), api_as(head_a)
    opened = officer.post("/incidents", fire())
    assert opened.status_code == 201, opened.content
    incident_id = opened.json()["id"]
    assert opened.json()["unit_ids"] == [officer_a.unit_id]
    assert chain(opened) == [("initial", 0, "written", "awaiting_signoff")]
    # The deadline engine now expects the unit's written report.
    assert ExpectedReport.objects.filter(incident=incident_id, unit=officer_a.unit).exists()

    first = opened.json()["reports"][0]["id"]
    assert chain(head.post(f"/incident-reports/{first}/sign-off")) == [
        ("initial", 0, "written", "received")
    ]
    followup = officer.post(
        f"/incidents/{incident_id}/reports", {"kind": "followup", "summary": "伤者已送医。"}
    )
    assert followup.status_code == 201
    report = followup.json()["reports"][-1]
    assert (report["kind"], report["sequence"], report["label"]) == ("followup", 1, "续报一")
    head.post(f"/incident-reports/{report['id']}/sign-off")
    final = officer.post(
        f"/incidents/{incident_id}/reports", {"kind": "final", "summary": "处置完毕，善后进行中。"}
    )
    head.post(f"/incident-reports/{final.json()['reports'][-1]['id']}/sign-off")

    read = officer.get(f"/incidents/{incident_id}")
    assert chain(read) == [
        ("initial", 0, "written", "received"),
        ("followup", 1, "written", "received"),
        ("final", 0, "written", "received"),
    ]
    assert read.json()["status"] == "closed"
    assert read.json()["reports"][0]["direct_loss"] == "12.50"

    opened_entry = AuditEntry.objects.get(action="incident_opened")
    assert opened_entry.data["via"]["channel"] == "api"
    filed = AuditEntry.objects.filter(
        action="incident_report_filed", target=f"incident:{incident_id}"
    )
    assert filed.count() == 3


def test_the_duty_office_logs_a_phone_report_for_a_unit(api_as, duty_officer, unit_a):
    duty = api_as(duty_officer)
    call = {"caller": "张三", "caller_phone": "13800000000", "called_at": at(10)}
    opened = duty.post("/incidents", fire(unit_id=unit_a.pk, call=call))
    assert opened.status_code == 201, opened.content
    assert chain(opened) == [("initial", 0, "phone", "received")]
    assert opened.json()["reports"][0]["label"] == "电话首报"
    # Without the call it says what is missing, in Chinese, and writes nothing.
    refused = duty.post("/incidents", fire(unit_id=unit_a.pk))
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == "请填写来电情况和来电单位。"
    assert Incident.objects.count() == 1


def test_another_unit_never_learns_the_incident_exists(api_as, duty_officer, officer_b, unit_a):
    incident = open_by_phone(duty_officer, unit_a, timezone.now() - timedelta(minutes=5))
    other = api_as(officer_b)
    assert other.get(f"/incidents/{incident.pk}").status_code == 404
    assert (
        other.get(f"/incidents/{incident.pk}").json()
        == other.get(f"/incidents/{incident.pk + 100}").json()
    )
    assert other.get("/incidents").json()["count"] == 0
    written = other.post(f"/incidents/{incident.pk}/reports", {"kind": "followup", "summary": "x"})
    assert written.status_code == 404
    assert IncidentReport.objects.count() == 1


def test_the_board_lists_incidents_with_filters(api_as, duty_officer, leader, unit_a, unit_b):
    now = timezone.now()
    a = open_by_phone(duty_officer, unit_a, now - timedelta(minutes=30), title="甲区仓库火灾")
    b = open_by_phone(duty_officer, unit_b, now - timedelta(minutes=20), title="乙县道路塌陷")
    watcher = api_as(leader, "read")
    assert [r["id"] for r in watcher.get("/incidents").json()["results"]] == [b.pk, a.pk]
    assert [r["id"] for r in watcher.get("/incidents", unit=unit_a.pk).json()["results"]] == [a.pk]
    assert [r["id"] for r in watcher.get("/incidents", q="塌陷").json()["results"]] == [b.pk]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert watcher.get("/incidents", from_day=tomorrow).json()["count"] == 0


def test_a_time_in_the_future_is_refused_in_chinese(api_as, officer_a):
    response = api_as(officer_a).post("/incidents", fire(known_at=at(-60)))
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "时间不能晚于现在。"
    assert not Incident.objects.exists()


def test_a_hotline_posts_what_it_heard(api_as, duty_officer, officer_a, unit_a):
    hotline = api_as(duty_officer)
    sent = {
        "source_kind": "hotline",
        "source": "12345 市民热线",
        "seen_at": at(3),
        "text": "市民来电反映甲区经开区某仓库冒黑烟。",
        "place": "甲区经开区",
        "category": "accident",
        "unit_id": unit_a.pk,
    }
    made = hotline.post("/sightings", sent)
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "unmatched"
    sighting = Sighting.objects.get()
    # Unit A's clock started: a report is now owed, watched by the deadline engine.
    assert sighting.expected.filter(unit=unit_a).count() == 1
    entry = AuditEntry.objects.get(action="sighting_recorded")
    assert entry.data["via"]["channel"] == "api"
    assert hotline.get(f"/sightings/{sighting.pk}").json()["source"] == "12345 市民热线"
    assert [s["id"] for s in hotline.get("/sightings").json()["results"]] == [sighting.pk]

    # An officer does not record other channels' information.
    refused = api_as(officer_a).post("/sightings", sent)
    assert refused.status_code == 403
    assert Sighting.objects.count() == 1


def test_a_sighting_of_a_known_incident_is_matched_to_it(api_as, duty_officer, unit_a):
    incident = open_by_phone(duty_officer, unit_a, timezone.now() - timedelta(minutes=5))
    made = api_as(duty_officer).post(
        "/sightings",
        {
            "source_kind": "media",
            "source": "江城晚报网站",
            "seen_at": at(8),
            "text": "网传甲区某仓库起火。",
            "incident_id": incident.pk,
        },
    )
    assert made.json()["status"] == "matched"
    assert made.json()["incident_id"] == incident.pk
    # Seen before the call: the incident's clock moved to the sighting.
    incident.refresh_from_db()
    assert incident.clock_start == Sighting.objects.get().seen_at
