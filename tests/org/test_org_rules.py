"""The official calendar, office hours and roster checks as pure functions: no database."""

from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest
from django.utils import translation

from org.calendar import HOLIDAY, WORKDAY, Calendar, Hours, in_office_hours
from org.schedule import (
    Span,
    office_hours_problem,
    overlaps,
    range_problem,
    shift_problem,
    week_start,
    years_to_check,
)

HOURS = Hours(time(8, 30), time(12, 0), time(14, 0), time(17, 30))
KNOWS_2026 = Calendar(
    overrides={date(2026, 10, 1): HOLIDAY, date(2026, 10, 10): WORKDAY}, known_years={2026}
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def section_takes(moment: datetime, calendar: Calendar = KNOWS_2026) -> bool:
    return in_office_hours(moment, calendar, HOURS)


# --- where a report goes ---------------------------------------------------------------------


def test_a_working_tuesday_morning_goes_to_the_section():
    assert section_takes(datetime(2026, 11, 24, 10, 0))


def test_lunch_time_goes_to_the_duty_office():
    assert not section_takes(datetime(2026, 11, 24, 12, 30))


def test_the_evening_goes_to_the_duty_office():
    assert not section_takes(datetime(2026, 11, 24, 19, 0))


def test_a_saturday_goes_to_the_duty_office():
    assert not section_takes(datetime(2026, 11, 28, 10, 0))


def test_national_day_on_a_thursday_goes_to_the_duty_office():
    assert date(2026, 10, 1).weekday() == 3
    assert not section_takes(datetime(2026, 10, 1, 10, 0))


def test_a_swapped_working_saturday_goes_to_the_section():
    assert date(2026, 10, 10).weekday() == 5
    assert section_takes(datetime(2026, 10, 10, 10, 0))


@pytest.mark.parametrize(
    ("clock", "section"),
    [
        ("08:29", False),
        ("08:30", True),
        ("11:59", True),
        ("12:00", False),
        ("14:00", True),
        ("17:29", True),
        ("17:30", False),
    ],
)
def test_office_hours_include_their_start_and_exclude_their_end(clock, section):
    moment = datetime.combine(date(2026, 11, 24), time.fromisoformat(clock))
    assert section_takes(moment) is section


def test_a_year_without_data_falls_back_to_plain_weekends():
    tuesday, saturday = date(2027, 10, 5), date(2027, 10, 9)
    assert not KNOWS_2026.knows(tuesday)
    assert KNOWS_2026.is_working_day(tuesday)
    assert not KNOWS_2026.is_working_day(saturday)
    assert section_takes(datetime.combine(tuesday, time(10, 0)))


def test_the_package_itself_raises_for_2027_which_is_why_the_calendar_is_data():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 10, 5))


# --- entering the official calendar ----------------------------------------------------------

OCT_2027 = (date(2027, 10, 1), date(2027, 10, 7))


def test_a_holiday_week_can_be_entered():
    assert range_problem(*OCT_2027, HOLIDAY, {}) is None


def test_a_range_may_not_end_before_it_starts():
    assert "before" in range_problem(date(2027, 10, 7), date(2027, 10, 1), HOLIDAY, {})


def test_a_range_of_31_days_is_the_longest():
    start = date(2027, 1, 1)
    assert range_problem(start, start + timedelta(days=30), HOLIDAY, {}) is None
    assert range_problem(start, start + timedelta(days=31), HOLIDAY, {}) is not None


def test_a_swapped_working_day_must_be_a_weekend_day():
    assert range_problem(date(2027, 10, 9), date(2027, 10, 9), WORKDAY, {}) is None
    assert "2027-10-08" in range_problem(date(2027, 10, 8), date(2027, 10, 9), WORKDAY, {})


def test_a_date_already_entered_is_refused():
    assert "2027-10-03" in range_problem(*OCT_2027, HOLIDAY, {date(2027, 10, 3): HOLIDAY})


def test_a_holiday_on_a_swapped_working_day_is_refused():
    problem = range_problem(*OCT_2027, HOLIDAY, {date(2027, 10, 2): WORKDAY})
    assert "2027-10-02" in problem
    assert problem != range_problem(*OCT_2027, HOLIDAY, {date(2027, 10, 2): HOLIDAY})


def test_office_hours_must_run_in_order():
    assert office_hours_problem(time(8, 30), time(12), time(14), time(17, 30)) is None
    assert office_hours_problem(time(9), time(12), time(12), time(18)) is None
    assert office_hours_problem(time(12), time(8, 30), time(14), time(17, 30)) is not None
    assert office_hours_problem(time(8, 30), time(12), time(11), time(17, 30)) is not None
    assert office_hours_problem(time(8, 30), time(12), time(14), time(14)) is not None


# --- the duty roster -------------------------------------------------------------------------

EVENING = datetime(2026, 11, 27, 17, 30)


def test_a_shift_must_end_after_it_starts():
    assert shift_problem(EVENING, EVENING) is not None
    assert shift_problem(EVENING, EVENING - timedelta(hours=1)) is not None
    assert shift_problem(EVENING, EVENING + timedelta(hours=15)) is None


def test_a_shift_longer_than_three_days_is_a_typing_slip():
    assert shift_problem(EVENING, EVENING + timedelta(hours=72)) is None
    assert shift_problem(EVENING, EVENING + timedelta(hours=73)) is not None


def test_the_night_shift_may_start_when_the_day_shift_ends():
    day = Span(EVENING - timedelta(hours=9), EVENING)
    assert not overlaps(Span(EVENING, EVENING + timedelta(hours=15)), [day])
    assert overlaps(Span(EVENING - timedelta(minutes=1), EVENING + timedelta(hours=1)), [day])


def test_weeks_start_on_monday():
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 23)) == date(2026, 11, 23)


# --- the missing-calendar warning ------------------------------------------------------------


def test_the_warning_watches_this_year_until_the_last_30_days():
    assert years_to_check(date(2026, 11, 26)) == (2026,)
    assert years_to_check(date(2026, 12, 1)) == (2026,)
    assert years_to_check(date(2026, 12, 2)) == (2026, 2027)
    assert years_to_check(date(2026, 12, 31)) == (2026, 2027)
    assert years_to_check(date(2027, 1, 1)) == (2027,)
