"""The official working calendar and office hours, as pure functions over plain data.

All times here are Asia/Shanghai local times; callers convert from UTC at the edge.
"""

from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date, datetime, time

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
