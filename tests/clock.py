"""The one instant the test suite runs at, and helpers to name days relative to it.

Every test runs on a clock pinned to `PINNED` (see the autouse fixture in conftest.py) that then
ticks at real speed, so sleeps, leases and timeouts behave. A test that needs the real clock is
marked `@pytest.mark.wallclock`. No test names a year: derive it from `PINNED`.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")

# An ordinary working-day morning (a Tuesday, 11:00, no holiday in its week or the one before)
# in a year the seeded official calendar knows, after 20 November (the tests' stories of the
# pinned year run from January to 20 November), and more than 30 days before the year
# ends (from then on every page warns that next year's official calendar is missing). Tests
# name every date through the names below, so the pin can move to any such morning: the
# suite was run green at 2025-11-25 11:00 as well.
PINNED = datetime(2026, 12, 1, 11, 0, tzinfo=SHANGHAI)
TODAY: date = PINNED.date()
YEAR: int = PINNED.year
NEXT_YEAR: int = YEAR + 1
LAST_YEAR: int = YEAR - 1
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)


def local(day: date, clock: str = "00:00") -> datetime:
    """`clock` (HH:MM) on `day`, Asia/Shanghai."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=SHANGHAI)


def next_weekday(day: date, weekday: int) -> date:
    """The first day on or after `day` whose weekday() is `weekday` (Monday is 0)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def previous_weekday(day: date, weekday: int) -> date:
    """The last day on or before `day` whose weekday() is `weekday` (Monday is 0)."""
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def nth_weekday(month: int, weekday: int, n: int = 1, year: int = YEAR) -> date:
    """The `n`th day of `month` in `year` whose weekday() is `weekday`; n=-1 is the last one."""
    if n < 0:
        following = date(year + month // 12, month % 12 + 1, 1)
        return previous_weekday(following - timedelta(days=1), weekday) - timedelta(weeks=-n - 1)
    return next_weekday(date(year, month, 1), weekday) + timedelta(weeks=n - 1)


def days_before(n: int, day: date = TODAY) -> date:
    """The date `n` calendar days before `day` (the pinned day by default)."""
    return day - timedelta(days=n)


# The days of the pinned week (the pin is a Tuesday morning; these are the days before it).
THIS_MONDAY: date = previous_weekday(TODAY, MONDAY)
LAST_SUNDAY: date = THIS_MONDAY - timedelta(days=1)
LAST_SATURDAY: date = THIS_MONDAY - timedelta(days=2)

# The official calendar's facts, from the package the calendar migration seeds from.
NATIONAL_DAY: date = date(YEAR, 10, 1)
# A holiday of the pinned year that falls on a weekday (National Day itself, unless a weekend).
WEEKDAY_HOLIDAY: date = min(
    d for d in chinese_calendar.holidays if d >= NATIONAL_DAY and d.weekday() < SATURDAY
)
# The first weekend day after National Day that the official calendar makes a working day.
SWAPPED_WORKDAY: date = min(
    d for d in chinese_calendar.workdays if d > NATIONAL_DAY and d.weekday() >= SATURDAY
)
# The first year the official calendar does not know (chinesecalendar ships years up to here).
UNKNOWN_YEAR: int = max(d.year for d in chinese_calendar.holidays) + 1
