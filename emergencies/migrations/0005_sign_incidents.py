"""Sign the incidents already stored (title, place and first report), so duplicates are found
among them too."""

from django.db import migrations


def sign(apps, schema_editor):  # type: ignore[no-untyped-def]
    from archive.insight_rules import incident_text, signature

    Incident = apps.get_model("emergencies", "Incident")
    IncidentReport = apps.get_model("emergencies", "IncidentReport")
    batch = []
    for incident in Incident.objects.filter(minhash=b"").iterator(500):
        first = (
            IncidentReport.objects.filter(incident=incident).order_by("created_at", "pk").first()
        )
        summary = first.summary if first else ""
        incident.minhash = signature(incident_text(incident.title, incident.place, summary))
        batch.append(incident)
        if len(batch) == 500:
            Incident.objects.bulk_update(batch, ["minhash"])
            batch = []
    Incident.objects.bulk_update(batch, ["minhash"])


class Migration(migrations.Migration):
    dependencies = [("emergencies", "0004_incident_duplicates")]

    operations = [migrations.RunPython(sign, migrations.RunPython.noop)]
