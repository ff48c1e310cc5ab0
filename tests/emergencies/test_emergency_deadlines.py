"""Deadlines against the database and the official calendar, at frozen moments: every action
and `run_pass` is handed its `now` (aware, Asia/Shanghai).

The fire is a grave (Ⅱ) accident: phone within 15 min, written within 35, reminders at half
and nine tenths of the window, then the breach and escalation to the duty officer (+0), the
chief (+15) and the secretary-general (+30) — the seeded table."""

from datetime import date, datetime, time, timedelta

import pytest

from deadlines import engine
from deadlines.models import DeadlineFlip, ExpectedReport, ExpectStatus
from emergencies import actions, actions_level, actions_sightings
from emergencies.models import (
    CandidateKind,
    CandidateStatus,
    DeadlineRule,
    ExpectKind,
    Incident,
    IncidentStatus,
    LevelChange,
    ReportKind,
    ViolationCandidate,
)
from notify.models import Channel, ChannelKind, Delivery
from org.duty import route
from tests.clock import (
    FRIDAY,
    LAST_SATURDAY,
    LAST_SUNDAY,
    NATIONAL_DAY,
    SWAPPED_WORKDAY,
    THIS_MONDAY,
    TODAY,
    UNKNOWN_YEAR,
    next_weekday,
)
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import (
    PhoneCall,
    add_written,
    content,
    flips,
    hours,
    last_flip,
    local,
    minutes,
    open_by_phone,
    open_in_writing,
    row,
    run_until_idle,
    shift,
    sighting,
    sign_off,
    stored_utc,
    told,
)

SUNDAY_NIGHT = shanghai(LAST_SUNDAY, "02:00")
# A Friday in October of a year the official calendar does not know, and the Saturday after it.
UNKNOWN_FRIDAY = next_weekday(date(UNKNOWN_YEAR, 10, 1), FRIDAY)
UNKNOWN_SATURDAY = UNKNOWN_FRIDAY + timedelta(days=1)
UNIT = {"officer_a", "head_a"}
SECTION = {"editor", "chief"}


@pytest.fixture
def night(office):
    """The Sunday before the pin: duty officer `duty` holds the night shift; `duty2` is off."""
    shift(office["duty"], shanghai(LAST_SATURDAY, "18:00"), shanghai(LAST_SUNDAY, "08:30"))
    return office


@pytest.fixture
def units_only(db):
    """The units' own chain alone: the section's duties upward (its call and forwarding, owed
    from the moment it hears of a Ⅱ event) take their own steps, tested on their own below."""
    DeadlineRule.objects.update(section_phone_minutes=None, forward_minutes=None)


def grave_fire(office, at=SUNDAY_NIGHT, **fields) -> Incident:
    return open_by_phone(office["duty"], office["officer_a"].unit, at, **fields)


# --- computed in Shanghai, stored in UTC ----------------------------------------------------


def test_the_written_deadline_of_a_grave_fire_is_35_minutes_after_the_call(night):
    incident = grave_fire(night)
    assert row(incident).due_at == shanghai(LAST_SUNDAY, "02:35")


def test_deadlines_are_stored_in_utc(night):
    incident = grave_fire(night)
    saturday = LAST_SATURDAY  # Sunday 02:00 in Shanghai is Saturday 18:00 UTC
    assert stored_utc(Incident, "clock_start", incident.pk) == datetime.combine(saturday, time(18))
    due = datetime.combine(saturday, time(18, 35))
    assert stored_utc(ExpectedReport, "due_at", row(incident).pk) == due


def test_the_phone_report_meets_the_phone_deadline_only(night):
    incident = grave_fire(night)
    assert row(incident, ExpectKind.PHONE).status == ExpectStatus.MET
    assert row(incident).status == ExpectStatus.OPEN


