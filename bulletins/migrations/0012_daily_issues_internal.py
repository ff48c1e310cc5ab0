"""《每日要情》 is 内部资料: its issues start at 内部, and those already compiled are marked so.
Every other publication and every other issue stays 公开."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

DAILY = "每日要情"


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Publication = apps.get_model("bulletins", "Publication")
    Issue = apps.get_model("bulletins", "Issue")
    Publication.objects.filter(name=DAILY).update(default_secrecy="internal")
    Issue.objects.filter(publication__default_secrecy="internal").update(secrecy="internal")


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0011_issue_secrecy_and_publication_default")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
