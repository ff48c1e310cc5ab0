"""Adoptions (采用) belong to bulletins: the editorial act of a publication using an item.

State only: the model arrives from submissions (see submissions 0007) with its table
`submissions_adoption`, its rows, constraint and foreign keys untouched.
"""

import django.db.models.deletion
import xinbao.core.inputs
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0005_column_bounds"),
        ("submissions", "0007_adoption_to_bulletins_solicitation_by_id"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Adoption",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "level",
                            models.CharField(
                                choices=[
                                    ("city", "City"),
                                    ("province", "Province"),
                                    ("central", "Central"),
                                ],
                                max_length=10,
                                verbose_name="level",
                            ),
                        ),
                        (
                            "adopted_on",
                            models.DateField(
                                validators=[xinbao.core.inputs.check_date], verbose_name="adopted on"
                            ),
                        ),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "note",
                            models.CharField(blank=True, max_length=200, verbose_name="note"),
                        ),
                        (
                            "item",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="adoptions",
                                to="submissions.infoitem",
                            ),
                        ),
                        (
                            "publication",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="bulletins.publication",
                                verbose_name="publication",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "issue",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="adoptions",
                                to="bulletins.issue",
                                verbose_name="issue",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "submissions_adoption",
                        "ordering": ["adopted_on", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("item", "publication"), name="adoption_once_per_pub"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
