"""Seed the official calendar for every year the chinesecalendar package knows (2004-2026 in
release 1.11). Later years are entered by the system administrator."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    import chinese_calendar

    CalendarYear = apps.get_model("org", "CalendarYear")
    OfficialDay = apps.get_model("org", "OfficialDay")
    names = {h.value: h.chinese for h in chinese_calendar.Holiday}
    days = {}
    for day, name in chinese_calendar.holidays.items():
        days[day] = OfficialDay(date=day, kind="holiday", name=names.get(name, name or ""))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:  # the package lists swapped weekend working days here
            days[day] = OfficialDay(date=day, kind="workday", name=names.get(name, name or ""))
    existing = set(OfficialDay.objects.values_list("date", flat=True))
    OfficialDay.objects.bulk_create([d for day, d in sorted(days.items()) if day not in existing])
    years = sorted({day.year for day in days})
    known = set(CalendarYear.objects.values_list("year", flat=True))
    CalendarYear.objects.bulk_create(
        [
            CalendarYear(year=y, source=f"chinesecalendar {chinese_calendar.__version__}")
            for y in range(years[0], years[-1] + 1)
            if y not in known
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("org", "0002_calendar_duty")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
