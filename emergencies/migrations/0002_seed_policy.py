"""Seed the deadline table and the level thresholds with the strictest common practice
(DESIGN §4): Henan's emergency department for the minutes (Ⅰ/Ⅱ phone 15 min, written 35 min;
Ⅲ written 1 h; Ⅳ written 6 h; Ⅲ and above follow up daily before 08:00 and 17:00), the
State Council's 2015 notice for phone-then-written, and Decree 493 for the thresholds.
Social-security events are not graded: they get the Ⅱ row's minutes."""

from decimal import Decimal

from django.db import migrations

ESCALATION = [
    {"after": 0, "role": "duty_officer"},
    {"after": 15, "role": "chief"},
    {"after": 30, "role": "secretary_general"},
]
GRAVE = {
    "phone_minutes": 15,
    "written_minutes": 35,
    "followup_times": "08:00,17:00",
    "forward_minutes": 30,
}
BY_LEVEL = {
    "1": GRAVE,
    "2": GRAVE,
    "3": {"written_minutes": 60, "followup_times": "08:00,17:00", "forward_minutes": 60},
    "4": {"written_minutes": 360, "followup_hours": 24},
}
THRESHOLDS = [
    ("1", 30, 100, Decimal("10000")),
    ("2", 10, 50, Decimal("5000")),
    ("3", 3, 10, Decimal("1000")),
    ("4", 1, 1, Decimal("0.01")),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    DeadlineRule = apps.get_model("emergencies", "DeadlineRule")
    LevelThreshold = apps.get_model("emergencies", "LevelThreshold")
    rows = []
    for category in ("natural", "accident", "health"):
        for level, values in BY_LEVEL.items():
            rows.append(
                DeadlineRule(category=category, level=level, escalation=ESCALATION, **values)
            )
    rows.append(DeadlineRule(category="social", level="", escalation=ESCALATION, **GRAVE))
    DeadlineRule.objects.bulk_create(rows, ignore_conflicts=True)
    LevelThreshold.objects.bulk_create(
        [
            LevelThreshold(level=lv, deaths=d, serious_injuries=s, loss_10k_yuan=loss)
            for lv, d, s, loss in THRESHOLDS
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("emergencies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
