"""Read side of the working calendar and the duty roster pages: a fixed number of queries per
page, whatever the number of days or shifts."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet

from org.calendar import Calendar
from org.duty import LOCAL
from org.models import CalendarYear, DutyShift, OfficialDay, User
from org.roles import Capability, roles_with

# The roster page shows this many weeks from the one asked for.
WEEKS_SHOWN = 2
# Year tabs on the calendar page: this many years back from the current one; older known
# years are listed apart.
RECENT_YEARS = 2
# ...and this many years ahead, entered or not.
YEARS_AHEAD = 2


def roster_people() -> QuerySet[User]:
    """Who may be put on the roster: the duty office, and the office's people who take turns
    as leader on duty (带班领导) or stand in for the duty officer."""
    return User.objects.filter(role__in=roles_with(Capability.STAND_DUTY), is_active=True).order_by(
        "role", "full_name"
    )


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL)


# --- the duty roster ------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftRow:
    shift: DutyShift
    starts: datetime  # local
    ends: datetime  # local
    ends_another_day: bool
    deletable: bool  # not started yet: the past is the record of who was on duty


@dataclass(frozen=True)
class RosterDay:
    day: date
    is_working_day: bool
    official_kind: str  # HOLIDAY, WORKDAY or "" for an ordinary day
    official_name: str
    shifts: list[ShiftRow]


@dataclass(frozen=True)
class RosterWeek:
    monday: date
    days: list[RosterDay]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def _shift_row(shift: DutyShift, now: datetime) -> ShiftRow:
    starts = shift.starts_at.astimezone(LOCAL)
    ends = shift.ends_at.astimezone(LOCAL)
    return ShiftRow(shift, starts, ends, ends.date() != starts.date(), shift.starts_at > now)


def roster_weeks(first_monday: date, now: datetime) -> list[RosterWeek]:
    """The shifts of WEEKS_SHOWN weeks, each under the local day it starts on."""
    days = [first_monday + timedelta(days=n) for n in range(7 * WEEKS_SHOWN)]
    shifts = DutyShift.objects.filter(
        starts_at__gte=local_midnight(days[0]),
        starts_at__lt=local_midnight(days[-1] + timedelta(days=1)),
    ).select_related("person")
    by_day: dict[date, list[ShiftRow]] = {d: [] for d in days}
    for shift in shifts:
        row = _shift_row(shift, now)
        by_day[row.starts.date()].append(row)
    official = {
        day: (kind, name)
        for day, kind, name in OfficialDay.objects.filter(
            date__range=(days[0], days[-1])
        ).values_list("date", "kind", "name")
    }
    # Only these days' overrides matter for whether each of them is a working day.
    calendar = Calendar({d: kind for d, (kind, _name) in official.items()}, known_years=set())
    roster = [_roster_day(d, by_day[d], calendar, official.get(d, ("", ""))[1]) for d in days]
    return [RosterWeek(days[n], roster[n : n + 7]) for n in range(0, len(days), 7)]


def _roster_day(day: date, shifts: list[ShiftRow], calendar: Calendar, name: str) -> RosterDay:
    kind = calendar.overrides.get(day, "")
    return RosterDay(day, calendar.is_working_day(day), kind, name, shifts)


def shifts_now(now: datetime) -> list[ShiftRow]:
    shifts = DutyShift.objects.filter(
        starts_at__lte=now, ends_at__gt=now, person__is_active=True
    ).select_related("person")
    # The duty officer first, the leader on duty after.
    return [_shift_row(s, now) for s in sorted(shifts, key=lambda s: (s.is_leader, s.starts_at))]


# --- the official calendar ------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarRun:
    """Consecutive days of one kind and name: 国庆节 10-01..10-07 is one run."""

    kind: str
    name: str
    days: list[OfficialDay]

    @property
    def first(self) -> date:
        return self.days[0].date

    @property
    def last(self) -> date:
        return self.days[-1].date


def calendar_runs(year: int) -> list[CalendarRun]:
    runs: list[CalendarRun] = []
    for day in OfficialDay.objects.filter(date__year=year).order_by("date"):
        last = runs[-1] if runs else None
        if (
            last is not None
            and (last.kind, last.name) == (day.kind, day.name)
            and day.date - last.last == timedelta(days=1)
        ):
            last.days.append(day)
        else:
            runs.append(CalendarRun(day.kind, day.name, [day]))
    return runs


@dataclass(frozen=True)
class YearTab:
    year: int
    entered: bool


@dataclass(frozen=True)
class YearTabs:
    recent: list[YearTab]
    earlier: list[int]


def year_tabs(today: date, entered: set[int]) -> YearTabs:
    """Tabs for the recent known years and the years ahead; older known years apart."""
    first = today.year - RECENT_YEARS
    last = max([today.year + YEARS_AHEAD, *entered])
    recent = [YearTab(y, y in entered) for y in range(first, last + 1)]
    return YearTabs(recent, sorted((y for y in entered if y < first), reverse=True))


def entered_years() -> set[int]:
    return set(CalendarYear.objects.values_list("year", flat=True))
