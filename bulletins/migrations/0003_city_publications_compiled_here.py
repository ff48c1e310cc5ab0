from django.db import migrations


def compiled_here(apps, schema_editor):  # type: ignore[no-untyped-def]
    Publication = apps.get_model("bulletins", "Publication")
    Publication.objects.filter(level="city").update(compiled_here=True)


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0002_editorialpolicy_publication_compiled_here_and_more")]
    operations = [migrations.RunPython(compiled_here, migrations.RunPython.noop)]