def test_a_phone_follow_up_does_not_meet_the_written_deadline(night):
    incident = grave_fire(night)
    call = PhoneCall("张三", "13800000000", SUNDAY_NIGHT + minutes(10))
    actions.do_add_report(
        night["duty"],
        incident.pk,
        ReportKind.FOLLOWUP,
        content(),
        unit=night["officer_a"].unit,
        call=call,
        now=SUNDAY_NIGHT + minutes(10),
    )
    assert row(incident).status == ExpectStatus.OPEN


# --- who is told of a breach: the desk that is on, by the official calendar -----------------


@pytest.mark.parametrize(
    ("opened", "desk"),
    [
        (f"{LAST_SUNDAY} 02:00", "duty"),  # Sunday night
        (f"{TODAY} 09:25", "section"),  # Tuesday morning
        (f"{NATIONAL_DAY} 09:25", "duty"),  # National Day, a holiday
        (f"{SWAPPED_WORKDAY} 09:25", "section"),  # the swapped working Saturday after it
        (f"{UNKNOWN_FRIDAY} 09:25", "section"),  # a year not in the calendar: a Friday works
        (f"{UNKNOWN_SATURDAY} 09:25", "duty"),  # ... and a Saturday does not
    ],
)
def test_the_breach_goes_to_the_unit_and_the_desk_that_is_on(office, units_only, opened, desk):
    start = local(opened)
    shift(office["duty"], start - hours(12), start + hours(12))
    incident = grave_fire(office, start)
    assert row(incident).due_at == start + minutes(35)  # minutes on the clock, any day
    assert engine.run_pass(start + minutes(35)) == 1
    flip = last_flip(row(incident))
    assert flip.kind == "breach"
    assert told(flip) == UNIT | ({"duty"} if desk == "duty" else SECTION)


def test_a_year_without_a_calendar_is_flagged(db):
    assert route(shanghai(NATIONAL_DAY, "10:00")).calendar_known
    assert not route(shanghai(UNKNOWN_FRIDAY, "10:00")).calendar_known


def test_a_gap_in_the_roster_sends_the_breach_to_every_duty_officer(office):
    incident = grave_fire(office)
    engine.run_pass(SUNDAY_NIGHT + minutes(35))
    assert told(last_flip(row(incident))) == UNIT | {"duty", "duty2"}


# --- reminders and escalation ---------------------------------------------------------------


def test_reminders_at_half_and_nine_tenths_go_to_the_unit_only(night, units_only):
    incident = grave_fire(night)
    half, nine_tenths = minutes(17.5), minutes(31.5)
    assert engine.run_pass(SUNDAY_NIGHT + half - minutes(0.1)) == 0
    assert engine.run_pass(SUNDAY_NIGHT + half) == 1
    assert engine.run_pass(SUNDAY_NIGHT + nine_tenths - minutes(0.1)) == 0
    assert engine.run_pass(SUNDAY_NIGHT + nine_tenths) == 1
    reminders = DeadlineFlip.objects.filter(expected=row(incident)).order_by("stage")
    assert [(f.kind, f.due_moment) for f in reminders] == [
        ("reminder", SUNDAY_NIGHT + half),
        ("reminder", SUNDAY_NIGHT + nine_tenths),
    ]
    assert [told(f) for f in reminders] == [UNIT, UNIT]


def test_the_units_own_channel_hears_the_reminder_but_not_the_escalations(night):
    unit = night["officer_a"].unit
    Channel.objects.create(
        unit=unit, kind=ChannelKind.WEBHOOK, label="值班群", target="http://127.0.0.1:9/x"
    )
    incident = grave_fire(night)
    run_until_idle(SUNDAY_NIGHT + minutes(20))
    run_until_idle(SUNDAY_NIGHT + hours(2))
    keys = set(Delivery.objects.values_list("key", flat=True))
    by_kind = {f.kind: f"flip:{f.pk}" for f in DeadlineFlip.objects.filter(expected=row(incident))}
    assert by_kind["reminder"] in keys and by_kind["breach"] in keys
    assert by_kind["escalation"] not in keys


