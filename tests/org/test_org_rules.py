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
from tests.clock import (
    LAST_SATURDAY,
    LAST_SUNDAY,
    MONDAY,
    NEXT_YEAR,
    SATURDAY,
    SWAPPED_WORKDAY,
    THIS_MONDAY,
    TUESDAY,
    UNKNOWN_YEAR,
    WEEKDAY_HOLIDAY,
    YEAR,
    next_weekday,
)

# An ordinary working Tuesday, a week before the pinned one.
A_TUESDAY = THIS_MONDAY - timedelta(days=6)

HOURS = Hours(time(8, 30), time(12, 0), time(14, 0), time(17, 30))
KNOWS_THIS_YEAR = Calendar(
    overrides={WEEKDAY_HOLIDAY: HOLIDAY, SWAPPED_WORKDAY: WORKDAY}, known_years={YEAR}
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def section_takes(moment: datetime, calendar: Calendar = KNOWS_THIS_YEAR) -> bool:
    return in_office_hours(moment, calendar, HOURS)


# --- where a report goes ---------------------------------------------------------------------


def test_a_working_tuesday_morning_goes_to_the_section():
    assert section_takes(datetime.combine(A_TUESDAY, time(10, 0)))


def test_lunch_time_goes_to_the_duty_office():
    assert not section_takes(datetime.combine(A_TUESDAY, time(12, 30)))


def test_the_evening_goes_to_the_duty_office():
    assert not section_takes(datetime.combine(A_TUESDAY, time(19, 0)))


def test_a_saturday_goes_to_the_duty_office():
    assert not section_takes(datetime.combine(LAST_SATURDAY, time(10, 0)))


def test_a_holiday_on_a_weekday_goes_to_the_duty_office():
    assert WEEKDAY_HOLIDAY.weekday() < SATURDAY
    assert not section_takes(datetime.combine(WEEKDAY_HOLIDAY, time(10, 0)))


def test_a_swapped_working_saturday_goes_to_the_section():
    assert SWAPPED_WORKDAY.weekday() >= SATURDAY
    assert section_takes(datetime.combine(SWAPPED_WORKDAY, time(10, 0)))


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
    moment = datetime.combine(A_TUESDAY, time.fromisoformat(clock))
    assert section_takes(moment) is section


def test_a_year_without_data_falls_back_to_plain_weekends():
    tuesday = next_weekday(date(UNKNOWN_YEAR, 10, 1), TUESDAY)  # National Day week
    saturday = tuesday + timedelta(days=4)
    assert not KNOWS_THIS_YEAR.knows(tuesday)
    assert KNOWS_THIS_YEAR.is_working_day(tuesday)
    assert not KNOWS_THIS_YEAR.is_working_day(saturday)
    assert section_takes(datetime.combine(tuesday, time(10, 0)))


def test_the_package_itself_raises_for_a_year_it_does_not_ship_which_is_why_the_calendar_is_data():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(UNKNOWN_YEAR, 10, 5))


# --- counting working days -------------------------------------------------------------------


def test_counting_back_skips_the_weekend_and_a_weekday_holiday():
    after_holiday = KNOWS_THIS_YEAR.working_day_on_or_after(WEEKDAY_HOLIDAY)
    assert after_holiday > WEEKDAY_HOLIDAY
    assert KNOWS_THIS_YEAR.working_day_on_or_before(WEEKDAY_HOLIDAY) < WEEKDAY_HOLIDAY
    before = KNOWS_THIS_YEAR.working_days_before(after_holiday, 1)
    assert before < WEEKDAY_HOLIDAY
    assert before.weekday() < SATURDAY


def test_a_swapped_working_weekend_day_counts():
    assert KNOWS_THIS_YEAR.working_day_on_or_after(SWAPPED_WORKDAY) == SWAPPED_WORKDAY
    assert KNOWS_THIS_YEAR.working_day_on_or_before(SWAPPED_WORKDAY) == SWAPPED_WORKDAY
    next_day = SWAPPED_WORKDAY + timedelta(days=1)
    if next_day.weekday() < SATURDAY:  # a swapped Sunday: the Monday after counts back to it
        assert KNOWS_THIS_YEAR.working_days_before(next_day, 1) == SWAPPED_WORKDAY


