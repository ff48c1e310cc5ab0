"""The report chain as published: 补报 after the final report within Decree 493 art. 13's window
(30 days from the day of the event, 7 for road traffic accidents and fires), Ⅲ's 30-minute phone
report (municipal rules), and the section's own duties upward — its phone report to the province
and the forwarding — timed from the moment the section first knew.

Every instant is written out by hand; the day the event occurred does not count (民法典 art.
201), so a 30-day window for an event on day D ends at the close of D+30."""

from datetime import timedelta

import pytest

from audit.models import AuditEntry
from deadlines import engine
from deadlines.models import ExpectedReport, ExpectStatus
from emergencies import actions, actions_level, actions_upward
from emergencies.models import (
    Category,
    DeadlineRule,
    ExpectKind,
    Incident,
    IncidentReport,
    IncidentStatus,
    ReportKind,
    SectionCall,
    ViolationCandidate,
)
from notify.models import Notification
from tests.clock import TODAY, days_before
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import (
    PhoneCall,
    add_written,
    content,
    minutes,
    open_by_phone,
    open_in_writing,
    row,
    sign_off,
)

# An event two months before the pin, at 09:55; the unit phoned at 10:00.
EVENT_DAY = days_before(60)
OCCURRED = shanghai(EVENT_DAY, "09:55")


def day(n: int, clock: str = "10:00"):
    """`clock` on the nth day after the day the event occurred."""
    return shanghai(EVENT_DAY + timedelta(days=n), clock)


def closed_accident(office, subtype: str) -> Incident:
    """An ordinary (Ⅳ) accident phoned in at 10:00, written up at 11:00 and closed at 13:00."""
    unit = office["officer_a"].unit
    incident = open_by_phone(office["duty"], unit, day(0), subtype=subtype, level="4")
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.INITIAL, day(0, "11:00")
    )
    add_written(office["officer_a"], office["head_a"], incident, ReportKind.FINAL, day(0, "13:00"))
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    return incident


def supplement(office, incident: Incident, at, deaths: int) -> IncidentReport:
    return actions.do_add_report(
        office["duty"],
        incident.pk,
        ReportKind.SUPPLEMENTARY,
        content(summary=f"伤者经抢救无效死亡，死亡人数增至{deaths}人。", deaths=deaths),
        unit=office["officer_a"].unit,
        call=PhoneCall("张三", "13800000000", at),
        now=at,
    )


# --- 补报 --------------------------------------------------------------------------------------


def test_a_production_safety_accident_takes_a_supplementary_report_on_day_29(office):
    incident = closed_accident(office, "危险化学品")
    report = supplement(office, incident, day(29), deaths=2)
    assert (report.kind, report.sequence, report.received_at) == (
        ReportKind.SUPPLEMENTARY,
        1,
        day(29),
    )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED  # it does not reopen the incident
    assert not ExpectedReport.objects.filter(incident=incident, status=ExpectStatus.OPEN).exists()
    assert (
        AuditEntry.objects.filter(action="incident_report_filed", target=f"incident:{incident.pk}")
        .filter(data__kind=ReportKind.SUPPLEMENTARY)
        .exists()
    )
    assert Notification.objects.filter(key=f"report:{report.pk}:received").exists()


def test_the_window_closes_at_the_end_of_day_30(office):
    incident = closed_accident(office, "危险化学品")
    supplement(office, incident, day(30, "23:59"), deaths=2)
    with pytest.raises(actions.ActionError):
        supplement(office, incident, day(31, "00:00"), deaths=3)


def test_a_production_safety_accident_refuses_a_supplementary_report_on_day_31(office):
    incident = closed_accident(office, "危险化学品")
    with pytest.raises(actions.ActionError) as refused:
        supplement(office, incident, day(31), deaths=2)
    assert "第十三条" in str(refused.value)
    assert "自事故发生之日起30日内" in str(refused.value)
    assert not IncidentReport.objects.filter(kind=ReportKind.SUPPLEMENTARY).exists()


@pytest.mark.parametrize("subtype", ["道路交通事故", "火灾"])
def test_road_traffic_and_fire_refuse_a_supplementary_report_on_day_8(office, subtype):
    incident = closed_accident(office, subtype)
    supplement(office, incident, day(6), deaths=1)
    with pytest.raises(actions.ActionError) as refused:
        supplement(office, incident, day(8), deaths=2)
    assert "道路交通事故、火灾事故自发生之日起7日内" in str(refused.value)
    assert IncidentReport.objects.filter(kind=ReportKind.SUPPLEMENTARY).count() == 1


