"""The archive analysis policy belongs to the insight app (`insight.InsightPolicy`): it leaves
this app's state here, and insight's first migration takes the table and its row over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("submissions", "0006_column_bounds")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ArchivePolicy")],
            database_operations=[],
        ),
    ]
