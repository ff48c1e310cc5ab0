"""The official working calendar and office hours, as pure functions over plain data.

All times here are Asia/Shanghai local times; callers convert from UTC at the edge.
"""

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

HOLIDAY = "holiday"
WORKDAY = "workday"


@dataclass(frozen=True)
class Calendar:
    overrides: Mapping[date, str]  # date -> HOLIDAY or WORKDAY
    known_years: Set[int]

    def knows(self, day: date) -> bool:
        return day.year in self.known_years

    def is_working_day(self, day: date) -> bool:
        """Official rule where the year is known; plain Monday-Friday where it is not."""
        kind = self.overrides.get(day)
        if kind == WORKDAY:
            return True
        if kind == HOLIDAY:
            return False
        return day.weekday() < 5

    def working_day_on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_day_on_or_before(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def working_days_after(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (which need not be one): a deadline of
        "N working days" from an instruction dated `day`."""
        for _ in range(count):
            day = self.working_day_on_or_after(day + timedelta(days=1))
        return day

    def working_days_before(self, day: date, count: int) -> date:
        """The working day `count` working days before `day` (itself a working day)."""
        for _ in range(count):
            day = self.working_day_on_or_before(day - timedelta(days=1))
        return day


@dataclass(frozen=True)
class Hours:
    morning_start: time
    morning_end: time
    afternoon_start: time
    afternoon_end: time

    def covers(self, moment: time) -> bool:
        return (
            self.morning_start <= moment < self.morning_end
            or self.afternoon_start <= moment < self.afternoon_end
        )


@dataclass(frozen=True)
class Period:
    """Office hours from one month-day to another every year (夏季作息 1 May to 30 September);
    the end may come before the start (冬季作息 1 October to 30 April)."""

    start: tuple[int, int]  # (month, day)
    end: tuple[int, int]
    hours: Hours

    def covers(self, day: date) -> bool:
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end


def period_hours(
    opens: time, lunch_starts: time | None, lunch_ends: time | None, closes: time
) -> Hours:
    """Hours from a period's opening, lunch break (if any) and closing."""
    if lunch_starts is None or lunch_ends is None:
        return Hours(opens, closes, closes, closes)
    return Hours(opens, lunch_starts, lunch_ends, closes)


def hours_on(day: date, periods: Sequence[Period], default: Hours) -> Hours:
    """The office hours of `day`: the first period covering it, else the default hours."""
    for period in periods:
        if period.covers(day):
            return period.hours
    return default


def periods_overlap(periods: Sequence[Period]) -> bool:
    """True when some day of a leap year falls in two periods."""
    day = date(2024, 1, 1)
    while day.year == 2024:
        if sum(p.covers(day) for p in periods) > 1:
            return True
        day += timedelta(days=1)
    return False


def in_office_hours(local: datetime, calendar: Calendar, hours: Hours) -> bool:
    """True when the information section is at work; otherwise reports go to the duty office."""
    return calendar.is_working_day(local.date()) and hours.covers(local.time())
