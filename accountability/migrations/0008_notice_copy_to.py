
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accountability', '0007_violation_explanation_form_token'),
    ]

    operations = [
        migrations.AddField(
            model_name='criticismnotice',
            name='copy_to',
            field=models.CharField(blank=True, help_text='Organs sent a copy, separated by “，”; printed as 抄送 at the foot.', max_length=200, verbose_name='copied to'),
        ),
    ]
