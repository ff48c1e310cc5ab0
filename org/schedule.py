"""Checks for entering the official calendar, office hours and the duty roster: pure functions
over plain data, so every refusal can be tested without a database. Each returns the user's
message (already translated) or None when the entry is fine."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from org.calendar import HOLIDAY, WORKDAY, Period, period_hours, periods_overlap

# A State Council notice never gives one holiday longer than the Spring Festival's nine days;
# a month keeps a slip of the year or month from entering hundreds of days.
MAX_RANGE_DAYS = 31
# Longer than a holiday weekend's 72 hours is a typing slip, not a shift.
MAX_SHIFT = timedelta(hours=72)
# The warning for next year's calendar starts this many days before the year ends.
WARN_DAYS_BEFORE_NEW_YEAR = 30


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def range_problem(start: date, end: date, kind: str, entered: Mapping[date, str]) -> str | None:
    """Why the days start..end (inclusive) cannot be entered as `kind`; `entered` holds the
    official days already stored in that range, date -> kind."""
    if end < start:
        return _("The end date is before the start date.")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        return _("One entry covers at most %(max)d days; split longer ranges.") % {
            "max": MAX_RANGE_DAYS
        }
    for day in days_between(start, end):
        if kind == WORKDAY and day.weekday() < 5:
            return _(
                "%(date)s is a %(weekday)s: a swapped working day must fall on a "
                "Saturday or Sunday."
            ) % {"date": day.isoformat(), "weekday": WEEKDAYS[day.weekday()]}
        existing = entered.get(day)
        if existing == WORKDAY and kind == HOLIDAY:
            return _(
                "%(date)s is already entered as a swapped working day; remove it before "
                "entering it as a holiday."
            ) % {"date": day.isoformat()}
        if existing is not None:
            return _("%(date)s is already entered; remove it first to change it.") % {
                "date": day.isoformat()
            }
    return None


def office_hours_problem(
    morning_start: time, morning_end: time, afternoon_start: time, afternoon_end: time
) -> str | None:
    if morning_start < morning_end <= afternoon_start < afternoon_end:
        return None
    return _(
        "Office hours must run in order: the morning starts before it ends, the afternoon "
        "starts no earlier than the morning ends, and ends after it starts."
    )


def shift_problem(starts_at: datetime, ends_at: datetime) -> str | None:
    if ends_at <= starts_at:
        return _("A shift must end after it starts.")
    if ends_at - starts_at > MAX_SHIFT:
        return _("A shift may last at most %(hours)d hours.") % {
            "hours": MAX_SHIFT // timedelta(hours=1)
        }
    return None


@dataclass(frozen=True)
class Span:
    starts_at: datetime
    ends_at: datetime


def overlaps(span: Span, others: Iterable[Span]) -> bool:
    """True when `span` shares any moment with one of `others` (touching ends do not count:
    the night shift may start the minute the day shift ends)."""
    return any(o.starts_at < span.ends_at and span.starts_at < o.ends_at for o in others)


def week_start(day: date) -> date:
    """The Monday of the week `day` is in."""
    return day - timedelta(days=day.weekday())


def years_to_check(today: date) -> tuple[int, ...]:
    """The years whose official calendar must already be entered: this one, and next year
    once this one is in its last days."""
    if (date(today.year + 1, 1, 1) - today).days <= WARN_DAYS_BEFORE_NEW_YEAR:
        return (today.year, today.year + 1)
    return (today.year,)


@dataclass(frozen=True)
class PeriodInput:
    """A period of office hours as entered: month-days and times."""

    start_month: int
    start_day: int
    end_month: int
    end_day: int
    opens: time
    lunch_starts: time | None
    lunch_ends: time | None
    closes: time

    @classmethod
    def of(cls, row: Any) -> "PeriodInput":
        return cls(**{f: getattr(row, f) for f in cls.__dataclass_fields__})

    def fields(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}

    def period(self) -> Period:
        return Period(
            (self.start_month, self.start_day),
            (self.end_month, self.end_day),
            period_hours(self.opens, self.lunch_starts, self.lunch_ends, self.closes),
        )


def period_problem(new: PeriodInput, others: Iterable[PeriodInput]) -> str | None:
    """Why a period of office hours cannot be added: an impossible month-day, hours out of
    order, or days already in another period."""
    for month, day in ((new.start_month, new.start_day), (new.end_month, new.end_day)):
        try:
            date(2024, month, day)  # a leap year: 2月29日 is a month-day
        except ValueError:
            return _("%(month)s月%(day)s日 is not a day of the year.") % {
                "month": month,
                "day": day,
            }
    if (new.lunch_starts is None) != (new.lunch_ends is None):
        return _("Give both ends of the lunch break, or neither.")
    times = [new.opens, new.lunch_starts, new.lunch_ends, new.closes]
    given = [t for t in times if t is not None]
    if any(a >= b for a, b in pairwise(given)):
        return _(
            "The hours must run in order: opening, lunch break start, lunch break end, closing."
        )
    if periods_overlap([new.period(), *(o.period() for o in others)]):
        return _("Some of these days are already in another period.")
    return None
