"""The insight app takes over the archive analysis policy from submissions, with its row.

The model first joins this app's state on the table it already has (no SQL), then the table is
renamed to this app's name; the row, edited or not, moves with the table. A database that never
had the row gets it seeded here.

The items and incidents stored before they were signed at write time are signed here, so
duplicates are found among them too (these steps were in submissions 0004 and emergencies 0005,
which may not import insight)."""

from decimal import Decimal
from importlib import import_module

import django.core.validators
from django.db import migrations, models


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    InsightPolicy = apps.get_model("insight", "InsightPolicy")
    if not InsightPolicy.objects.exists():
        stop_words = import_module("submissions.migrations.0004_seed_archive_policy").STOP_WORDS
        InsightPolicy.objects.create(pk=1, trend_stop_words=stop_words)


def sign_items(apps, schema_editor):  # type: ignore[no-untyped-def]
    from insight.rules import item_text, signature

    InfoItem = apps.get_model("submissions", "InfoItem")
    batch = []
    for item in InfoItem.objects.filter(minhash=b"").only("pk", "title", "body").iterator(1000):
        item.minhash = signature(item_text(item.title, item.body))
        batch.append(item)
        if len(batch) == 1000:
            InfoItem.objects.bulk_update(batch, ["minhash"])
            batch = []
    InfoItem.objects.bulk_update(batch, ["minhash"])


def sign_incidents(apps, schema_editor):  # type: ignore[no-untyped-def]
    from insight.rules import incident_text, signature

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


def bounded() -> list[django.core.validators.BaseValidator]:
    return [
        django.core.validators.MinValueValidator(0),
        django.core.validators.MaxValueValidator(32767),
    ]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("submissions", "0007_move_archive_policy_to_insight"),
        ("emergencies", "0005_sign_incidents"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="InsightPolicy",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("duplicate_window_days", models.PositiveSmallIntegerField(default=7, validators=bounded(), verbose_name="look for duplicates within (days)")),
                        ("duplicate_threshold", models.DecimalField(decimal_places=2, default=Decimal("0.30"), help_text="Share of shared character pairs, from 0.05 to 0.95.", max_digits=3, verbose_name="duplicate similarity threshold")),
                        ("trend_baseline_weeks", models.PositiveSmallIntegerField(default=8, validators=bounded(), verbose_name="baseline for early signs (weeks)")),
                        ("trend_min_count", models.PositiveSmallIntegerField(default=3, validators=bounded(), verbose_name="minimum items in the week for a sign")),
                        ("trend_z", models.DecimalField(decimal_places=1, default=Decimal("3.0"), help_text="In spreads of the term's own weekly counts (z-score).", max_digits=4, verbose_name="how far above its baseline a term must rise")),
                        ("trend_stop_words", models.TextField(blank=True, help_text="Separated by spaces or commas.", max_length=2000, verbose_name="words never counted as signs")),
                        ("silent_days", models.PositiveSmallIntegerField(default=30, validators=bounded(), verbose_name="a unit is silent after (days)")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                    ],
                    options={
                        "verbose_name": "archive analysis policy",
                        "verbose_name_plural": "archive analysis policy",
                        "db_table": "submissions_archivepolicy",
                    },
                ),
            ],
            database_operations=[],
        ),
        # Back to the default name, insight_insightpolicy: a rename, the row stays.
        migrations.AlterModelTable(name="insightpolicy", table=None),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(sign_items, migrations.RunPython.noop),
        migrations.RunPython(sign_incidents, migrations.RunPython.noop),
    ]
