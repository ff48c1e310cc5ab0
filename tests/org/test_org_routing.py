"""Routing, who is on duty and whom a report is announced to, against the seeded calendar."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from org import actions
from org.duty import Desk, desk_people, on_duty, route, years_without_calendar
from org.models import CalendarYear, DayKind, DutyShift, OfficeHours, OfficialDay
from org.roles import Role
from tests.clock import (
    LAST_SATURDAY,
    MONDAY,
    NATIONAL_DAY,
    SATURDAY,
    SWAPPED_WORKDAY,
    THIS_MONDAY,
    TUESDAY,
    UNKNOWN_YEAR,
    WEEKDAY_HOLIDAY,
    YEAR,
    days_before,
    next_weekday,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=SHANGHAI)


A_TUESDAY = THIS_MONDAY - timedelta(days=6)  # an ordinary working Tuesday


def shift(person, starts: datetime, hours: int = 15, **fields) -> DutyShift:
    return DutyShift.objects.create(
        person=person, starts_at=starts, ends_at=starts + timedelta(hours=hours), **fields
    )


# --- the seeded calendar ---------------------------------------------------------------------


def test_the_migration_seeds_every_year_the_package_ships():
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(range(2004, UNKNOWN_YEAR)) <= years  # 2004: the package's first year, fixed
    assert UNKNOWN_YEAR not in years


def test_the_seed_has_national_day_and_its_swapped_saturday():
    assert OfficialDay.objects.get(date=NATIONAL_DAY).kind == DayKind.HOLIDAY
    assert OfficialDay.objects.get(date=SWAPPED_WORKDAY).kind == DayKind.WORKDAY
    assert OfficialDay.objects.get(date=NATIONAL_DAY).name == "国庆节"


# --- route ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "desk"),
    [
        (local(A_TUESDAY, "10:00"), Desk.SECTION),
        (local(A_TUESDAY, "12:30"), Desk.DUTY),
        (local(A_TUESDAY, "19:00"), Desk.DUTY),
        (local(LAST_SATURDAY, "10:00"), Desk.DUTY),  # Saturday
        (local(WEEKDAY_HOLIDAY, "10:00"), Desk.DUTY),  # a National Day holiday on a weekday
        (local(SWAPPED_WORKDAY, "10:00"), Desk.SECTION),  # swapped working weekend day
    ],
)
def test_a_report_goes_to_the_desk_the_calendar_says(moment, desk):
    assert route(moment).desk == desk
    assert route(moment).calendar_known


def test_route_reads_a_utc_moment_in_shanghai_time():
    utc = ZoneInfo("UTC")
    assert route(datetime.combine(A_TUESDAY, time(2, 0), tzinfo=utc)).desk == Desk.SECTION
    assert route(datetime.combine(A_TUESDAY, time(11, 0), tzinfo=utc)).desk == Desk.DUTY


def test_office_hours_are_data():
    OfficeHours.objects.update_or_create(pk=1, defaults={"afternoon_end": time(18, 0)})
    assert route(local(A_TUESDAY, "17:45")).desk == Desk.SECTION


def test_a_year_the_calendar_does_not_know_falls_back_to_weekends_and_says_so():
    tuesday = next_weekday(date(UNKNOWN_YEAR, 10, 1), TUESDAY)  # in National Day week
    saturday = tuesday + timedelta(days=4)
    assert route(local(tuesday, "10:00")).desk == Desk.SECTION
    assert route(local(saturday, "10:00")).desk == Desk.DUTY
    assert not route(local(tuesday, "10:00")).calendar_known
    assert years_without_calendar(YEAR, UNKNOWN_YEAR) == [UNKNOWN_YEAR]


def test_once_a_new_year_is_published_its_holidays_go_to_the_duty_office(system_admin):
    national_day = date(UNKNOWN_YEAR, 10, 1)
    if national_day.weekday() >= SATURDAY:  # a holiday that would otherwise be a working day
        national_day = next_weekday(national_day, MONDAY)
    assert route(local(national_day, "10:00")).desk == Desk.SECTION
    actions.do_add_official_days(
        system_admin,
        date(UNKNOWN_YEAR, 10, 1),
        date(UNKNOWN_YEAR, 10, 7),
        DayKind.HOLIDAY,
        "国庆节",
    )
    # The other six holidays, one day each, in the first six months (publishing needs all seven).
    for month, name in enumerate(("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节"), 1):
        day = date(UNKNOWN_YEAR, month, 10)
        actions.do_add_official_days(system_admin, day, day, DayKind.HOLIDAY, name)
    # Entered but not published: a draft, routed as a plain weekday.
    assert route(local(national_day, "10:00")).desk == Desk.SECTION
    actions.do_publish_calendar_year(
        system_admin, UNKNOWN_YEAR, days_before(11), "国办发明电〔2099〕7号"
    )
    assert route(local(national_day, "10:00")).desk == Desk.DUTY
    assert route(local(national_day, "10:00")).calendar_known
    assert years_without_calendar(UNKNOWN_YEAR) == []


# --- who is on duty ---------------------------------------------------------------------------


def test_on_duty_is_whoever_has_a_shift_covering_the_moment(duty_officer, chief):
    shift(duty_officer, local(A_TUESDAY, "17:30"))
    shift(chief, local(A_TUESDAY, "17:30"), is_leader=True)
    assert set(on_duty(local(A_TUESDAY, "23:00"))) == {duty_officer, chief}
    assert list(on_duty(local(A_TUESDAY, "17:29"))) == []


def test_a_shift_ends_at_its_end(duty_officer):
    night = shift(duty_officer, local(A_TUESDAY, "17:30"))
    assert list(on_duty(night.ends_at - timedelta(minutes=1))) == [duty_officer]
    assert list(on_duty(night.ends_at)) == []


def test_a_deactivated_person_is_not_on_duty(duty_officer):
    shift(duty_officer, local(A_TUESDAY, "17:30"))
    duty_officer.is_active = False
    duty_officer.save(update_fields=["is_active"])
    assert list(on_duty(local(A_TUESDAY, "23:00"))) == []


# --- whom a new report is announced to first --------------------------------------------------


def test_in_office_hours_the_section_is_told(editor, chief, duty_officer):
    assert set(desk_people(local(A_TUESDAY, "10:00"))) == {editor, chief}


def test_out_of_hours_the_person_on_duty_is_told(duty_officer, section):
    other = make_user(Role.DUTY_OFFICER, section.parent)
    shift(duty_officer, local(A_TUESDAY, "17:30"))
    assert desk_people(local(A_TUESDAY, "23:00")) == [duty_officer]
    assert other not in desk_people(local(A_TUESDAY, "23:00"))


def test_a_gap_in_the_roster_tells_every_duty_officer(duty_officer, section):
    other = make_user(Role.DUTY_OFFICER, section.parent)
    assert set(desk_people(local(A_TUESDAY, "23:00"))) == {duty_officer, other}
