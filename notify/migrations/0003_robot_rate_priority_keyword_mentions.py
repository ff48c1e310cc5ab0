
import django.core.validators
from django.db import migrations, models


def urgent_first(apps, schema_editor):
    """Deliveries still queued keep their place: urgent ones (severity urgent) go first."""
    Delivery = apps.get_model("notify", "Delivery")
    Delivery.objects.filter(
        status__in=("pending", "sending"), payload__severity="urgent"
    ).update(priority=1)


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0002_egress_rule'),
    ]

    operations = [
        migrations.AddField(
            model_name='channel',
            name='at_all',
            field=models.BooleanField(default=False, verbose_name='@ everyone on urgent alerts'),
        ),
        migrations.AddField(
            model_name='channel',
            name='at_mobiles',
            field=models.CharField(blank=True, max_length=300, verbose_name='@ on urgent alerts: mobile numbers'),
        ),
        migrations.AddField(
            model_name='channel',
            name='at_user_ids',
            field=models.CharField(blank=True, max_length=300, verbose_name='@ on urgent alerts: user ids'),
        ),
        migrations.AddField(
            model_name='channel',
            name='failing_since',
            field=models.DateTimeField(blank=True, null=True, verbose_name='failing since'),
        ),
        migrations.AddField(
            model_name='channel',
            name='failure',
            field=models.CharField(blank=True, max_length=500, verbose_name='failure'),
        ),
        migrations.AddField(
            model_name='channel',
            name='keyword',
            field=models.CharField(blank=True, max_length=20, verbose_name='DingTalk custom keyword'),
        ),
        migrations.AddField(
            model_name='channel',
            name='paused_until',
            field=models.DateTimeField(blank=True, null=True, verbose_name='paused until'),
        ),
        migrations.AddField(
            model_name='channel',
            name='rate_per_minute',
            field=models.PositiveSmallIntegerField(default=20, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(20)], verbose_name='messages per minute'),
        ),
        migrations.AddField(
            model_name='delivery',
            name='priority',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='priority'),
        ),
        migrations.RunPython(urgent_first, migrations.RunPython.noop),
    ]
