import datetime
import functools
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0007_merge'),
    ]

    operations = [
        migrations.AlterField(
            model_name='officehours',
            name='afternoon_end',
            field=models.TimeField(default=functools.partial(datetime.time, *(17, 30), **{}), verbose_name='afternoon ends'),
        ),
        migrations.AlterField(
            model_name='officehours',
            name='afternoon_start',
            field=models.TimeField(default=functools.partial(datetime.time, *(14, 0), **{}), verbose_name='afternoon starts'),
        ),
        migrations.AlterField(
            model_name='officehours',
            name='morning_end',
            field=models.TimeField(default=functools.partial(datetime.time, *(12, 0), **{}), verbose_name='morning ends'),
        ),
        migrations.AlterField(
            model_name='officehours',
            name='morning_start',
            field=models.TimeField(default=functools.partial(datetime.time, *(8, 30), **{}), verbose_name='morning starts'),
        ),
    ]
