from django.db import migrations


class Migration(migrations.Migration):
    """Joins the adoption's move to bulletins and the analysis policy's move to insight."""

    dependencies = [
        ("submissions", "0007_adoption_to_bulletins_solicitation_by_id"),
        ("submissions", "0007_move_archive_policy_to_insight"),
    ]

    operations: list[migrations.operations.base.Operation] = []
