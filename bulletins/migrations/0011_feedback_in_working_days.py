
import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bulletins', '0010_merge'),
    ]

    operations = [
        migrations.AddField(
            model_name='editorialpolicy',
            name='solicitation_days',
            field=models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(32767)], verbose_name='answers to a solicitation due within (working days)'),
        ),
        migrations.AlterField(
            model_name='editorialpolicy',
            name='feedback_days',
            field=models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(32767)], verbose_name='feedback on an instruction due within (working days)'),
        ),
    ]
