"""Writes to the calendar, office hours and roster: all or nothing, each with an audit entry."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.actions import verify_chain
from audit.models import AuditEntry
from org import actions
from org.actions import ActionError
from org.models import CalendarYear, DayKind, DutyShift, OfficeHours, OfficialDay
from org.roles import Role
from org.schedule import week_start
from tests.clock import (
    NATIONAL_DAY,
    PINNED,
    SATURDAY,
    SWAPPED_WORKDAY,
    THIS_MONDAY,
    TODAY,
    UNKNOWN_YEAR,
    YEAR,
    days_before,
    next_weekday,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# A year the official calendar does not know, and the weekend after its National Day week.
NEW_SATURDAY = next_weekday(date(UNKNOWN_YEAR, 10, 8), SATURDAY)
NEW_FRIDAY = NEW_SATURDAY - timedelta(days=1)
PUBLISHED_ON = days_before(11)

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLIDAY, WORKDAY = DayKind.HOLIDAY, DayKind.WORKDAY
OCT_1, OCT_7 = date(UNKNOWN_YEAR, 10, 1), date(UNKNOWN_YEAR, 10, 7)


def local(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=SHANGHAI)


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


# --- the official calendar ---------------------------------------------------------------------


def test_a_range_enters_every_day_in_it(system_admin):
    actions.do_add_official_days(system_admin, OCT_1, OCT_7, HOLIDAY, " 国庆节 ")
    days = OfficialDay.objects.filter(date__year=UNKNOWN_YEAR)
    assert [d.date.day for d in days] == [1, 2, 3, 4, 5, 6, 7]
    assert {(d.kind, d.name) for d in days} == {(HOLIDAY, "国庆节")}
    entry = AuditEntry.objects.get(action="official_days_added")
    assert (entry.actor, entry.data["name"], len(entry.data["dates"])) == (
        system_admin,
        "国庆节",
        7,
    )
    assert verify_chain() is None


@pytest.mark.parametrize(
    ("start", "end", "kind", "name"),
    [
        (OCT_7, OCT_1, HOLIDAY, "国庆节"),  # ends before it starts
        (date(UNKNOWN_YEAR, 1, 1), date(UNKNOWN_YEAR, 2, 1), HOLIDAY, "春节"),  # 32 days
        (
            NEW_FRIDAY,
            NEW_SATURDAY,
            WORKDAY,
            "国庆节",
        ),  # a Friday as a workday
        (NATIONAL_DAY, NATIONAL_DAY, HOLIDAY, "国庆节"),  # already entered
        (SWAPPED_WORKDAY, SWAPPED_WORKDAY, HOLIDAY, "国庆节"),  # already a workday
        (OCT_1, OCT_7, HOLIDAY, "  "),  # no name
        (OCT_1, OCT_7, "weekend", "国庆节"),  # no such kind
    ],
)
def test_bad_calendar_input_writes_nothing(system_admin, start, end, kind, name):
    before = OfficialDay.objects.count()
    with pytest.raises(ActionError):
        actions.do_add_official_days(system_admin, start, end, kind, name)
    assert OfficialDay.objects.count() == before
    assert audit_actions() == []


def test_a_range_overlapping_one_entered_day_enters_none(system_admin):
    actions.do_add_official_days(
        system_admin, date(UNKNOWN_YEAR, 10, 3), date(UNKNOWN_YEAR, 10, 3), HOLIDAY, "x"
    )
    with pytest.raises(ActionError):
        actions.do_add_official_days(system_admin, OCT_1, OCT_7, HOLIDAY, "国庆节")
    assert OfficialDay.objects.filter(date__year=UNKNOWN_YEAR).count() == 1


def test_only_the_system_administrator_edits_the_calendar(duty_officer, chief):
    for person in (duty_officer, chief):
        with pytest.raises(PermissionDenied):
            actions.do_add_official_days(person, OCT_1, OCT_7, HOLIDAY, "国庆节")
    assert not OfficialDay.objects.filter(date__year=UNKNOWN_YEAR).exists()


def test_a_day_can_be_removed(system_admin):
    day = OfficialDay.objects.get(date=SWAPPED_WORKDAY)
    actions.do_remove_official_day(system_admin, day.pk)
    assert not OfficialDay.objects.filter(date=SWAPPED_WORKDAY).exists()
    assert AuditEntry.objects.get(action="official_day_removed").data["kind"] == WORKDAY


def test_removing_a_removed_day_says_so(system_admin):
    with pytest.raises(ActionError):
        actions.do_remove_official_day(system_admin, 0)


NUMBER = "国办发明电〔2099〕7号"


def enter_six_other_holidays(system_admin):
    """元旦 to 中秋节, one day each, on the first weekdays of the first six months."""
    names = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节")
    for month, name in enumerate(names, start=1):
        day = next_weekday(date(UNKNOWN_YEAR, month, 1), 2)  # a Wednesday
        actions.do_add_official_days(system_admin, day, day, HOLIDAY, name)


def test_publishing_a_year_records_who_entered_it(system_admin):
    enter_six_other_holidays(system_admin)
    actions.do_add_official_days(system_admin, OCT_1, OCT_7, HOLIDAY, "国庆节")
    actions.do_publish_calendar_year(system_admin, UNKNOWN_YEAR, PUBLISHED_ON, NUMBER)
    year = CalendarYear.objects.get(year=UNKNOWN_YEAR)
    assert (year.source, year.published_on) == ("entered by sysadmin", PUBLISHED_ON)
    assert year.notice_number == NUMBER
    data = AuditEntry.objects.get(action="calendar_year_published").data
    assert (data["holidays"], data["notice_number"]) == (6 + 7, NUMBER)


def test_a_year_without_holidays_cannot_be_published(system_admin):
    with pytest.raises(ActionError):
        actions.do_publish_calendar_year(system_admin, UNKNOWN_YEAR, PUBLISHED_ON, NUMBER)
    assert not CalendarYear.objects.filter(year=UNKNOWN_YEAR).exists()


def test_a_year_missing_one_holiday_cannot_be_published(system_admin):
    enter_six_other_holidays(system_admin)
    with pytest.raises(ActionError, match="国庆节"):
        actions.do_publish_calendar_year(system_admin, UNKNOWN_YEAR, PUBLISHED_ON, NUMBER)
    assert not CalendarYear.objects.filter(year=UNKNOWN_YEAR).exists()


def test_mid_autumn_and_national_day_merged_count_as_both(system_admin):
    enter_six_other_holidays(system_admin)
    OfficialDay.objects.filter(name="中秋节").update(name="春节")
    actions.do_add_official_days(system_admin, OCT_1, OCT_7, HOLIDAY, "中秋节、国庆节")
    actions.do_publish_calendar_year(system_admin, UNKNOWN_YEAR, PUBLISHED_ON, NUMBER)
    assert CalendarYear.objects.filter(year=UNKNOWN_YEAR).exists()


def test_a_year_needs_its_notice_number(system_admin):
    enter_six_other_holidays(system_admin)
    actions.do_add_official_days(system_admin, OCT_1, OCT_7, HOLIDAY, "国庆节")
    with pytest.raises(ActionError):
        actions.do_publish_calendar_year(system_admin, UNKNOWN_YEAR, PUBLISHED_ON, "7号")
    assert not CalendarYear.objects.filter(year=UNKNOWN_YEAR).exists()


def test_a_year_is_published_once(system_admin):
    with pytest.raises(ActionError):
        actions.do_publish_calendar_year(system_admin, YEAR, PUBLISHED_ON, NUMBER)
    assert audit_actions() == []


def test_office_hours_are_saved_with_before_and_after(system_admin):
    actions.do_set_office_hours(system_admin, time(9), time(12), time(13, 30), time(18))
    assert OfficeHours.current().afternoon_end == time(18)
    entry = AuditEntry.objects.get(action="office_hours_changed")
    assert (entry.data["before"]["morning_start"], entry.data["after"]["morning_start"]) == (
        "08:30",
        "09:00",
    )


def test_office_hours_out_of_order_are_refused(system_admin):
    with pytest.raises(ActionError):
        actions.do_set_office_hours(system_admin, time(9), time(15), time(14), time(18))
    assert OfficeHours.current().morning_end == time(12)
    assert audit_actions() == []


# --- the duty roster ---------------------------------------------------------------------------

SOON = PINNED + timedelta(days=1)


def add(actor, person, starts=SOON, hours=15, **fields):
    return actions.do_add_duty_shift(
        actor, person, starts, starts + timedelta(hours=hours), **fields
    )


def test_a_shift_is_added_and_audited(duty_officer, chief):
    shift = add(duty_officer, chief, is_leader=True, note="带班")
    assert (shift.person, shift.is_leader, shift.note) == (chief, True, "带班")
    entry = AuditEntry.objects.get(action="duty_shift_added")
    assert (entry.actor, entry.data["person"], entry.data["is_leader"]) == (
        duty_officer,
        "chief",
        True,
    )


def test_one_person_cannot_be_on_two_shifts_at_once(duty_officer):
    add(duty_officer, duty_officer)
    with pytest.raises(ActionError):
        add(duty_officer, duty_officer, starts=SOON + timedelta(hours=14))
    assert DutyShift.objects.count() == 1
    assert audit_actions() == ["duty_shift_added"]


def test_the_next_shift_may_start_when_the_last_one_ends(duty_officer):
    add(duty_officer, duty_officer, hours=9)
    add(duty_officer, duty_officer, starts=SOON + timedelta(hours=9))
    assert DutyShift.objects.count() == 2


def test_two_people_may_share_a_shift(duty_officer, chief):
    add(duty_officer, duty_officer)
    add(duty_officer, chief, is_leader=True)
    assert DutyShift.objects.count() == 2


@pytest.mark.parametrize("hours", [0, -1, 73])
def test_a_shift_must_have_a_sane_length(duty_officer, hours):
    with pytest.raises(ActionError):
        add(duty_officer, duty_officer, hours=hours)
    assert not DutyShift.objects.exists()


def test_an_information_officer_cannot_be_put_on_duty(duty_officer, officer_a):
    with pytest.raises(ActionError):
        add(duty_officer, officer_a)
    assert not DutyShift.objects.exists()


def test_only_the_duty_office_and_the_chief_edit_the_roster(editor, system_admin, duty_officer):
    for person in (editor, system_admin):
        with pytest.raises(PermissionDenied):
            add(person, duty_officer)
    assert not DutyShift.objects.exists()


def test_a_future_shift_can_be_deleted(duty_officer):
    shift = add(duty_officer, duty_officer)
    actions.do_delete_duty_shift(duty_officer, shift.pk)
    assert not DutyShift.objects.exists()
    assert AuditEntry.objects.get(action="duty_shift_deleted").data["person"] == "duty"


def test_a_started_shift_stays_on_the_record(duty_officer):
    started = DutyShift.objects.create(
        person=duty_officer,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=8),
    )
    with pytest.raises(ActionError):
        actions.do_delete_duty_shift(duty_officer, started.pk)
    assert DutyShift.objects.filter(pk=started.pk).exists()


# --- repeating last week -------------------------------------------------------------------------

NEXT_MONDAY = week_start(TODAY) + timedelta(days=7)


def on(day: date, clock: str, person, hours: int = 15, **fields) -> DutyShift:
    starts = local(day, clock)
    return DutyShift.objects.create(
        person=person, starts_at=starts, ends_at=starts + timedelta(hours=hours), **fields
    )


def test_repeating_copies_the_week_before_a_week_later(duty_officer, chief):
    this_monday = NEXT_MONDAY - timedelta(days=7)
    on(this_monday + timedelta(days=2), "17:30", duty_officer, note="夜班")
    on(this_monday + timedelta(days=5), "08:30", chief, hours=24, is_leader=True)
    result = actions.do_repeat_week(duty_officer, NEXT_MONDAY)
    assert (result.copied, result.skipped) == (2, 0)
    copies = DutyShift.objects.filter(starts_at__gte=local(NEXT_MONDAY, "00:00"))
    assert sorted((s.starts_at, s.person, s.is_leader, s.note) for s in copies) == [
        (local(NEXT_MONDAY + timedelta(days=2), "17:30"), duty_officer, False, "夜班"),
        (local(NEXT_MONDAY + timedelta(days=5), "08:30"), chief, True, ""),
    ]
    assert len(AuditEntry.objects.get(action="duty_week_repeated").data["copied"]) == 2


def test_repeating_twice_copies_nothing_the_second_time(duty_officer):
    on(NEXT_MONDAY - timedelta(days=4), "17:30", duty_officer)
    actions.do_repeat_week(duty_officer, NEXT_MONDAY)
    result = actions.do_repeat_week(duty_officer, NEXT_MONDAY)
    assert (result.copied, result.skipped) == (0, 1)
    assert DutyShift.objects.count() == 2


def test_repeating_skips_a_shift_that_would_overlap(duty_officer):
    wednesday = NEXT_MONDAY - timedelta(days=5)
    on(wednesday, "17:30", duty_officer)
    on(wednesday + timedelta(days=7), "20:00", duty_officer)  # entered by hand already
    result = actions.do_repeat_week(duty_officer, NEXT_MONDAY)
    assert (result.copied, result.skipped) == (0, 1)


def test_repeating_skips_a_shift_that_would_start_in_the_past(duty_officer):
    monday = THIS_MONDAY - timedelta(days=7)
    on(monday - timedelta(days=7), "17:30", duty_officer)
    on(monday - timedelta(days=4), "17:30", duty_officer)
    thursday_noon = local(monday + timedelta(days=3), "12:00")
    result = actions.do_repeat_week(duty_officer, monday, now=thursday_noon)
    assert (result.copied, result.skipped) == (1, 1)
    assert DutyShift.objects.filter(starts_at__gt=thursday_noon).count() == 1


def test_repeating_skips_people_who_left(duty_officer, section):
    gone = make_user(Role.DUTY_OFFICER, section.parent, is_active=False)
    on(NEXT_MONDAY - timedelta(days=5), "17:30", gone)
    result = actions.do_repeat_week(duty_officer, NEXT_MONDAY)
    assert (result.copied, result.skipped) == (0, 1)
    assert audit_actions() == []