def test_counting_in_a_year_without_data_uses_plain_weekends():
    monday = next_weekday(date(UNKNOWN_YEAR, 10, 1), MONDAY)
    saturday = monday + timedelta(days=5)
    assert KNOWS_THIS_YEAR.working_days_before(monday, 1) == monday - timedelta(days=3)
    assert KNOWS_THIS_YEAR.working_days_before(monday, 6) == monday - timedelta(days=10)
    assert KNOWS_THIS_YEAR.working_day_on_or_after(saturday) == saturday + timedelta(days=2)
    assert KNOWS_THIS_YEAR.working_day_on_or_before(saturday) == saturday - timedelta(days=1)
    assert KNOWS_THIS_YEAR.working_days_before(monday, 0) == monday


# --- entering the official calendar ----------------------------------------------------------

NEXT_OCTOBER_HOLIDAYS = (date(NEXT_YEAR, 10, 1), date(NEXT_YEAR, 10, 7))


def test_a_holiday_week_can_be_entered():
    assert range_problem(*NEXT_OCTOBER_HOLIDAYS, HOLIDAY, {}) is None


def test_a_range_may_not_end_before_it_starts():
    assert "before" in range_problem(date(NEXT_YEAR, 10, 7), date(NEXT_YEAR, 10, 1), HOLIDAY, {})


def test_a_range_of_31_days_is_the_longest():
    start = date(NEXT_YEAR, 1, 1)
    assert range_problem(start, start + timedelta(days=30), HOLIDAY, {}) is None
    assert range_problem(start, start + timedelta(days=31), HOLIDAY, {}) is not None


def test_a_swapped_working_day_must_be_a_weekend_day():
    saturday = next_weekday(date(NEXT_YEAR, 10, 1), SATURDAY)
    friday = saturday - timedelta(days=1)
    assert range_problem(saturday, saturday, WORKDAY, {}) is None
    assert str(friday) in range_problem(friday, saturday, WORKDAY, {})


def test_a_date_already_entered_is_refused():
    assert f"{NEXT_YEAR}-10-03" in range_problem(
        *NEXT_OCTOBER_HOLIDAYS, HOLIDAY, {date(NEXT_YEAR, 10, 3): HOLIDAY}
    )


def test_a_holiday_on_a_swapped_working_day_is_refused():
    problem = range_problem(*NEXT_OCTOBER_HOLIDAYS, HOLIDAY, {date(NEXT_YEAR, 10, 2): WORKDAY})
    assert f"{NEXT_YEAR}-10-02" in problem
    assert problem != range_problem(
        *NEXT_OCTOBER_HOLIDAYS, HOLIDAY, {date(NEXT_YEAR, 10, 2): HOLIDAY}
    )


def test_office_hours_must_run_in_order():
    assert office_hours_problem(time(8, 30), time(12), time(14), time(17, 30)) is None
    assert office_hours_problem(time(9), time(12), time(12), time(18)) is None
    assert office_hours_problem(time(12), time(8, 30), time(14), time(17, 30)) is not None
    assert office_hours_problem(time(8, 30), time(12), time(11), time(17, 30)) is not None
    assert office_hours_problem(time(8, 30), time(12), time(14), time(14)) is not None


# --- the duty roster -------------------------------------------------------------------------

EVENING = datetime(YEAR, 11, 27, 17, 30)


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
    monday = THIS_MONDAY - timedelta(days=7)
    assert week_start(LAST_SUNDAY) == monday
    assert week_start(monday) == monday


# --- the missing-calendar warning ------------------------------------------------------------


def test_the_warning_watches_this_year_until_the_last_30_days():
    assert years_to_check(date(YEAR, 11, 26)) == (YEAR,)
    assert years_to_check(date(YEAR, 12, 1)) == (YEAR,)
    assert years_to_check(date(YEAR, 12, 2)) == (YEAR, NEXT_YEAR)
    assert years_to_check(date(YEAR, 12, 31)) == (YEAR, NEXT_YEAR)
    assert years_to_check(date(NEXT_YEAR, 1, 1)) == (NEXT_YEAR,)
