from django.db import migrations

# The founding document's rule (see DESIGN §2.5): one provincial or two municipal notices for
# late, missed or false reporting of important emergency information, serious cases.
DEFAULT_KINDS = ["late", "missed", "false"]


def seed(apps, schema_editor):
    rule = apps.get_model("accountability", "EligibilityRule")
    if not rule.objects.exists():
        rule.objects.create(
            provincial_notices=1,
            municipal_notices=2,
            kinds=DEFAULT_KINDS,
            serious_only=True,
            important_only=True,
        )


def unseed(apps, schema_editor):
    apps.get_model("accountability", "EligibilityRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("accountability", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
