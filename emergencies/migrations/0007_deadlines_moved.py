"""ExpectedReport and DeadlineFlip now belong to the deadlines app (same tables, same rows):
the candidates point to deadlines.ExpectedReport, and the models leave emergencies' state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_initial"),
        ("emergencies", "0006_input_bounds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="violationcandidate",
                    name="expected",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="candidate",
                        to="deadlines.expectedreport",
                    ),
                ),
                migrations.DeleteModel(name="DeadlineFlip"),
                migrations.DeleteModel(name="ExpectedReport"),
            ],
            database_operations=[],
        ),
    ]
