"""Level thresholds kept per category, the published source of every seeded default stated
beside it, and the sensitive-events policy.

Decree 493 (《生产安全事故报告和调查处理条例》, 国务院令第493号, 第三条) grades production-safety
accidents only: the thresholds seeded in 0002 become the 事故灾难 (accident) category's, and no
other category has any (no level is suggested for it). A deadline row still holding its seeded
values is given the published rules it follows (0002: Henan's emergency department, 2019, for
the minutes; the State Council emergency office's 2015 notice for phone-then-written); a row
the chief has changed since keeps an empty source. The sensitive-events policy starts on: the
2015 notice asks that sensitive information be reported 不拘泥于分级标准."""

from typing import Any

import django.core.validators
from django.db import migrations, models

ACCIDENT = "accident"
DECREE_493 = {
    "1": "国务院令第493号 第三条（一）特别重大事故：30人以上死亡，或100人以上重伤，或1亿元以上直接经济损失",
    "2": "国务院令第493号 第三条（二）重大事故：10人以上死亡，或50人以上重伤，或5000万元以上直接经济损失",
    "3": "国务院令第493号 第三条（三）较大事故：3人以上死亡，或10人以上重伤，或1000万元以上直接经济损失",
    "4": "国务院令第493号 第三条（四）一般事故：3人以下死亡，或10人以下重伤，或1000万元以下直接经济损失（下限1人、1人、0.01万元为本系统所设）",
}
HENAN = "河南省应急管理厅2019年通知"
STATE_COUNCIL = "国务院应急管理办公室2015年通知（先电话、后书面）"
OWN = "本系统默认"
GRAVE_SOURCE = (
    f"电话15分钟、书面35分钟、续报每日8:00和17:00前：{HENAN}；{STATE_COUNCIL}；"
    f"报省30分钟、提醒与催办：{OWN}"
)
# (level, the seeded values that must still hold, the source)
DEADLINE_SOURCES: list[tuple[str, dict[str, Any], str]] = [
    ("1", {"phone_minutes": 15, "written_minutes": 35}, GRAVE_SOURCE),
    ("2", {"phone_minutes": 15, "written_minutes": 35}, GRAVE_SOURCE),
    (
        "3",
        {"written_minutes": 60},
        f"书面1小时、续报每日8:00和17:00前：{HENAN}；报省60分钟、提醒与催办：{OWN}",
    ),
    ("4", {"written_minutes": 360}, f"书面6小时：{HENAN}；每24小时续报、提醒与催办：{OWN}"),
]
SOCIAL_SOURCE = f"社会安全事件不分级（《突发事件应对法》），按Ⅱ级时限：{GRAVE_SOURCE}"


def seed(apps: Any, schema_editor: Any) -> None:
    """Idempotent: also run by the tests that flush the tables (after 0002's seed)."""
    LevelThreshold = apps.get_model("emergencies", "LevelThreshold")
    DeadlineRule = apps.get_model("emergencies", "DeadlineRule")
    # Rows seeded without a category (0002's seed run again on a flushed table) are Decree
    # 493's, for production-safety accidents, unless that category has the level already.
    uncategorised = LevelThreshold.objects.filter(category="")
    uncategorised.filter(
        level__in=LevelThreshold.objects.filter(category=ACCIDENT).values("level")
    ).delete()
    uncategorised.update(category=ACCIDENT)
    for level, source in DECREE_493.items():
        LevelThreshold.objects.filter(category=ACCIDENT, level=level, source="").update(
            source=source
        )
    for level, values, source in DEADLINE_SOURCES:
        DeadlineRule.objects.filter(level=level, source="", **values).exclude(
            category="social"
        ).update(source=source)
    DeadlineRule.objects.filter(
        category="social", level="", phone_minutes=15, written_minutes=35, source=""
    ).update(source=SOCIAL_SOURCE)
    apps.get_model("emergencies", "SensitivePolicy").objects.get_or_create(
        pk=1, defaults={"strictest_when_sensitive": True}
    )


class Migration(migrations.Migration):

    dependencies = [
        ('emergencies', '0010_written_initial_reports'),
    ]

    operations = [
        migrations.CreateModel(
            name='SensitivePolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('strictest_when_sensitive', models.BooleanField(default=True, verbose_name='sensitive events are reported on the strictest deadlines')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'sensitive events policy',
                'verbose_name_plural': 'sensitive events policy',
            },
        ),
        migrations.AlterModelOptions(
            name='levelthreshold',
            options={'ordering': ['category', 'level'], 'verbose_name': 'level threshold', 'verbose_name_plural': 'level thresholds'},
        ),
        migrations.AddField(
            model_name='deadlinerule',
            name='source',
            field=models.CharField(blank=True, max_length=300, verbose_name='source'),
        ),
        migrations.AddField(
            model_name='levelthreshold',
            name='category',
            field=models.CharField(choices=[('natural', 'Natural disaster'), ('accident', 'Accident or disaster'), ('health', 'Public health event'), ('social', 'Social security event')], default='accident', max_length=10, verbose_name='category'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='levelthreshold',
            name='source',
            field=models.CharField(blank=True, max_length=200, verbose_name='source'),
        ),
        migrations.AlterField(
            model_name='levelthreshold',
            name='deaths',
            field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(2147483647)], verbose_name='deaths (including missing) from'),
        ),
        migrations.AlterField(
            model_name='levelthreshold',
            name='level',
            field=models.CharField(choices=[('1', 'Level I — especially grave'), ('2', 'Level II — grave'), ('3', 'Level III — major'), ('4', 'Level IV — ordinary')], max_length=1, verbose_name='level'),
        ),
        migrations.AlterField(
            model_name='levelthreshold',
            name='serious_injuries',
            field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(2147483647)], verbose_name='seriously injured from'),
        ),
        migrations.AddConstraint(
            model_name='levelthreshold',
            constraint=models.UniqueConstraint(fields=('category', 'level'), name='level_threshold_unique'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
