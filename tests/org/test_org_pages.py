"""The working calendar and duty roster screens: who reaches them, what they write, what they
refuse, and the warning when a year's calendar is missing."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from org.models import CalendarYear, DutyShift, OfficeHours, OfficialDay
from org.schedule import week_start, years_to_check
from tests.clock import (
    SATURDAY,
    SWAPPED_WORKDAY,
    TODAY,
    UNKNOWN_YEAR,
    YEAR,
    days_before,
    next_weekday,
)
from tests.factories import PERSONAS

pytestmark = pytest.mark.django_db

# A year the official calendar does not know, and the weekend after its National Day week.
NEW_SATURDAY = next_weekday(date(UNKNOWN_YEAR, 10, 8), SATURDAY)
NEW_FRIDAY = NEW_SATURDAY - timedelta(days=1)
PUBLISHED_ON = days_before(11)

CALENDAR = reverse("org:calendar")
DUTY = reverse("org:duty")
ADD_DAYS = reverse("org:calendar_add")
PUBLISH = reverse("org:calendar_publish")
HOURS = reverse("org:calendar_hours")
ADD_SHIFT = reverse("org:duty_add")
REPEAT = reverse("org:duty_repeat")

NEW_NATIONAL_DAY = {
    "start": f"{UNKNOWN_YEAR}-10-01",
    "end": f"{UNKNOWN_YEAR}-10-07",
    "kind": "holiday",
    "name": "国庆节",
}
TOMORROW = TODAY + timedelta(days=1)


def shift_post(person, **overrides):
    data = {
        "person": person.pk,
        "starts_at": f"{TOMORROW}T17:30",
        "ends_at": f"{TOMORROW + timedelta(days=1)}T08:30",
    }
    data.update(overrides)
    return data


def written():
    """Audit entries other than the test client's log-ins."""
    return AuditEntry.objects.exclude(action__in=["login", "logout"])


def page(response) -> str:
    return response.content.decode()


# --- who reaches what ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_system_administrator_reaches_the_calendar(persona, personas, client_of):
    client = client_of(personas[persona])
    expected = 200 if persona == "system_admin" else 403
    assert client.get(CALENDAR).status_code == expected
    assert client.post(ADD_DAYS, NEW_NATIONAL_DAY).status_code == (
        302 if persona == "system_admin" else 403
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_duty_office_and_the_chief_reach_the_roster(persona, personas, client_of):
    user = personas[persona]
    allowed = persona in ("duty_officer", "chief")
    assert client_of(user).get(DUTY).status_code == (200 if allowed else 403)
    response = client_of(user).post(ADD_SHIFT, shift_post(personas["duty_officer"]))
    assert response.status_code == (302 if allowed else 403)


def test_refused_writes_leave_nothing_behind(client_of, editor, duty_officer, system_admin):
    client_of(duty_officer).post(ADD_DAYS, NEW_NATIONAL_DAY)
    client_of(duty_officer).post(PUBLISH, {"year": YEAR, "published_on": str(PUBLISHED_ON)})
    client_of(duty_officer).post(HOURS, {"morning_start": "09:00"})
    client_of(system_admin).post(ADD_SHIFT, shift_post(duty_officer))
    client_of(editor).post(REPEAT, {"target": str(TOMORROW)})
    assert not OfficialDay.objects.filter(date__year=UNKNOWN_YEAR).exists()
    assert not DutyShift.objects.exists()
    assert not written().exists()


def test_the_menu_shows_each_page_to_its_people(client_of, duty_officer, system_admin, editor):
    assert f'href="{DUTY}"' in page(client_of(duty_officer).get(DUTY))
    assert f'href="{CALENDAR}"' in page(client_of(system_admin).get(CALENDAR))
    assert f'href="{DUTY}"' not in page(client_of(system_admin).get(CALENDAR))


# --- the working calendar --------------------------------------------------------------------


def test_the_calendar_lists_a_years_days_by_name(client_of, system_admin):
    html = page(client_of(system_admin).get(CALENDAR, {"year": YEAR}))
    assert "国庆节" in html
    assert str(SWAPPED_WORKDAY) in html


def test_a_year_ahead_has_a_tab_and_says_it_is_not_entered(client_of, system_admin):
    # Two years ahead, and one the official calendar package does not ship.
    year = max(timezone.localdate().year + 2, UNKNOWN_YEAR)
    html = page(client_of(system_admin).get(CALENDAR, {"year": year}))
    assert f'href="?year={year}"' in html
    assert reverse("org:calendar_publish") in html


def test_a_range_is_entered_in_one_go(client_of, system_admin):
    response = client_of(system_admin).post(ADD_DAYS, NEW_NATIONAL_DAY)
    assert response["Location"] == f"{CALENDAR}?year={UNKNOWN_YEAR}"
    assert OfficialDay.objects.filter(date__year=UNKNOWN_YEAR, name="国庆节").count() == 7
    assert AuditEntry.objects.filter(action="official_days_added", actor=system_admin).exists()


def test_a_single_day_needs_no_end(client_of, system_admin):
    data = {"start": str(NEW_SATURDAY), "kind": "workday", "name": "国庆节"}
    client_of(system_admin).post(ADD_DAYS, data)
    assert OfficialDay.objects.get(date=NEW_SATURDAY).kind == "workday"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"start": f"{UNKNOWN_YEAR}-10-07", "end": f"{UNKNOWN_YEAR}-10-01"},
            "结束日期早于开始日期",
        ),
        ({"start": f"{UNKNOWN_YEAR}-01-01", "end": f"{UNKNOWN_YEAR}-03-01"}, "31"),
        (
            {"start": str(NEW_FRIDAY), "end": str(NEW_FRIDAY), "kind": "workday"},
            str(NEW_FRIDAY),
        ),
        ({"start": str(SWAPPED_WORKDAY), "end": str(SWAPPED_WORKDAY)}, str(SWAPPED_WORKDAY)),
    ],
)
def test_bad_days_are_refused_in_chinese_and_nothing_is_written(
    client_of, system_admin, change, message
):
    before = OfficialDay.objects.count()
    response = client_of(system_admin).post(ADD_DAYS, {**NEW_NATIONAL_DAY, **change})
    assert response.status_code == 200
    assert message in page(response)
    assert "errors" in page(response)
    assert OfficialDay.objects.count() == before
    assert not written().exists()


