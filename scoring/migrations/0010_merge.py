from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0009_ledger_outbox"),
        ("scoring", "0009_unitclass_award_floor"),
    ]

    operations = []
