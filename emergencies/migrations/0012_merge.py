
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('emergencies', '0011_supplementary_reports_section_phone'),
        ('emergencies', '0011_thresholds_per_category'),
    ]

    operations = [
    ]
