"""Entering a year from the State Council's notice or a CSV (preview, then confirm), drafts that
route nothing until published, working-day deadlines and summer/winter office hours."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from org import actions
from org.actions import ActionError
from org.duty import Desk, office_closes, route, working_days_due
from org.models import CalendarYear, DayKind, OfficeHoursPeriod, OfficialDay
from org.notice import parse_csv
from org.schedule import PeriodInput
from tests.clock import MONDAY, TODAY, UNKNOWN_YEAR, local, next_weekday

pytestmark = pytest.mark.django_db

CALENDAR = reverse("org:calendar")
IMPORT = reverse("org:calendar_import")
NUMBER = "国办发明电〔2099〕7号"

# A made-up notice for the year nobody has entered, in the notice's wording: the week from the
# first Monday of October is off (Monday to Friday), and the Saturday after it is worked.
OCT_MONDAY = next_weekday(date(UNKNOWN_YEAR, 10, 1), MONDAY)
OCT_SATURDAY = OCT_MONDAY + timedelta(days=5)
OTHERS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节")


def csv_year() -> str:
    rows = ["date,kind,name"]
    for month, name in enumerate(OTHERS, start=1):
        rows.append(f"{next_weekday(date(UNKNOWN_YEAR, month, 3), 2)},放假,{name}")
    for n in range(5):
        rows.append(f"{OCT_MONDAY + timedelta(days=n)},放假,国庆节")
    rows.append(f"{OCT_SATURDAY},上班,国庆节")
    return "\n".join(rows)


def import_csv(client, confirm: bool):
    data = {"year": UNKNOWN_YEAR, "source": "csv", "text": csv_year()}
    if confirm:
        data["confirm"] = "1"
    return client.post(IMPORT, data)


def test_reading_a_csv_shows_the_days_and_saves_nothing(client_of, system_admin):
    response = import_csv(client_of(system_admin), confirm=False)
    html = response.content.decode()
    assert response.status_code == 200
    assert OCT_SATURDAY.isoformat() in html and "国庆节" in html
    assert not OfficialDay.objects.filter(date__year=UNKNOWN_YEAR).exists()
    assert not AuditEntry.objects.filter(action="official_days_imported").exists()


def test_confirming_saves_every_day_with_one_audit_entry(client_of, system_admin):
    response = import_csv(client_of(system_admin), confirm=True)
    assert response.status_code == 302
    days = OfficialDay.objects.filter(date__year=UNKNOWN_YEAR)
    assert days.count() == 6 + 5 + 1
    assert days.get(date=OCT_SATURDAY).kind == DayKind.WORKDAY
    entry = AuditEntry.objects.get(action="official_days_imported")
    assert len(entry.data["dates"]) == 12


def test_a_notice_that_cannot_be_read_saves_nothing_and_says_why_in_chinese(
    client_of, system_admin
):
    client = client_of(system_admin)
    client.cookies["django_language"] = "zh-hans"
    text = "一、元旦：1月1日至3日放假调休，共4天。"
    data = {"year": UNKNOWN_YEAR, "source": "notice", "text": text, "confirm": "1"}
    response = client.post(IMPORT, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "未作任何保存" in response.content.decode()
    assert not OfficialDay.objects.filter(date__year=UNKNOWN_YEAR).exists()


def test_a_pasted_notice_offers_its_number_and_date_to_publish(client_of, system_admin):
    d = date(UNKNOWN_YEAR, 1, 1)
    weekday = "一二三四五六日"[d.weekday()]
    notice = (
        f"国务院办公厅关于{UNKNOWN_YEAR}年部分节假日安排的通知\n{NUMBER}\n"
        f"一、元旦：1月1日（周{weekday}）放假1天，不调休。\n"
        f"国务院办公厅\n{UNKNOWN_YEAR - 1}年11月4日\n"
    )
    response = client_of(system_admin).post(
        IMPORT, {"year": UNKNOWN_YEAR, "source": "notice", "text": notice, "confirm": "1"}
    )
    assert response.status_code == 302
    assert "number=" in response["Location"]
    assert OfficialDay.objects.get(date=d).name == "元旦"
    page = client_of(system_admin).get(response["Location"]).content.decode()
    assert NUMBER in page and f"{UNKNOWN_YEAR - 1}-11-04" in page


def test_an_import_clashing_with_an_entered_day_saves_nothing(system_admin):
    actions.do_add_official_days(system_admin, OCT_SATURDAY, OCT_SATURDAY, DayKind.HOLIDAY, "x")
    client_days = OfficialDay.objects.count()
    with pytest.raises(ActionError):
        actions.do_import_official_days(system_admin, parse_csv(csv_year()).days, "csv")
    assert OfficialDay.objects.count() == client_days


# --- drafts route nothing until the year is published ---------------------------------------


def test_entered_days_take_effect_when_the_year_is_published(client_of, system_admin):
    import_csv(client_of(system_admin), confirm=True)
    holiday_morning = local(OCT_MONDAY, "10:00")
    saturday_morning = local(OCT_SATURDAY, "10:00")
    assert route(holiday_morning).desk == Desk.SECTION  # a draft: a plain Monday
    assert route(saturday_morning).desk == Desk.DUTY
    actions.do_publish_calendar_year(system_admin, UNKNOWN_YEAR, TODAY, NUMBER)
    assert route(holiday_morning).desk == Desk.DUTY
    assert route(saturday_morning).desk == Desk.SECTION


def test_feedback_over_a_holiday_week_and_a_swapped_saturday(client_of, system_admin):
    import_csv(client_of(system_admin), confirm=True)
    actions.do_publish_calendar_year(system_admin, UNKNOWN_YEAR, TODAY, NUMBER)
    instructed_on = OCT_MONDAY - timedelta(days=3)  # the Friday before the holiday week
    # Counted by hand: Mon-Fri off; Saturday worked (1); Sunday off; Mon-Fri (2-6); next Mon (7).
    seventh = OCT_MONDAY + timedelta(days=14)
    assert working_days_due(instructed_on, 7) == local(seventh, "17:30")
    assert working_days_due(instructed_on, 1) == local(OCT_SATURDAY, "17:30")


def test_a_draft_year_counts_plain_weekdays(client_of, system_admin):
    import_csv(client_of(system_admin), confirm=True)
    instructed_on = OCT_MONDAY - timedelta(days=3)
    assert working_days_due(instructed_on, 1) == local(OCT_MONDAY, "17:30")


# --- summer and winter office hours ---------------------------------------------------------

SUMMER = PeriodInput(5, 1, 9, 30, time(8, 30), time(12), time(14, 30), time(18))


def test_the_closing_time_switches_between_summer_and_winter(system_admin):
    actions.do_add_office_hours_period(system_admin, "夏季作息", SUMMER)
    assert office_closes(date(UNKNOWN_YEAR, 9, 30)) == local(date(UNKNOWN_YEAR, 9, 30), "18:00")
    assert office_closes(date(UNKNOWN_YEAR, 10, 1)) == local(date(UNKNOWN_YEAR, 10, 1), "17:30")
    assert office_closes(date(UNKNOWN_YEAR, 4, 30)) == local(date(UNKNOWN_YEAR, 4, 30), "17:30")
    assert office_closes(date(UNKNOWN_YEAR, 5, 1)) == local(date(UNKNOWN_YEAR, 5, 1), "18:00")
    assert AuditEntry.objects.filter(action="office_hours_period_added").exists()


def test_routing_follows_the_period_of_the_day(system_admin):
    actions.do_add_office_hours_period(system_admin, "夏季作息", SUMMER)
    june = next_weekday(date(UNKNOWN_YEAR, 6, 8), 1)  # a Tuesday in June
    november = next_weekday(date(UNKNOWN_YEAR, 11, 9), 1)
    assert route(local(june, "17:45")).desk == Desk.SECTION
    assert route(local(november, "17:45")).desk == Desk.DUTY
    assert route(local(june, "14:15")).desk == Desk.DUTY  # summer lunch until 14:30


def test_a_winter_period_wraps_over_the_new_year(system_admin):
    winter = PeriodInput(10, 1, 4, 30, time(9), None, None, time(17))
    actions.do_add_office_hours_period(system_admin, "冬季作息", winter)
    january = next_weekday(date(UNKNOWN_YEAR, 1, 12), 1)
    assert office_closes(january) == local(january, "17:00")
    assert route(local(january, "12:30")).desk == Desk.SECTION  # no lunch break in this period


@pytest.mark.parametrize(
    "period",
    [
        PeriodInput(2, 30, 9, 30, time(8), None, None, time(18)),
        PeriodInput(5, 1, 9, 30, time(18), None, None, time(8)),
        PeriodInput(5, 1, 9, 30, time(8), time(12), None, time(18)),
        PeriodInput(9, 1, 10, 31, time(8), None, None, time(18)),  # overlaps summer
    ],
)
def test_bad_periods_are_refused(system_admin, period):
    actions.do_add_office_hours_period(system_admin, "夏季作息", SUMMER)
    with pytest.raises(ActionError):
        actions.do_add_office_hours_period(system_admin, "秋季", period)
    assert OfficeHoursPeriod.objects.count() == 1


def test_a_period_is_added_and_removed_on_the_page(client_of, system_admin):
    client = client_of(system_admin)
    data = {
        "name": "夏季作息",
        "start_month": 5,
        "start_day": 1,
        "end_month": 9,
        "end_day": 30,
        "opens": "08:30",
        "lunch_starts": "12:00",
        "lunch_ends": "14:30",
        "closes": "18:00",
    }
    assert client.post(reverse("org:calendar_period_add"), data).status_code == 302
    row = OfficeHoursPeriod.objects.get()
    assert "夏季作息" in client.get(CALENDAR).content.decode()
    client.post(reverse("org:calendar_period_remove"), {"period": row.pk})
    assert not OfficeHoursPeriod.objects.exists()
    assert AuditEntry.objects.filter(action="office_hours_period_removed").exists()


def test_publishing_shows_the_notice_number(client_of, system_admin):
    import_csv(client_of(system_admin), confirm=True)
    actions.do_publish_calendar_year(system_admin, UNKNOWN_YEAR, TODAY, NUMBER)
    assert CalendarYear.objects.get(year=UNKNOWN_YEAR).notice_number == NUMBER
    page = client_of(system_admin).get(f"{CALENDAR}?year={UNKNOWN_YEAR}").content.decode()
    assert NUMBER in page