def test_an_open_incident_takes_follow_ups_not_supplementary_reports(office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, day(0), level="4")
    with pytest.raises(actions.ActionError):
        supplement(office, incident, day(0, "12:00"), deaths=1)


def test_the_chain_and_the_picture_show_the_supplementary_report(client, office):
    incident = closed_accident(office, "危险化学品")
    supplement(office, incident, day(12), deaths=2)
    client.force_login(office["editor"])
    page = client.get(f"/emergencies/{incident.pk}/").content.decode()
    chain = page[page.index('id="chain"') : page.index('id="timeline"')]
    for label in ("电话首报", "书面首报", "终报", "补报一"):
        assert label in chain
    picture = page[page.index('id="picture"') : page.index('id="chain"')]
    assert "<dd>2</dd>" in picture  # deaths: the 补报's figure, not the final report's 0


def test_a_written_supplementary_report_is_signed_off_like_any_other(office):
    incident = closed_accident(office, "危险化学品")
    report = actions.do_add_report(
        office["officer_a"],
        incident.pk,
        ReportKind.SUPPLEMENTARY,
        content(summary="重伤1人转为死亡。", deaths=1),
        now=day(20),
    )
    signed = sign_off(office["head_a"], report, day(20, "10:30"))
    assert (signed.kind, signed.received_at) == (ReportKind.SUPPLEMENTARY, day(20, "10:30"))


# --- Ⅲ phones within 30 minutes ---------------------------------------------------------------


def test_the_seeded_table_asks_level_iii_for_a_phone_report_within_30_minutes(db):
    rows = DeadlineRule.objects.filter(level="3")
    assert {(r.category, r.phone_minutes, r.written_minutes) for r in rows} == {
        (Category.NATURAL, 30, 60),
        (Category.ACCIDENT, 30, 60),
        (Category.HEALTH, 30, 60),
    }


def test_a_level_iii_incident_owes_a_phone_report_30_minutes_from_its_clock_start(office):
    report = open_in_writing(office["officer_a"], shanghai(TODAY, "09:10"), level="3")
    phone = row(report.incident, ExpectKind.PHONE)
    assert (phone.unit, phone.window_start, phone.due_at) == (
        office["officer_a"].unit,
        shanghai(TODAY, "09:10"),
        shanghai(TODAY, "09:40"),
    )


# --- the section's own call upward and the forwarding ----------------------------------------


def test_a_grave_event_phoned_in_obliges_the_section_to_phone_within_15_minutes(office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "09:00"))
    call = row(incident, ExpectKind.SECTION_PHONE)
    assert (call.unit, call.window_start, call.due_at) == (
        office["chief"].unit.parent,  # the hub: the city Party office
        shanghai(TODAY, "09:00"),
        shanghai(TODAY, "09:15"),
    )


def test_recording_the_call_in_time_meets_it(office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "09:00"))
    actions_upward.do_record_section_call(
        office["duty"],
        incident.pk,
        "省委总值班室",
        shanghai(TODAY, "09:12"),
        "报告了火情和处置情况",
        now=shanghai(TODAY, "09:13"),
    )
    call = row(incident, ExpectKind.SECTION_PHONE)
    assert (call.status, call.met_at) == (ExpectStatus.MET, shanghai(TODAY, "09:12"))
    assert call.met_by_id == SectionCall.objects.get().pk
    assert AuditEntry.objects.filter(
        action="incident_section_called", target=f"incident:{incident.pk}"
    ).exists()
    assert not ViolationCandidate.objects.exists()


def test_a_call_recorded_after_the_minutes_is_late_but_no_candidate(client, office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "09:00"))
    engine.run_pass(shanghai(TODAY, "09:15"))  # the breach goes to the section
    actions_upward.do_record_section_call(
        office["duty"],
        incident.pk,
        "省委总值班室",
        shanghai(TODAY, "09:21"),
        now=shanghai(TODAY, "09:22"),
    )
    call = row(incident, ExpectKind.SECTION_PHONE)
    assert (call.status, call.met_at - call.due_at) == (ExpectStatus.MET, minutes(6))
    assert not ViolationCandidate.objects.filter(expected=call).exists()
    client.force_login(office["chief"])
    page = client.get(f"/emergencies/{incident.pk}/").content.decode()
    deadlines = page[page.index('id="deadlines"') : page.index('id="chain"')]
    assert "向上级电话报告" in deadlines and "迟报" in deadlines


