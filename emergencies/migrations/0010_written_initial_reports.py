"""Reports filed before the written initial report was named as such: after a phone initial
report (电话首报), the unit's first written report was stored as follow-up N and every later
follow-up, and every follow-up deadline, one number up. That report becomes the written initial
report (书面首报) and the unit's later follow-ups and follow-up deadlines move down by one, so
that the chain reads 书面首报, 续报一, 续报二… as `emergencies.numbering` now files it."""

from typing import Any

from django.db import migrations

FOLLOWUP, INITIAL, WRITTEN = "followup", "initial", "written"


def renumber(apps: Any, schema_editor: Any) -> None:
    Report = apps.get_model("emergencies", "IncidentReport")
    Expected = apps.get_model("deadlines", "ExpectedReport")
    ContentType = apps.get_model("contenttypes", "ContentType")
    incident_type = ContentType.objects.filter(app_label="emergencies", model="incident").first()
    pairs = (
        Report.objects.filter(kind=FOLLOWUP, channel=WRITTEN)
        .values_list("incident_id", "unit_id")
        .distinct()
    )
    for incident_id, unit_id in pairs:
        mine = Report.objects.filter(incident_id=incident_id, unit_id=unit_id)
        first = mine.filter(channel=WRITTEN).order_by("created_at", "pk").first()
        if first is None or first.kind != FOLLOWUP:
            continue
        number = first.sequence
        first.kind, first.sequence = INITIAL, 0
        first.save(update_fields=["kind", "sequence"])
        # Lowest first: no two reports or rows of the unit ever share a number on the way.
        for later in mine.filter(kind=FOLLOWUP, sequence__gt=number).order_by("sequence"):
            later.sequence -= 1
            later.save(update_fields=["sequence"])
        if incident_type is None:
            continue
        rows = Expected.objects.filter(
            subject_type=incident_type,
            subject_id=incident_id,
            unit_id=unit_id,
            kind=FOLLOWUP,
            sequence__gt=number,
        )
        for row in rows.order_by("sequence"):
            row.sequence -= 1
            row.save(update_fields=["sequence"])


class Migration(migrations.Migration):
    dependencies = [
        ("emergencies", "0009_report_form_token"),
        ("deadlines", "0002_generic_subject"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(renumber, migrations.RunPython.noop, elidable=True)]