def test_a_day_is_removed(client_of, system_admin):
    day = OfficialDay.objects.get(date=SWAPPED_WORKDAY)
    response = client_of(system_admin).post(reverse("org:calendar_remove"), {"day": day.pk})
    assert response["Location"] == f"{CALENDAR}?year={YEAR}"
    assert not OfficialDay.objects.filter(pk=day.pk).exists()
    assert AuditEntry.objects.filter(action="official_day_removed").exists()


def test_publishing_a_year(client_of, system_admin):
    client = client_of(system_admin)
    names = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
    rows = [
        f"{next_weekday(date(UNKNOWN_YEAR, m, 3), 2)},holiday,{n}" for m, n in enumerate(names, 1)
    ]
    client.post(
        reverse("org:calendar_import"),
        {"year": UNKNOWN_YEAR, "source": "csv", "text": "\n".join(rows), "confirm": "1"},
    )
    client.post(
        PUBLISH,
        {
            "year": UNKNOWN_YEAR,
            "published_on": str(PUBLISHED_ON),
            "notice_number": "国办发明电〔2099〕7号",
        },
    )
    entered = CalendarYear.objects.get(year=UNKNOWN_YEAR)
    assert (entered.source, entered.notice_number) == (
        "entered by sysadmin",
        "国办发明电〔2099〕7号",
    )
    assert "国办发明电〔2099〕7号" in client.get(f"{CALENDAR}?year={UNKNOWN_YEAR}").content.decode()


def test_publishing_an_empty_year_is_refused(client_of, system_admin):
    response = client_of(system_admin).post(
        PUBLISH, {"year": UNKNOWN_YEAR, "published_on": str(PUBLISHED_ON)}
    )
    assert response.status_code == 200
    assert not CalendarYear.objects.filter(year=UNKNOWN_YEAR).exists()


def test_office_hours_are_saved(client_of, system_admin):
    data = {
        "morning_start": "09:00",
        "morning_end": "12:00",
        "afternoon_start": "13:30",
        "afternoon_end": "18:00",
    }
    assert client_of(system_admin).post(HOURS, data).status_code == 302
    assert str(OfficeHours.current().morning_start) == "09:00:00"
    assert AuditEntry.objects.filter(action="office_hours_changed").exists()


def test_office_hours_out_of_order_are_refused(client_of, system_admin):
    data = {
        "morning_start": "12:00",
        "morning_end": "08:30",
        "afternoon_start": "14:00",
        "afternoon_end": "17:30",
    }
    response = client_of(system_admin).post(HOURS, data)
    assert response.status_code == 200
    assert str(OfficeHours.current().morning_start) == "08:30:00"
    assert not written().exists()


# --- the duty roster -------------------------------------------------------------------------


def test_the_roster_says_where_a_report_goes_now(client_of, duty_officer):
    html = page(client_of(duty_officer).get(DUTY))
    assert "信息科" in html or "值班室" in html


