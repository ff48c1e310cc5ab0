
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accountability', '0008_notice_copy_to'),
        ('accountability', '0008_notice_office_name_from_directory'),
        ('accountability', '0008_notice_secrecy'),
    ]

    operations = [
    ]
