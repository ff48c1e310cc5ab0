"""The sighting-incident matching window as data, seeded with the day the rule used to
hard-code."""

import django.core.validators
from django.db import migrations, models


def seed(apps, schema_editor):
    apps.get_model("emergencies", "MatchingPolicy").objects.get_or_create(
        pk=1, defaults={"window_hours": 24}
    )


class Migration(migrations.Migration):

    dependencies = [
        ('emergencies', '0006_input_bounds'),
    ]

    operations = [
        migrations.CreateModel(
            name='MatchingPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('window_hours', models.PositiveSmallIntegerField(default=24, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(720)], verbose_name='sightings match incidents within (hours)')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'matching policy',
                'verbose_name_plural': 'matching policy',
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
