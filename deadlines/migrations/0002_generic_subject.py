"""An expected report points to its subject generically (content type + id) instead of through
one foreign key per owning model, so the deadline engine depends on no app that owes deadlines.
The old columns' values move into the new ones before the columns are dropped; `met_by` keeps
its column as a plain id, without the foreign key to emergencies' reports."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F

# Old foreign key → the model it pointed to.
SUBJECTS = {
    "incident": ("emergencies", "incident"),
    "sighting": ("emergencies", "sighting"),
    "task": ("bulletins", "followuptask"),
    "solicitation": ("bulletins", "solicitation"),
}


def to_subject(apps, schema_editor):
    db = schema_editor.connection.alias
    content_type = apps.get_model("contenttypes", "ContentType")
    expected = apps.get_model("deadlines", "ExpectedReport")
    for field, (app_label, model) in SUBJECTS.items():
        rows = expected.objects.using(db).filter(**{f"{field}__isnull": False})
        if not rows.exists():
            continue
        ct, _ = content_type.objects.using(db).get_or_create(app_label=app_label, model=model)
        rows.update(subject_type=ct, subject_id=F(f"{field}_id"))


def from_subject(apps, schema_editor):
    db = schema_editor.connection.alias
    content_type = apps.get_model("contenttypes", "ContentType")
    expected = apps.get_model("deadlines", "ExpectedReport")
    for field, (app_label, model) in SUBJECTS.items():
        ct = content_type.objects.using(db).filter(app_label=app_label, model=model).first()
        if ct is not None:
            expected.objects.using(db).filter(subject_type=ct).update(
                **{f"{field}_id": F("subject_id")}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("deadlines", "0001_initial"),
        ("emergencies", "0007_deadlines_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="expectedreport",
            name="subject_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddField(
            model_name="expectedreport",
            name="subject_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(to_subject, from_subject),
        migrations.AlterField(
            model_name="expectedreport",
            name="subject_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AlterField(
            model_name="expectedreport",
            name="subject_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.RemoveIndex(model_name="expectedreport", name="expected_incident"),
        migrations.AddIndex(
            model_name="expectedreport",
            index=models.Index(
                fields=["subject_type", "subject_id", "kind"], name="expected_subject"
            ),
        ),
        migrations.RemoveField(model_name="expectedreport", name="incident"),
        migrations.RemoveField(model_name="expectedreport", name="sighting"),
        migrations.RemoveField(model_name="expectedreport", name="task"),
        migrations.RemoveField(model_name="expectedreport", name="solicitation"),
        # met_by keeps its column and values; only the constraint to emergencies goes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="expectedreport", name="met_by"),
                migrations.AddField(
                    model_name="expectedreport",
                    name="met_by_id",
                    field=models.BigIntegerField(blank=True, null=True),
                ),
            ],
            database_operations=[
                migrations.AlterField(
                    model_name="expectedreport",
                    name="met_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="emergencies.incidentreport",
                    ),
                ),
            ],
        ),
    ]