def test_the_breach_escalates_to_duty_then_chief_then_secretary_general(night, units_only):
    incident = grave_fire(night)
    due = SUNDAY_NIGHT + minutes(35)
    passes = [
        engine.run_pass(at)
        for at in (
            due,  # the breach
            due,  # the duty officer, at once
            due + minutes(14),
            due + minutes(15),  # the chief
            due + minutes(29),
            due + minutes(30),  # the secretary-general
            due + hours(5),
        )
    ]
    assert passes == [1, 1, 0, 1, 0, 1, 0]
    chain = DeadlineFlip.objects.filter(expected=row(incident)).order_by("stage")
    assert [(f.kind, f.due_moment - due, told(f)) for f in chain] == [
        ("breach", minutes(0), UNIT | {"duty"}),
        ("escalation", minutes(0), {"duty"}),
        ("escalation", minutes(15), {"chief"}),
        ("escalation", minutes(30), {"secgen"}),
    ]


def test_a_worker_back_after_the_deadline_sends_no_stale_reminder(night, units_only):
    incident = grave_fire(night)
    assert run_until_idle(SUNDAY_NIGHT + minutes(35 + 40)) == 4
    assert flips(row(incident)) == [
        ("breach", 3),
        ("escalation", 4),
        ("escalation", 5),
        ("escalation", 6),
    ]


def test_a_worker_back_between_the_reminders_sends_only_the_second(night, units_only):
    incident = grave_fire(night)
    assert run_until_idle(SUNDAY_NIGHT + minutes(33)) == 1
    assert flips(row(incident)) == [("reminder", 2)]


def test_a_report_received_stops_the_chain(night):
    incident = grave_fire(night)
    run_until_idle(SUNDAY_NIGHT + minutes(36))  # breach and the duty officer
    report = actions.do_add_report(
        night["officer_a"],
        incident.pk,
        ReportKind.INITIAL,
        content(),
        now=SUNDAY_NIGHT + minutes(40),
    )
    sign_off(night["head_a"], report, SUNDAY_NIGHT + minutes(40))
    run_until_idle(SUNDAY_NIGHT + hours(3))
    assert row(incident).status == ExpectStatus.MET
    assert [kind for kind, _stage in flips(row(incident))] == ["breach", "escalation"]


# --- level changes and the deadline table ---------------------------------------------------


def test_raising_the_level_tightens_the_written_deadline_and_asks_for_a_phone_call(office):
    start = shanghai(TODAY, "09:00")
    report = open_in_writing(office["officer_a"], start, level="4")
    incident = report.incident
    assert row(incident).due_at == start + hours(6)
    actions_level.do_change_level(
        office["chief"], incident.pk, "2", "过火面积扩大", now=start + minutes(10)
    )
    assert row(incident).due_at == start + minutes(35)
    assert row(incident, ExpectKind.PHONE).due_at == start + minutes(15)
    assert LevelChange.objects.get(incident=incident).new_level == "2"


def test_lowering_the_level_relaxes_the_written_deadline_and_drops_the_phone_call(office):
    start = shanghai(TODAY, "09:00")
    report = open_in_writing(office["officer_a"], start, level="2")
    incident = report.incident
    actions_level.do_change_level(
        office["chief"], incident.pk, "4", "核实后降级", now=start + minutes(5)
    )
    assert row(incident).due_at == start + hours(6)
    assert row(incident, ExpectKind.PHONE).status == ExpectStatus.CANCELLED


def test_a_reminder_sent_before_the_deadline_was_relaxed_is_not_sent_again(night):
    incident = grave_fire(night)
    engine.run_pass(SUNDAY_NIGHT + minutes(18))  # the first reminder of the 35-minute window
    actions_level.do_change_level(
        night["chief"], incident.pk, "4", "核实后降级", now=SUNDAY_NIGHT + minutes(20)
    )
    for at in (hours(3), hours(5.4), hours(6), hours(7)):
        run_until_idle(SUNDAY_NIGHT + at)
    assert flips(row(incident)) == [
        ("reminder", 1),
        ("reminder", 2),
        ("breach", 3),
        ("escalation", 4),
        ("escalation", 5),
        ("escalation", 6),
    ]
    assert last_flip(row(incident)).due_moment == SUNDAY_NIGHT + hours(6) + minutes(30)


