"""The official working calendar and office hours, as pure functions over plain data.

All times here are Asia/Shanghai local times; callers convert from UTC at the edge.
"""

from collections.abc import Mapping, Set
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


def in_office_hours(local: datetime, calendar: Calendar, hours: Hours) -> bool:
    """True when the information section is at work; otherwise reports go to the duty office."""
    return calendar.is_working_day(local.date()) and hours.covers(local.time())
