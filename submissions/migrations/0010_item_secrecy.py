
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('submissions', '0009_item_form_token'),
    ]

    operations = [
        migrations.AddField(
            model_name='infoitem',
            name='secrecy',
            field=models.CharField(choices=[('public', 'Public'), ('internal', 'Internal'), ('mimi', 'Secret (state secret)'), ('jimi', 'Confidential (state secret)'), ('juemi', 'Top secret (state secret)')], default='public', max_length=10, verbose_name='secrecy level'),
        ),
    ]
