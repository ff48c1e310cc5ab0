import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


def seed_policy(apps, schema_editor):
    """Ten outstanding officers, no threshold: our choice (no published rule fixes the number)."""
    ReportPolicy = apps.get_model("scoring", "ReportPolicy")
    if not ReportPolicy.objects.exists():
        ReportPolicy.objects.create(pk=1, officer_places=10, officer_min_points=None)


class Migration(migrations.Migration):

    dependencies = [
        ('scoring', '0010_merge'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('officer_places', models.PositiveSmallIntegerField(default=10, help_text='At most this many officers, the highest points first; 0 names none.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(32767)], verbose_name='outstanding officers named')),
                ('officer_min_points', models.DecimalField(blank=True, decimal_places=2, help_text='Leave empty for no threshold; an officer always needs more than zero.', max_digits=10, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='officer needs at least (points)')),
                ('copy_to', models.CharField(blank=True, help_text="The 抄送 line of the circulars' imprint, e.g. 省委办公厅信息处.", max_length=200, verbose_name='copy to')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'circular policy',
                'verbose_name_plural': 'circular policy',
            },
        ),
        migrations.CreateModel(
            name='Circular',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('adoption', 'Adoption circular'), ('commendation', 'Commendation circular'), ('evaluation', 'Annual evaluation')], max_length=20, verbose_name='kind')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('period', models.CharField(blank=True, max_length=4, verbose_name='period')),
                ('number', models.PositiveIntegerField(verbose_name='number')),
                ('doc_number', models.CharField(max_length=60, verbose_name='document number')),
                ('issued_on', models.DateField(verbose_name='date')),
                ('issued_at', models.DateTimeField(auto_now_add=True)),
                ('issued_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='issued by')),
            ],
            options={
                'verbose_name': 'circular',
                'verbose_name_plural': 'circulars',
                'ordering': ['-year', '-number'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'year', 'period'), name='circular_once')],
            },
        ),
        migrations.RunPython(seed_policy, migrations.RunPython.noop),
    ]
