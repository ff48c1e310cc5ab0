
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('emergencies', '0013_category_codes'),
        ('emergencies', '0013_forwarding_acknowledged_at'),
    ]

    operations = [
    ]
