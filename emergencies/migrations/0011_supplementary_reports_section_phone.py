"""补报, the phone step for Ⅲ and the section's own phone report upward.

- SupplementWindow: Decree 493 art. 13 (《生产安全事故报告和调查处理条例》第十三条): casualty changes
  are reported within 30 days of the day the event occurred, 7 for road traffic accidents and
  fires. Seeded 30 days for every category (the article's general rule) and 7 for accidents
  whose type names 道路交通 or 火灾.
- Ⅲ (较大) gets a 30-minute phone report (municipal rules: 30 min phone, 60 min written) where
  the row has none.
- section_phone_minutes: the section phones the province within the row's own phone minutes,
  for every row that is forwarded upward (forward_minutes set).
"""


import django.core.validators
import django.db.models.deletion
import xinbao.core.inputs
from django.conf import settings
from django.db import migrations, models


ARTICLE_13 = "《生产安全事故报告和调查处理条例》第十三条"
WINDOWS = [
    ("natural", "", 30, ARTICLE_13 + "：自事故发生之日起30日内"),
    ("accident", "", 30, ARTICLE_13 + "：自事故发生之日起30日内"),
    ("accident", "道路交通", 7, ARTICLE_13 + "：道路交通事故自发生之日起7日内"),
    ("accident", "火灾", 7, ARTICLE_13 + "：火灾事故自发生之日起7日内"),
    ("health", "", 30, ARTICLE_13 + "：自事故发生之日起30日内"),
    ("social", "", 30, ARTICLE_13 + "：自事故发生之日起30日内"),
]
LEVEL_III_PHONE_MINUTES = 30  # municipal rules: Ⅲ phone within 30 min, written within 60


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    DeadlineRule = apps.get_model("emergencies", "DeadlineRule")
    SupplementWindow = apps.get_model("emergencies", "SupplementWindow")
    DeadlineRule.objects.filter(level="3", phone_minutes__isnull=True).update(
        phone_minutes=LEVEL_III_PHONE_MINUTES
    )
    for row in DeadlineRule.objects.filter(
        forward_minutes__isnull=False, section_phone_minutes__isnull=True
    ):
        row.section_phone_minutes = row.phone_minutes
        row.save(update_fields=["section_phone_minutes"])
    SupplementWindow.objects.bulk_create(
        [
            SupplementWindow(category=c, subtype_contains=w, days=d, source=src)
            for c, w, d, src in WINDOWS
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('emergencies', '0010_written_initial_reports'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='deadlinerule',
            name='section_phone_minutes',
            field=models.PositiveIntegerField(blank=True, help_text="Counted from the section's first knowledge of the incident.", null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10080)], verbose_name='section phones the province within (minutes)'),
        ),
        migrations.AlterField(
            model_name='deadlinerule',
            name='forward_minutes',
            field=models.PositiveIntegerField(blank=True, help_text="Counted from the section's first knowledge of the incident.", null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10080)], verbose_name='forward to the province within (minutes)'),
        ),
        migrations.AlterField(
            model_name='incidentreport',
            name='kind',
            field=models.CharField(choices=[('initial', 'Initial report'), ('followup', 'Follow-up report'), ('final', 'Final report'), ('supplement', 'Supplementary report')], max_length=10, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='SectionCall',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('called_whom', models.CharField(max_length=100, verbose_name='called whom')),
                ('called_at', models.DateTimeField(validators=[xinbao.core.inputs.check_date], verbose_name='time of the call')),
                ('note', models.TextField(blank=True, max_length=2000, verbose_name='note')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                ('incident', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='section_calls', to='emergencies.incident')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': "section's call upward",
                'verbose_name_plural': "section's calls upward",
                'ordering': ['called_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='SupplementWindow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('natural', 'Natural disaster'), ('accident', 'Accident or disaster'), ('health', 'Public health event'), ('social', 'Social security event')], max_length=10, verbose_name='category')),
                ('subtype_contains', models.CharField(blank=True, help_text="Blank for the category's default.", max_length=40, verbose_name='type contains')),
                ('days', models.PositiveSmallIntegerField(help_text='Counted from the day the event occurred.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(366)], verbose_name='supplementary reports within (days)')),
                ('source', models.CharField(blank=True, max_length=300, verbose_name='source')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'supplementary report window',
                'verbose_name_plural': 'supplementary report windows',
                'ordering': ['category', 'subtype_contains'],
                'constraints': [models.UniqueConstraint(fields=('category', 'subtype_contains'), name='supplement_window_unique')],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
