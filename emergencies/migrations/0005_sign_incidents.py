"""Once signed the incidents already stored. Signing belongs to the insight app, which
emergencies may not import: `insight/migrations/0001_initial.py` signs every incident still
unsigned. This migration stays, empty, so the migration graph keeps its shape."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("emergencies", "0004_incident_duplicates")]

    operations: list[migrations.operations.base.Operation] = []
