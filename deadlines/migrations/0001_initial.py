"""The deadline engine's rows move from emergencies to deadlines: the state only. The tables
keep their names (emergencies_expectedreport, emergencies_deadlineflip) and their rows; the
content types of the two models are renamed so their permissions follow them."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ("expectedreport", "deadlineflip")


def rename_content_types(apps, schema_editor, old="emergencies", new="deadlines"):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not content_type.objects.using(db).filter(app_label=new, model=model).exists():
            content_type.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def restore_content_types(apps, schema_editor):
    rename_content_types(apps, schema_editor, old="deadlines", new="emergencies")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("bulletins", "0005_column_bounds"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("emergencies", "0006_input_bounds"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExpectedReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(max_length=10)),
                        ("sequence", models.PositiveSmallIntegerField(default=0)),
                        ("window_start", models.DateTimeField()),
                        ("due_at", models.DateTimeField()),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("met", "Met"), ("cancelled", "Cancelled")],
                                default="open",
                                max_length=10,
                            ),
                        ),
                        ("stage", models.PositiveSmallIntegerField(default=0)),
                        ("next_check_at", models.DateTimeField(blank=True, null=True)),
                        ("met_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="expected_reports",
                                to="org.unit",
                            ),
                        ),
                        # The foreign keys the rows had in emergencies, until 0002 turns them
                        # into the generic subject.
                        (
                            "incident",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="emergencies.incident",
                            ),
                        ),
                        (
                            "met_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="emergencies.incidentreport",
                            ),
                        ),
                        (
                            "sighting",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="emergencies.sighting",
                            ),
                        ),
                        (
                            "task",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="bulletins.followuptask",
                            ),
                        ),
                        (
                            "solicitation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="bulletins.solicitation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "emergencies_expectedreport",
                        "ordering": ["due_at"],
                        "indexes": [
                            models.Index(
                                condition=models.Q(("status", "open")),
                                fields=["next_check_at"],
                                name="expected_due",
                            ),
                            models.Index(fields=["incident", "kind"], name="expected_incident"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DeadlineFlip",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("reminder", "Reminder"),
                                    ("breach", "Deadline passed"),
                                    ("escalation", "Escalation"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("stage", models.PositiveSmallIntegerField()),
                        ("due_moment", models.DateTimeField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "expected",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="flips",
                                to="deadlines.expectedreport",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "emergencies_deadlineflip",
                        "ordering": ["created_at", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("expected", "stage"), name="flip_once_per_stage"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(rename_content_types, restore_content_types),
            ],
        ),
    ]
