"""The index's total normalised length, so that its average length is kept current by every
write (it stayed at the empty index's 500 until a reindex)."""

from django.db import migrations, models
from django.db.models import Sum


def fill(apps, schema_editor):
    Document = apps.get_model("archive", "Document")
    IndexState = apps.get_model("archive", "IndexState")
    count = Document.objects.count()
    total = Document.objects.aggregate(n=Sum("length"))["n"] or 0
    IndexState.objects.filter(pk=1).update(
        doc_count=count, total_length=total, avg_length=total / count if count else 500.0
    )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_newly_indexed"),
    ]

    operations = [
        migrations.AddField(
            model_name="indexstate",
            name="total_length",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