def test_the_call_is_refused_without_a_name_and_nothing_is_written(office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "09:00"))
    with pytest.raises(actions.ActionError):
        actions_upward.do_record_section_call(
            office["duty"], incident.pk, " ", shanghai(TODAY, "09:05"), now=shanghai(TODAY, "09:06")
        )
    assert not SectionCall.objects.exists()
    assert row(incident, ExpectKind.SECTION_PHONE).status == ExpectStatus.OPEN


def test_an_ordinary_event_owes_nothing_upward(office):
    incident = open_by_phone(
        office["duty"], office["officer_a"].unit, shanghai(TODAY, "09:00"), level="4"
    )
    assert not ExpectedReport.objects.filter(
        incident=incident, kind__in=[ExpectKind.SECTION_PHONE, ExpectKind.FORWARD]
    ).exists()


def test_a_grave_event_is_forwarded_within_30_minutes_of_the_sections_first_knowledge(
    office, province
):
    # Ⅱ: occurred 08:55, phoned in 09:00, written initial report signed off 09:35. The old
    # rule counted 30 minutes from 09:35 (10:05, 70 minutes after the event); now from 09:00.
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "09:00"))
    add_written(
        office["officer_a"],
        office["head_a"],
        incident,
        ReportKind.INITIAL,
        shanghai(TODAY, "09:35"),
    )
    forward = row(incident, ExpectKind.FORWARD)
    assert (forward.window_start, forward.due_at) == (
        shanghai(TODAY, "09:00"),
        shanghai(TODAY, "09:30"),
    )
    actions_level.do_forward(
        office["chief"], incident.pk, province, "某化工厂火灾", now=shanghai(TODAY, "09:28")
    )
    forward.refresh_from_db()
    assert (forward.status, forward.met_at) == (ExpectStatus.MET, shanghai(TODAY, "09:28"))


def test_a_written_first_report_starts_the_sections_clock_when_signed_off(office):
    report = open_in_writing(office["officer_a"], shanghai(TODAY, "09:00"), level="2")
    assert not ExpectedReport.objects.filter(kind=ExpectKind.SECTION_PHONE).exists()
    sign_off(office["head_a"], report, shanghai(TODAY, "09:20"))
    assert row(report.incident, ExpectKind.SECTION_PHONE).due_at == shanghai(TODAY, "09:35")
    assert row(report.incident, ExpectKind.FORWARD).due_at == shanghai(TODAY, "09:50")


def test_late_forwarding_is_shown_late_but_makes_no_candidate_against_the_hub(
    client, office, province
):
    # Ⅱ phoned in 09:00: forwarding due 09:30 (30 minutes from the section's first knowledge),
    # forwarded 09:47 — 17 minutes late. The forwarding is the section's own duty, like its
    # call upward: late on the board and the incident page, never a candidate (and so never a
    # violation) against the city office itself.
    incident = open_by_phone(office["duty"], office["officer_a"].unit, shanghai(TODAY, "09:00"))
    add_written(
        office["officer_a"],
        office["head_a"],
        incident,
        ReportKind.INITIAL,
        shanghai(TODAY, "09:20"),
    )
    engine.run_pass(shanghai(TODAY, "09:31"))  # the breach goes to the section
    actions_level.do_forward(
        office["chief"], incident.pk, province, "某化工厂火灾", now=shanghai(TODAY, "09:47")
    )
    forward = row(incident, ExpectKind.FORWARD)
    assert (forward.status, forward.met_at - forward.due_at) == (ExpectStatus.MET, minutes(17))
    assert forward.unit == office["chief"].unit.parent  # owed by the hub
    assert not ViolationCandidate.objects.filter(unit=forward.unit).exists()
    assert not ViolationCandidate.objects.filter(expected=forward).exists()
    client.force_login(office["chief"])
    page = client.get(f"/emergencies/{incident.pk}/").content.decode()
    deadlines = page[page.index('id="deadlines"') : page.index('id="chain"')]
    assert "迟报" in deadlines