def test_a_level_change_after_the_whole_chain_repeats_none_of_it(night):
    incident = grave_fire(night, level="3")
    run_until_idle(SUNDAY_NIGHT + hours(2))
    actions_level.do_change_level(
        night["chief"], incident.pk, "2", "死亡人数上升", now=SUNDAY_NIGHT + minutes(120)
    )
    assert run_until_idle(SUNDAY_NIGHT + hours(3)) == 0
    assert len(flips(row(incident))) == 4


def test_an_edited_table_reaches_an_open_incident_only_when_re_applied(night):
    incident = grave_fire(night, level="3")
    DeadlineRule.objects.filter(category="accident", level="3").update(written_minutes=45)
    assert row(incident).due_at == SUNDAY_NIGHT + minutes(60)
    actions_level.do_reapply_policy(night["chief"], incident.pk, now=SUNDAY_NIGHT + minutes(10))
    assert row(incident).due_at == SUNDAY_NIGHT + minutes(45)


def test_an_edited_table_applies_to_the_next_incident_at_once(night):
    DeadlineRule.objects.filter(category="accident", level="3").update(written_minutes=45)
    incident = grave_fire(night, level="3")
    assert row(incident).due_at == SUNDAY_NIGHT + minutes(45)


# --- late or on time ------------------------------------------------------------------------


def test_a_written_report_signed_off_late_is_a_late_candidate(office):
    known = shanghai(TODAY, "09:00")  # a major (Ⅲ) incident: written within 60 minutes
    report = open_in_writing(office["officer_a"], known + minutes(10), known_at=known, level="3")
    sign_off(office["head_a"], report, known + minutes(75.5))
    candidate = ViolationCandidate.objects.get(expected__kind=ExpectKind.WRITTEN)
    assert (candidate.kind, candidate.unit, candidate.incident_id, candidate.expected.kind) == (
        CandidateKind.LATE,
        office["officer_a"].unit,
        report.incident_id,
        ExpectKind.WRITTEN,
    )
    assert candidate.minutes_late == 16
    assert f"{TODAY} 10:00" in candidate.evidence
    assert f"{TODAY} 10:15" in candidate.evidence


def test_a_written_report_signed_off_in_time_is_no_candidate(office):
    known = shanghai(TODAY, "09:00")
    report = open_in_writing(office["officer_a"], known + minutes(10), known_at=known, level="3")
    sign_off(office["head_a"], report, known + minutes(60))
    assert row(report.incident).status == ExpectStatus.MET
    # In time for the written report, late for Ⅲ's 30-minute phone report.
    assert [(c.expected.kind, c.minutes_late) for c in ViolationCandidate.objects.all()] == [
        (ExpectKind.PHONE, 30)
    ]


def test_writing_in_time_is_not_enough_without_the_heads_sign_off(office):
    known = shanghai(TODAY, "09:00")
    report = open_in_writing(office["officer_a"], known + minutes(10), known_at=known, level="3")
    sign_off(office["head_a"], report, known + minutes(61))
    assert ViolationCandidate.objects.get(expected__kind=ExpectKind.WRITTEN).minutes_late == 1


# --- follow-ups, final report, forwarding ---------------------------------------------------


@pytest.mark.parametrize(
    ("signed", "due", "due_utc"),
    [
        (f"{THIS_MONDAY} 07:50", f"{THIS_MONDAY} 08:00", datetime.combine(THIS_MONDAY, time(0, 0))),
        (f"{THIS_MONDAY} 09:00", f"{THIS_MONDAY} 17:00", datetime.combine(THIS_MONDAY, time(9, 0))),
        (f"{THIS_MONDAY} 17:30", f"{TODAY} 08:00", datetime.combine(TODAY, time(0, 0))),
    ],
)
def test_the_first_follow_up_is_due_at_the_next_fixed_time(office, signed, due, due_utc):
    report = open_in_writing(office["officer_a"], local(signed) - minutes(20), level="3")
    sign_off(office["head_a"], report, local(signed))
    followup = row(report.incident, ExpectKind.FOLLOWUP, 1)
    assert followup.due_at == local(due)
    assert stored_utc(ExpectedReport, "due_at", followup.pk) == due_utc


