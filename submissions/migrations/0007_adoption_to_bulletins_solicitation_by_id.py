"""Submissions no longer points up into bulletins.

- `Adoption` now belongs to bulletins: it leaves this app's state only. Its table
  (`submissions_adoption`) and rows stay where they are; bulletins 0006 takes it over.
- `InfoItem.solicitation` (a foreign key to bulletins.Solicitation) becomes the plain id
  `InfoItem.solicitation_id`, in the same column with the same values. The database drops only
  the foreign-key constraint; the column and its index stay.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0005_column_bounds"),
        ("submissions", "0006_column_bounds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Adoption")],
            database_operations=[],
        ),
        migrations.SeparateDatabaseAndState(
            # The database: the same column, without its constraint.
            database_operations=[
                migrations.AlterField(
                    model_name="infoitem",
                    name="solicitation",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="answers",
                        to="bulletins.solicitation",
                        verbose_name="in answer to",
                    ),
                ),
            ],
            # The models: the column is now a plain id field of its own name.
            state_operations=[
                migrations.RemoveField(model_name="infoitem", name="solicitation"),
                migrations.AddField(
                    model_name="infoitem",
                    name="solicitation_id",
                    field=models.BigIntegerField(
                        blank=True, db_index=True, null=True, verbose_name="in answer to"
                    ),
                ),
            ],
        ),
    ]
