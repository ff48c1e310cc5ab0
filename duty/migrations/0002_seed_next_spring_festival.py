"""Seed one zero-report period: the next Spring Festival holiday on the official calendar
(from the days the calendar names 春节, on or after today), due by 09:00 each day from every
reporting unit. If the calendar does not know the next one yet, nothing is seeded and the
periods page says so."""

from datetime import date, timedelta

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    OfficialDay = apps.get_model("org", "OfficialDay")
    ZeroPeriod = apps.get_model("duty", "ZeroPeriod")
    if ZeroPeriod.objects.exists():
        return
    today = date.today()
    days = sorted(
        OfficialDay.objects.filter(kind="holiday", name__contains="春节", date__gte=today)
        .values_list("date", flat=True)
    )
    if not days:
        return
    start = end = days[0]
    for day in days[1:]:
        if day != end + timedelta(days=1):
            break
        end = day
    ZeroPeriod.objects.create(name=f"{start.year}年春节", starts_on=start, ends_on=end)


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_duty_log_handover_zero_reports"), ("org", "0003_seed_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