def test_an_ordinary_incident_is_followed_up_every_24_hours(office):
    signed = shanghai(THIS_MONDAY, "10:00")
    report = open_in_writing(office["officer_a"], signed - minutes(20), level="4")
    sign_off(office["head_a"], report, signed)
    assert row(report.incident, ExpectKind.FOLLOWUP, 1).due_at == signed + hours(24)


def test_a_follow_up_sent_early_counts_for_its_slot(office):
    report = open_in_writing(office["officer_a"], shanghai(THIS_MONDAY, "06:40"), level="3")
    sign_off(office["head_a"], report, shanghai(THIS_MONDAY, "07:00"))  # follow-up 1 by 08:00
    incident = report.incident
    add_written(
        office["officer_a"],
        office["head_a"],
        incident,
        ReportKind.FOLLOWUP,
        shanghai(THIS_MONDAY, "07:30"),
    )
    assert row(incident, ExpectKind.FOLLOWUP, 1).status == ExpectStatus.MET
    assert row(incident, ExpectKind.FOLLOWUP, 2).due_at == shanghai(THIS_MONDAY, "17:00")


def test_a_level_change_keeps_the_next_follow_up_in_its_slot(office):
    report = open_in_writing(office["officer_a"], shanghai(THIS_MONDAY, "06:40"), level="3")
    sign_off(office["head_a"], report, shanghai(THIS_MONDAY, "07:00"))
    incident = report.incident
    add_written(
        office["officer_a"],
        office["head_a"],
        incident,
        ReportKind.FOLLOWUP,
        shanghai(THIS_MONDAY, "07:30"),
    )
    actions_level.do_change_level(
        office["chief"], incident.pk, "2", "死亡人数上升", now=shanghai(THIS_MONDAY, "07:40")
    )
    assert row(incident, ExpectKind.FOLLOWUP, 2).due_at == shanghai(THIS_MONDAY, "17:00")


def test_a_final_report_closes_the_incident_and_leaves_only_the_sections_duties(office):
    report = open_in_writing(office["officer_a"], shanghai(THIS_MONDAY, "09:00"), level="2")
    sign_off(office["head_a"], report, shanghai(THIS_MONDAY, "09:20"))
    incident = report.incident
    add_written(
        office["officer_a"],
        office["head_a"],
        incident,
        ReportKind.FINAL,
        shanghai(THIS_MONDAY, "12:00"),
    )
    incident.refresh_from_db()
    assert (incident.status, incident.closed_at) == (
        IncidentStatus.CLOSED,
        shanghai(THIS_MONDAY, "12:00"),
    )
    still_open = ExpectedReport.objects.filter(incident=incident, status=ExpectStatus.OPEN)
    assert {r.kind for r in still_open} == {ExpectKind.SECTION_PHONE, ExpectKind.FORWARD}
    with pytest.raises(actions.ActionError):
        actions.do_add_report(
            office["officer_a"],
            incident.pk,
            ReportKind.FOLLOWUP,
            content(),
            now=shanghai(THIS_MONDAY, "13:00"),
        )


def test_a_final_report_cancels_what_other_units_still_owe(office, unit_b, officer_b):
    start = shanghai(THIS_MONDAY, "09:00")
    report = actions.do_open_incident(
        office["duty"],
        actions.IncidentFacts(
            title="甲区乙县交界处化工厂火灾",
            category="accident",
            place="甲乙交界",
            occurred_at=start - minutes(5),
            known_at=start,
            units=[office["officer_a"].unit, unit_b],
            level="3",
        ),
        content(),
        PhoneCall("张三", "13800000000", start),
        now=start,
    )
    incident = report.incident
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.INITIAL, start + minutes(30)
    )
    add_written(office["officer_a"], office["head_a"], incident, ReportKind.FINAL, start + hours(3))
    owed = ExpectedReport.objects.filter(incident=incident, kind=ExpectKind.WRITTEN)
    assert {r.unit.code: r.status for r in owed} == {
        "unit-a": ExpectStatus.MET,
        "unit-b": ExpectStatus.CANCELLED,
    }


