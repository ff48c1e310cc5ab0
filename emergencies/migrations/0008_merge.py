from django.db import migrations


class Migration(migrations.Migration):
    """Joins the deadline engine's move to `deadlines` and the matching policy."""

    dependencies = [
        ("emergencies", "0007_deadlines_moved"),
        ("emergencies", "0007_matching_policy"),
    ]

    operations: list[migrations.operations.base.Operation] = []
