from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0006_accounts_passwords_proposals'),
        ('org', '0006_lockouts_and_second_factor_policy'),
    ]

    operations = [
    ]
