"""The demo's one clock: every date the demo writes is derived from the instant it is loaded at
(`now`), and every working day is the official calendar's (`org.calendar`, the database's
entered years; Monday to Friday in a year not entered yet — the same rule the product routes
reports by)."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from org.calendar import Calendar
from org.duty import calendar_for, office_hours

# How far back the demo's histories reach, and forward its duty roster: the calendar is read
# for the years around `now` once.
_YEARS_AROUND = 1


@dataclass(frozen=True)
class DemoClock:
    now: datetime  # the demo's present: nothing it writes is dated later
    calendar: Calendar
    opens: time  # the section's day: the morning's start to the afternoon's end
    closes: time

    @classmethod
    def at(cls, now: datetime) -> "DemoClock":
        year = timezone.localdate(now).year
        years = range(year - _YEARS_AROUND, year + _YEARS_AROUND + 1)
        hours = office_hours()
        return cls(
            now=now,
            calendar=calendar_for(*(date(y, 1, 1) for y in years)),
            opens=hours.morning_start,
            closes=hours.afternoon_end,
        )

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    def moment(self, day: date, clock: time) -> datetime:
        return timezone.make_aware(datetime.combine(day, clock))

    def is_open(self, local: datetime) -> bool:
        day_open = self.opens <= local.time() < self.closes
        return day_open and self.calendar.is_working_day(local.date())

    def in_office_hours(self, moment: datetime, rng: random.Random) -> datetime:
        """The moment itself if the office is open then, else a little after it next opens."""
        local = timezone.localtime(moment)
        if self.is_open(local):
            return local
        day = local.date()
        if local.time() >= self.closes:
            day += timedelta(days=1)
        day = self.calendar.working_day_on_or_after(day)
        return self.moment(day, self.opens) + timedelta(minutes=rng.randint(5, 50))

    def last_open_moment(self, moment: datetime) -> datetime:
        """The latest moment, not after `moment`, at which the office was open."""
        local = timezone.localtime(moment)
        if self.is_open(local):
            return local
        day = local.date()
        if not (self.calendar.is_working_day(day) and local.time() >= self.closes):
            day -= timedelta(days=1)
        return self.moment(self.calendar.working_day_on_or_before(day), self.closes)