def test_the_office_owes_the_province_a_forwarding_from_the_moment_it_heard(night, province):
    incident = grave_fire(night)  # the unit phoned at 02:00: the section knew then
    add_written(
        night["officer_a"],
        night["head_a"],
        incident,
        ReportKind.INITIAL,
        SUNDAY_NIGHT + minutes(20),
    )
    forwarding = row(incident, ExpectKind.FORWARD)
    # Ⅱ: forwarded within 30 minutes of 02:00, not of the written report at 02:20.
    assert (forwarding.unit, forwarding.window_start, forwarding.due_at) == (
        night["secgen"].unit,
        shanghai(LAST_SUNDAY, "02:00"),
        shanghai(LAST_SUNDAY, "02:30"),
    )
    actions_level.do_forward(
        night["chief"], incident.pk, province, "某化工厂火灾情况", now=SUNDAY_NIGHT + minutes(25)
    )
    forwarding.refresh_from_db()
    assert (forwarding.status, forwarding.met_at) == (ExpectStatus.MET, SUNDAY_NIGHT + minutes(25))
    assert not ViolationCandidate.objects.exists()


def test_a_written_first_report_starts_the_forwarding_clock_at_its_sign_off(office):
    # Ⅱ, written at 09:00 and signed off at 09:20: the section first knew at 09:20.
    report = open_in_writing(office["officer_a"], shanghai(TODAY, "09:00"), level="2")
    assert not ExpectedReport.objects.filter(
        incident=report.incident, kind__in=[ExpectKind.FORWARD, ExpectKind.SECTION_PHONE]
    ).exists()
    sign_off(office["head_a"], report, shanghai(TODAY, "09:20"))
    assert row(report.incident, ExpectKind.FORWARD).due_at == shanghai(TODAY, "09:50")


def test_an_overdue_forwarding_is_the_sections_breach(night):
    incident = grave_fire(night)
    add_written(
        night["officer_a"],
        night["head_a"],
        incident,
        ReportKind.INITIAL,
        SUNDAY_NIGHT + minutes(20),
    )
    engine.run_pass(SUNDAY_NIGHT + minutes(30))  # due 02:30: 30 minutes from the call
    assert told(last_flip(row(incident, ExpectKind.FORWARD))) == SECTION | {"duty"}


def test_raising_the_level_after_the_written_report_makes_the_forwarding_owed(office):
    start = shanghai(TODAY, "09:00")
    incident = grave_fire(office, start, level="4")
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.INITIAL, start + minutes(30)
    )
    actions_level.do_change_level(
        office["chief"], incident.pk, "2", "死亡人数上升", now=start + hours(1)
    )
    forward = ExpectedReport.objects.get(incident=incident, kind=ExpectKind.FORWARD)
    assert (forward.window_start, forward.due_at) == (start + hours(1), start + minutes(90))


def test_lowering_the_level_drops_a_forwarding_the_new_level_does_not_ask_for(office):
    start = shanghai(TODAY, "09:00")
    incident = grave_fire(office, start, level="2")
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.INITIAL, start + minutes(30)
    )
    actions_level.do_change_level(
        office["chief"], incident.pk, "4", "核实后降级", now=start + hours(1)
    )
    forward = ExpectedReport.objects.get(incident=incident, kind=ExpectKind.FORWARD)
    assert forward.status == ExpectStatus.CANCELLED


# --- sightings: another channel saw it first ------------------------------------------------


