
import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0008_office_hours_callable_defaults'),
    ]

    operations = [
        migrations.CreateModel(
            name='OfficeHoursPeriod',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=20, verbose_name='name')),
                ('start_month', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)], verbose_name='from month')),
                ('start_day', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)], verbose_name='from day')),
                ('end_month', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)], verbose_name='to month')),
                ('end_day', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)], verbose_name='to day')),
                ('opens', models.TimeField(verbose_name='opens')),
                ('lunch_starts', models.TimeField(blank=True, null=True, verbose_name='lunch break starts')),
                ('lunch_ends', models.TimeField(blank=True, null=True, verbose_name='lunch break ends')),
                ('closes', models.TimeField(verbose_name='closes')),
            ],
            options={
                'verbose_name': 'office hours period',
                'verbose_name_plural': 'office hours periods',
                'ordering': ['start_month', 'start_day'],
            },
        ),
        migrations.AddField(
            model_name='calendaryear',
            name='notice_number',
            field=models.CharField(blank=True, max_length=40, verbose_name='notice number'),
        ),
    ]
