
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bulletins', '0010_merge'),
    ]

    operations = [
        migrations.AddField(
            model_name='issue',
            name='secrecy',
            field=models.CharField(choices=[('public', 'Public'), ('internal', 'Internal'), ('mimi', 'Secret (state secret)'), ('jimi', 'Confidential (state secret)'), ('juemi', 'Top secret (state secret)')], default='public', max_length=10, verbose_name='secrecy level'),
        ),
        migrations.AddField(
            model_name='publication',
            name='default_secrecy',
            field=models.CharField(choices=[('public', 'Public'), ('internal', 'Internal'), ('mimi', 'Secret (state secret)'), ('jimi', 'Confidential (state secret)'), ('juemi', 'Top secret (state secret)')], default='public', max_length=10, verbose_name='default secrecy level of its issues'),
        ),
    ]
