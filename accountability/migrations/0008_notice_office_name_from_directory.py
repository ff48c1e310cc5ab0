from django.db import migrations, models

SEED_NAME = "市委办公室"


def name_to_directory(apps, schema_editor):
    """The office's name is the hub unit's name from now on (org.office). A name the chief
    entered for notices (other than the seed) was the official one the notices printed: the
    hub unit takes it, unless another unit already bears it."""
    NoticePolicy = apps.get_model("accountability", "NoticePolicy")
    Unit = apps.get_model("org", "Unit")
    policy = NoticePolicy.objects.order_by("pk").first()
    name = (policy.office_name or "").strip() if policy is not None else ""
    if not name or name == SEED_NAME:
        return
    hub = (
        Unit.objects.filter(level="city", kind="party_office", is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )
    if hub is None or hub.name == name or Unit.objects.filter(name=name).exists():
        return
    Unit.objects.filter(pk=hub.pk).update(name=name)


def name_from_directory(apps, schema_editor):
    """Back: the policy holds the hub unit's name again."""
    NoticePolicy = apps.get_model("accountability", "NoticePolicy")
    Unit = apps.get_model("org", "Unit")
    hub = (
        Unit.objects.filter(level="city", kind="party_office", is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )
    if hub is not None:
        NoticePolicy.objects.update(office_name=hub.name)


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0007_violation_explanation_form_token"),
        ("org", "0008_office_hours_callable_defaults"),
    ]

    operations = [
        # A default first, so that going back can add the column to existing rows.
        migrations.AlterField(
            model_name="noticepolicy",
            name="office_name",
            field=models.CharField(default=SEED_NAME, max_length=60),
        ),
        migrations.RunPython(name_to_directory, name_from_directory),
        migrations.RemoveField(
            model_name="noticepolicy",
            name="office_name",
        ),
    ]
