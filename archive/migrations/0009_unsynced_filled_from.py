from django.db import migrations, models


class Migration(migrations.Migration):
    """How far a full build of the tantivy index has got (it runs in steps in the worker)."""

    dependencies = [
        ("archive", "0008_gram_frequency"),
    ]

    operations = [
        migrations.AddField(
            model_name="unsynced",
            name="filled_from",
            field=models.BigIntegerField(blank=True, null=True),
        ),
    ]