def test_an_unmatched_sighting_starts_the_units_clock(night):
    seen = shanghai(LAST_SUNDAY, "01:40")
    s = sighting(night["duty"], night["officer_a"].unit, seen)
    watch = ExpectedReport.objects.get(sighting=s)
    assert (watch.kind, watch.unit, watch.window_start, watch.due_at) == (
        ExpectKind.SIGHTING,
        night["officer_a"].unit,
        seen,
        seen + minutes(35),
    )


def test_a_sighting_nobody_reports_becomes_a_missed_candidate_with_evidence(night):
    seen = shanghai(LAST_SUNDAY, "01:40")
    sighting(night["duty"], night["officer_a"].unit, seen)
    assert engine.run_pass(seen + minutes(35)) == 1
    candidate = ViolationCandidate.objects.get()
    assert (candidate.kind, candidate.unit, candidate.incident) == (
        CandidateKind.MISSED,
        night["officer_a"].unit,
        None,
    )
    for fact in ("江城晚报网站", f"{LAST_SUNDAY} 01:40", f"{LAST_SUNDAY} 02:15", "冒出大量黑烟"):
        assert fact in candidate.evidence
    watch = ExpectedReport.objects.get(kind=ExpectKind.SIGHTING)
    assert told(last_flip(watch)) == UNIT | {"duty"}


def test_matching_a_sighting_in_time_cancels_the_watch_and_moves_the_clock(office):
    seen = shanghai(TODAY, "10:00")
    s = sighting(office["duty"], office["officer_a"].unit, seen)
    report = open_in_writing(office["officer_a"], seen + minutes(20), level="3")
    incident = report.incident
    actions_sightings.do_match_sighting(office["duty"], s.pk, incident.pk, now=seen + minutes(25))
    incident.refresh_from_db()
    assert incident.clock_start == seen
    assert row(incident).due_at == seen + minutes(60)
    assert ExpectedReport.objects.get(sighting=s).status == ExpectStatus.CANCELLED
    run_until_idle(seen + minutes(59))
    assert not ViolationCandidate.objects.exists()


def test_a_report_after_a_matched_sighting_is_judged_against_the_earlier_clock(office):
    seen = shanghai(TODAY, "10:00")
    s = sighting(office["duty"], office["officer_a"].unit, seen)
    report = open_in_writing(office["officer_a"], seen + minutes(20), level="3")
    actions_sightings.do_match_sighting(
        office["duty"], s.pk, report.incident_id, now=seen + minutes(25)
    )
    sign_off(office["head_a"], report, seen + minutes(70))  # in time by its own clock (10:20)
    candidate = ViolationCandidate.objects.get(expected__kind=ExpectKind.WRITTEN)
    assert (candidate.kind, candidate.minutes_late) == (CandidateKind.LATE, 10)


def test_a_sighting_named_when_the_incident_opens_starts_its_clock(night):
    seen = shanghai(LAST_SUNDAY, "01:40")
    s = sighting(night["duty"], night["officer_a"].unit, seen)
    incident = grave_fire(night, sightings=[s])
    assert incident.clock_start == seen
    assert row(incident).due_at == seen + minutes(35)
    assert ExpectedReport.objects.get(sighting=s).status == ExpectStatus.CANCELLED


def test_matching_after_the_missed_candidate_turns_it_into_a_late_one(night):
    seen = shanghai(LAST_SUNDAY, "01:40")
    s = sighting(night["duty"], night["officer_a"].unit, seen)
    engine.run_pass(seen + minutes(35))  # missed
    incident = grave_fire(night, shanghai(LAST_SUNDAY, "02:30"))
    actions_sightings.do_match_sighting(
        night["duty"], s.pk, incident.pk, now=shanghai(LAST_SUNDAY, "02:31")
    )
    missed = ViolationCandidate.objects.get(kind=CandidateKind.MISSED)
    assert (missed.status, missed.incident) == (CandidateStatus.SUPERSEDED, incident)
    late = ViolationCandidate.objects.get(kind=CandidateKind.LATE)
    assert (late.expected.kind, late.minutes_late) == (ExpectKind.PHONE, 35)  # phone due 01:55
