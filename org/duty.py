"""Where a report goes at a given moment, and who is on duty: the database side of
`org.calendar`. During office hours reports go to the information section; outside them —
nights, weekends, official holidays, but not swapped working days — to the duty office."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from org.calendar import Calendar, Hours, Period, hours_on, in_office_hours, period_hours
from org.models import CalendarYear, DutyShift, OfficeHours, OfficeHoursPeriod, OfficialDay, User
from org.roles import DUTY_DESK, SECTION_DESK

LOCAL = ZoneInfo("Asia/Shanghai")


class Desk(StrEnum):
    SECTION = "section"  # 信息科
    DUTY = "duty"  # 值班室


def calendar_for(*days: date) -> Calendar:
    years = {d.year for d in days}
    # A date range per year uses the unique index on date; `date__year__in` would make SQLite
    # call a function on every row.
    spans = Q(pk__in=[])
    for year in years:
        spans |= Q(date__gte=date(year, 1, 1), date__lt=date(year + 1, 1, 1))
    known = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    # Only a published year's days count: days entered for a year still being entered are a
    # draft, and route nothing until the year is published.
    overrides = {
        day: kind
        for day, kind in OfficialDay.objects.filter(spans).values_list("date", "kind")
        if day.year in known
    }
    return Calendar(overrides=overrides, known_years=known)


def office_hours() -> Hours:
    """The office hours of the days no period (夏季/冬季作息) covers."""
    h = OfficeHours.current()
    return Hours(h.morning_start, h.morning_end, h.afternoon_start, h.afternoon_end)


def periods() -> list[Period]:
    return [
        Period(
            (p.start_month, p.start_day),
            (p.end_month, p.end_day),
            period_hours(p.opens, p.lunch_starts, p.lunch_ends, p.closes),
        )
        for p in OfficeHoursPeriod.objects.all()
    ]


def hours_for(day: date) -> Hours:
    """The office hours of `day`: its period's, else the default ones."""
    return hours_on(day, periods(), office_hours())


def office_closes(day: date) -> datetime:
    """When the office closes on `day` (the end of its afternoon hours, in the period covering
    the day): the hour a deadline "by the end of that day" falls due."""
    return timezone.make_aware(datetime.combine(day, hours_for(day).afternoon_end))


def working_days_due(start: date, count: int) -> datetime:
    """The office's closing time on the `count`-th working day after `start`, on the official
    calendar (feedback on an instruction, answers to a solicitation)."""
    # Enough days ahead for the longest run of days off (the Spring Festival's nine) per week.
    horizon = start + timedelta(days=count * 2 + 31)
    due = calendar_for(start, horizon).working_days_after(start, count)
    return office_closes(due)


@dataclass(frozen=True)
class Routing:
    desk: Desk
    calendar_known: bool  # False: the year has no official calendar yet (weekends only)


def route(moment: datetime) -> Routing:
    local = moment.astimezone(LOCAL)
    calendar = calendar_for(local.date())
    hours = hours_for(local.date())
    desk = Desk.SECTION if in_office_hours(local, calendar, hours) else Desk.DUTY
    return Routing(desk, calendar.knows(local.date()))


def on_duty(moment: datetime) -> QuerySet[User]:
    """The people whose shift covers the moment, leader on duty last."""
    shift_people = DutyShift.objects.filter(
        starts_at__lte=moment, ends_at__gt=moment, person__is_active=True
    ).values("person_id")
    return User.objects.filter(pk__in=shift_people).order_by("role", "pk")


def desk_people(moment: datetime) -> list[User]:
    """Whom a new report is announced to first: the section's editors in office hours; the
    person on duty outside them (every duty officer if the roster has a gap)."""
    if route(moment).desk == Desk.SECTION:
        return list(User.objects.filter(role__in=SECTION_DESK, is_active=True).order_by("pk"))
    people = list(on_duty(moment))
    if not people:
        people = list(User.objects.filter(role=DUTY_DESK, is_active=True).order_by("pk"))
    return people


def years_without_calendar(*years: int) -> list[int]:
    known = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    return [y for y in years if y not in known]
