"""Each unit's named officer (`Unit.officer`) becomes its current main appointment, dated from
before the roster was kept; and the turnover threshold is seeded (2 changes a year)."""

from django.db import migrations


def carry_over(apps, schema_editor):  # type: ignore[no-untyped-def]
    Unit = apps.get_model("org", "Unit")
    Appointment = apps.get_model("roster", "Appointment")
    RosterPolicy = apps.get_model("roster", "RosterPolicy")
    held = set(
        Appointment.objects.filter(post="main", ended_at__isnull=True).values_list(
            "unit_id", flat=True
        )
    )
    Appointment.objects.bulk_create(
        [
            Appointment(unit_id=u.pk, person_id=u.officer_id, post="main", started_at=None)
            for u in Unit.objects.filter(officer__isnull=False).order_by("pk")
            if u.pk not in held
        ]
    )
    if not RosterPolicy.objects.exists():
        RosterPolicy.objects.create(pk=1, turnover_threshold=2)


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0001_roster_appointments_leave_training"),
        ("org", "0011_unit_region_code"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
