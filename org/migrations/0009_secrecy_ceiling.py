
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0008_office_hours_callable_defaults'),
    ]

    operations = [
        migrations.CreateModel(
            name='SecrecyPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ceiling', models.CharField(choices=[('public', 'Public'), ('internal', 'Internal'), ('mimi', 'Secret (state secret)'), ('jimi', 'Confidential (state secret)'), ('juemi', 'Top secret (state secret)')], default='internal', max_length=10, verbose_name='highest secrecy level this system may hold')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'secrecy ceiling',
                'verbose_name_plural': 'secrecy ceiling',
            },
        ),
    ]
