"""The duty office's rules, against plain computations written here."""

from datetime import date, time, timedelta

from duty import rules
from tests.clock import TODAY, local


def test_a_day_is_in_a_period_from_its_first_to_its_last_day():
    start, end = TODAY, TODAY + timedelta(days=6)
    inside = [d for d in (start + timedelta(days=n) for n in range(-2, 10)) if start <= d <= end]
    assert [
        d
        for d in (start + timedelta(days=n) for n in range(-2, 10))
        if rules.in_period(d, start, end)
    ] == inside
    assert len(inside) == 7


def test_the_report_of_a_day_is_due_at_the_due_time_that_day_in_shanghai():
    due = rules.due_at(TODAY, time(9, 0))
    assert due == local(TODAY, "09:00")
    assert due.utcoffset() == timedelta(hours=8)


def test_the_day_number_and_back():
    start = date(TODAY.year, 1, 28)
    for n in range(0, 9):
        day = start + timedelta(days=n)
        assert rules.day_number(day, start) == n
        assert rules.day_of(start, n) == day


def test_the_reminder_falls_the_configured_minutes_before_the_due_time():
    due = local(TODAY, "09:00")
    assert rules.window_start(due, 60) == local(TODAY, "08:00")
    assert rules.cadence(60).reminder_fractions == (0.0,)
    assert rules.cadence(0).reminder_fractions == ()  # no reminder


def test_standing_of_a_days_report():
    due = local(TODAY, "09:00")
    assert rules.standing(local(TODAY, "08:59"), due, local(TODAY, "10:00")) == "on_time"
    assert rules.standing(due, due, local(TODAY, "10:00")) == "on_time"
    assert rules.standing(local(TODAY, "09:01"), due, local(TODAY, "10:00")) == "late"
    assert rules.standing(None, due, local(TODAY, "09:01")) == "missed"
    assert rules.standing(None, due, local(TODAY, "08:00")) == "waiting"


def test_the_shift_handed_over_is_the_latest_running_or_just_ended():
    night = rules.ShiftSpan(1, local(TODAY, "00:00") - timedelta(hours=6), local(TODAY, "08:00"))
    day = rules.ShiftSpan(2, local(TODAY, "08:00"), local(TODAY, "18:00"))
    assert rules.outgoing_shift([night], local(TODAY, "08:30")) == night
    assert rules.outgoing_shift([night, day], local(TODAY, "08:30")) == day
    assert rules.outgoing_shift([night], local(TODAY, "15:00")) is None  # ended too long ago
    assert rules.outgoing_shift([day], local(TODAY, "07:00")) is None  # not begun


def test_who_may_sign_a_handover():
    assert rules.sign_refusal(2, 1, [2, 3], signed=False, heads_duty_office=False) is None
    assert rules.sign_refusal(2, 1, [2], signed=True, heads_duty_office=True) == "signed"
    assert rules.sign_refusal(1, 1, [1], signed=False, heads_duty_office=True) == "own"
    assert rules.sign_refusal(4, 1, [2], signed=False, heads_duty_office=False) == "not_incoming"
    assert rules.sign_refusal(4, 1, [2], signed=False, heads_duty_office=True) is None


def test_periods_overlap_when_they_share_a_day():
    a = (TODAY, TODAY + timedelta(days=2))
    assert rules.overlaps(a, (TODAY + timedelta(days=2), TODAY + timedelta(days=5)))
    assert not rules.overlaps(a, (TODAY + timedelta(days=3), TODAY + timedelta(days=5)))


def test_a_handover_lists_the_overdue_and_the_next_24_hours_and_counts_the_rest():
    started = local(TODAY, "08:35")

    def due(day: date, clock: str, overdue: bool = False) -> dict[str, object]:
        return {"due": f"{day.isoformat()} {clock}", "overdue": overdue}

    tomorrow = TODAY + timedelta(days=1)
    carried = [
        due(TODAY - timedelta(days=1), "09:00", overdue=True),
        due(TODAY, "09:00"),
        due(tomorrow, "08:35"),  # 24 hours on: still the next shift's
        due(tomorrow, "09:00"),
        due(TODAY + timedelta(days=4), "09:00"),
    ]
    split = rules.next_shift_due(carried, started)
    assert split.shown == carried[:3] and split.rest == carried[3:]
    capped = rules.next_shift_due(carried, started, limit=2)
    assert capped.shown == carried[:2] and len(capped.rest) == 3
