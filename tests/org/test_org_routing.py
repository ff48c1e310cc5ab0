"""Routing, who is on duty and whom a report is announced to, against the seeded calendar."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from org import actions
from org.duty import Desk, desk_people, on_duty, route, years_without_calendar
from org.models import CalendarYear, DayKind, DutyShift, OfficeHours, OfficialDay
from org.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=SHANGHAI)


TUESDAY = date(2026, 11, 24)


def shift(person, starts: datetime, hours: int = 15, **fields) -> DutyShift:
    return DutyShift.objects.create(
        person=person, starts_at=starts, ends_at=starts + timedelta(hours=hours), **fields
    )


# --- the seeded calendar ---------------------------------------------------------------------


def test_the_migration_seeds_2004_to_2026():
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(range(2004, 2027)) <= years
    assert 2027 not in years


def test_the_seed_has_national_day_and_its_swapped_saturday():
    assert OfficialDay.objects.get(date=date(2026, 10, 1)).kind == DayKind.HOLIDAY
    assert OfficialDay.objects.get(date=date(2026, 10, 10)).kind == DayKind.WORKDAY
    assert OfficialDay.objects.get(date=date(2026, 10, 1)).name == "国庆节"


# --- route ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "desk"),
    [
        (local(TUESDAY, "10:00"), Desk.SECTION),
        (local(TUESDAY, "12:30"), Desk.DUTY),
        (local(TUESDAY, "19:00"), Desk.DUTY),
        (local(date(2026, 11, 28), "10:00"), Desk.DUTY),  # Saturday
        (local(date(2026, 10, 1), "10:00"), Desk.DUTY),  # National Day, a Thursday
        (local(date(2026, 10, 10), "10:00"), Desk.SECTION),  # swapped working Saturday
    ],
)
def test_a_report_goes_to_the_desk_the_calendar_says(moment, desk):
    assert route(moment).desk == desk
    assert route(moment).calendar_known


def test_route_reads_a_utc_moment_in_shanghai_time():
    assert route(datetime(2026, 11, 24, 2, 0, tzinfo=ZoneInfo("UTC"))).desk == Desk.SECTION
    assert route(datetime(2026, 11, 24, 11, 0, tzinfo=ZoneInfo("UTC"))).desk == Desk.DUTY


def test_office_hours_are_data():
    OfficeHours.objects.update_or_create(pk=1, defaults={"afternoon_end": time(18, 0)})
    assert route(local(TUESDAY, "17:45")).desk == Desk.SECTION


def test_2027_falls_back_to_weekends_and_says_so():
    tuesday, saturday = date(2027, 10, 5), date(2027, 10, 9)
    assert route(local(tuesday, "10:00")).desk == Desk.SECTION
    assert route(local(saturday, "10:00")).desk == Desk.DUTY
    assert not route(local(tuesday, "10:00")).calendar_known
    assert years_without_calendar(2026, 2027) == [2027]


def test_once_2027_is_published_its_holidays_go_to_the_duty_office(system_admin):
    national_day = date(2027, 10, 1)  # a Friday
    assert route(local(national_day, "10:00")).desk == Desk.SECTION
    actions.do_add_official_days(
        system_admin, national_day, date(2027, 10, 7), DayKind.HOLIDAY, "国庆节"
    )
    actions.do_publish_calendar_year(system_admin, 2027, date(2026, 11, 20))
    assert route(local(national_day, "10:00")).desk == Desk.DUTY
    assert route(local(national_day, "10:00")).calendar_known
    assert years_without_calendar(2027) == []


# --- who is on duty ---------------------------------------------------------------------------


def test_on_duty_is_whoever_has_a_shift_covering_the_moment(duty_officer, chief):
    shift(duty_officer, local(TUESDAY, "17:30"))
    shift(chief, local(TUESDAY, "17:30"), is_leader=True)
    assert set(on_duty(local(TUESDAY, "23:00"))) == {duty_officer, chief}
    assert list(on_duty(local(TUESDAY, "17:29"))) == []


def test_a_shift_ends_at_its_end(duty_officer):
    night = shift(duty_officer, local(TUESDAY, "17:30"))
    assert list(on_duty(night.ends_at - timedelta(minutes=1))) == [duty_officer]
    assert list(on_duty(night.ends_at)) == []


def test_a_deactivated_person_is_not_on_duty(duty_officer):
    shift(duty_officer, local(TUESDAY, "17:30"))
    duty_officer.is_active = False
    duty_officer.save(update_fields=["is_active"])
    assert list(on_duty(local(TUESDAY, "23:00"))) == []


# --- whom a new report is announced to first --------------------------------------------------


def test_in_office_hours_the_section_is_told(editor, chief, duty_officer):
    assert set(desk_people(local(TUESDAY, "10:00"))) == {editor, chief}


def test_out_of_hours_the_person_on_duty_is_told(duty_officer, section):
    other = make_user(Role.DUTY_OFFICER, section.parent)
    shift(duty_officer, local(TUESDAY, "17:30"))
    assert desk_people(local(TUESDAY, "23:00")) == [duty_officer]
    assert other not in desk_people(local(TUESDAY, "23:00"))


def test_a_gap_in_the_roster_tells_every_duty_officer(duty_officer, section):
    other = make_user(Role.DUTY_OFFICER, section.parent)
    assert set(desk_people(local(TUESDAY, "23:00"))) == {duty_officer, other}
