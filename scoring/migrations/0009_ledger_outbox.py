"""The ledger"s outbox and its computed-at moment. One "every unit" change is queued so that
the worker brings a ledger rebuilt under the old regime (by hand, on 重算) up to date."""

from typing import Any

from django.db import migrations, models


def queue_full_recompute(apps: Any, schema_editor: Any) -> None:
    apps.get_model("scoring", "LedgerChange").objects.create(unit_id=None)
    apps.get_model("scoring", "LedgerState").objects.create(pk=1, computed_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0008_ranking_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="LedgerChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("unit_id", models.BigIntegerField(null=True)),
            ],
            options={
                "indexes": [models.Index(fields=["unit_id"], name="ledger_change_unit")],
            },
        ),
        migrations.CreateModel(
            name="LedgerState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("computed_at", models.DateTimeField(null=True)),
            ],
        ),
        migrations.RunPython(queue_full_recompute, migrations.RunPython.noop),
    ]