def test_the_roster_shows_who_is_on_duty_now(client_of, duty_officer, chief):
    now = timezone.now()
    DutyShift.objects.create(
        person=chief, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )
    html = page(client_of(duty_officer).get(DUTY))
    now_card = html[html.index('id="now"') : html.index("</section>", html.index('id="now"'))]
    assert chief.full_name in now_card


def test_a_shift_is_added_from_the_roster(client_of, duty_officer, chief):
    response = client_of(duty_officer).post(ADD_SHIFT, shift_post(chief, is_leader="on"))
    assert response.status_code == 302
    assert DutyShift.objects.get().is_leader
    assert AuditEntry.objects.filter(action="duty_shift_added", actor=duty_officer).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"ends_at": f"{TOMORROW}T17:30"},  # ends when it starts
        {"ends_at": f"{TOMORROW}T08:00"},  # ends before it starts
        {"starts_at": f"{TOMORROW}T20:00"},  # overlaps the existing shift
    ],
)
def test_bad_shifts_are_refused_and_nothing_is_written(client_of, duty_officer, change):
    client = client_of(duty_officer)
    client.post(ADD_SHIFT, shift_post(duty_officer))
    response = client.post(ADD_SHIFT, shift_post(duty_officer, **change))
    assert response.status_code == 200
    assert "errors" in page(response)
    assert DutyShift.objects.count() == 1
    assert written().count() == 1


def test_a_future_shift_is_deleted_from_the_roster(client_of, duty_officer):
    client = client_of(duty_officer)
    client.post(ADD_SHIFT, shift_post(duty_officer))
    shift = DutyShift.objects.get()
    assert client.post(reverse("org:duty_delete", args=[shift.pk])).status_code == 302
    assert not DutyShift.objects.exists()
    assert AuditEntry.objects.filter(action="duty_shift_deleted").exists()


def test_repeat_last_week_from_the_roster(client_of, duty_officer):
    next_monday = week_start(timezone.localdate()) + timedelta(days=7)
    starts = timezone.now() + timedelta(days=1)
    DutyShift.objects.create(
        person=duty_officer, starts_at=starts, ends_at=starts + timedelta(hours=15)
    )
    target = week_start(timezone.localtime(starts).date()) + timedelta(days=7)
    response = client_of(duty_officer).post(
        REPEAT, {"target": str(target), "week": str(next_monday)}
    )
    assert response["Location"] == f"{DUTY}?week={next_monday}"
    assert DutyShift.objects.filter(starts_at=starts + timedelta(days=7)).exists()


def test_the_roster_page_does_not_query_per_shift(client_of, duty_officer, chief):
    client = client_of(duty_officer)
    monday = timezone.make_aware(datetime.combine(week_start(timezone.localdate()), time(8)))

    def on_day(person, n: int) -> None:
        starts = monday + timedelta(days=n)
        DutyShift.objects.create(
            person=person, starts_at=starts, ends_at=starts + timedelta(hours=9)
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(DUTY).status_code == 200
        return len(ctx)

    queries()  # the first request creates the office hours row and warms the session
    on_day(chief, 0)
    one = queries()
    for n in range(1, 6):
        on_day(duty_officer, n)
    assert queries() == one


# --- the missing-calendar warning ------------------------------------------------------------


def _delete_this_year():
    CalendarYear.objects.filter(year=timezone.localdate().year).delete()


def _enter_every_year_checked():
    for year in years_to_check(timezone.localdate()):
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "test"})


def test_the_duty_officer_is_warned_when_this_years_calendar_is_missing(client_of, duty_officer):
    _delete_this_year()
    html = page(client_of(duty_officer).get(DUTY))
    assert "calendar-warning" in html
    assert f"{timezone.localdate().year}年的法定节假日安排尚未录入" in html


def test_no_warning_when_the_calendar_is_entered(client_of, duty_officer):
    _enter_every_year_checked()
    assert "calendar-warning" not in page(client_of(duty_officer).get(DUTY))


def test_the_system_administrator_is_warned_with_a_link_to_enter_it(client_of, system_admin):
    _delete_this_year()
    html = page(client_of(system_admin).get(CALENDAR))
    assert "calendar-warning" in html
    assert f"{CALENDAR}?year={timezone.localdate().year}" in html


def test_people_who_do_not_route_reports_are_not_warned(client_of, officer_a):
    _delete_this_year()
    assert "calendar-warning" not in page(client_of(officer_a).get(reverse("submissions:home")))


@pytest.mark.parametrize("week", ["nonsense", "0001-01-01", f"{YEAR}-13-01"])
def test_a_bad_week_shows_this_week(client_of, duty_officer, week):
    response = client_of(duty_officer).get(DUTY, {"week": week})
    assert response.status_code == 200
    assert response.context["monday"] == week_start(timezone.localdate())
