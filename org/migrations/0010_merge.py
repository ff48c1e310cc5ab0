
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0009_notice_number_and_office_hours_periods'),
        ('org', '0009_secrecy_ceiling'),
    ]

    operations = [
    ]
