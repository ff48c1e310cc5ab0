"""GB/T 35561-2017 突发事件分类与编码 as data: the four classes and their sub-categories, and an
incident's link to one of them.

What could be checked, and what could not (searched: the standard's public descriptions and
summaries; the standard's own text was not available):
- Checked: the four classes (自然灾害, 事故灾难, 公共卫生事件, 社会安全事件) and that each is divided
  into sub-categories under a layered (hierarchical) numeric code. The sub-category NAMES below
  are the ones the public descriptions (and the 国家突发公共事件总体应急预案 they follow) list for
  each class; 群体性事件 and 刑事案件 are named by descriptions of the standard's 社会安全事件.
- NOT checked: every NUMBER. The scheme seeded here (one digit for the class in the order the
  standard lists its classes, one for the sub-category, zeros after: 10000 自然灾害, 11000
  水旱灾害, ...) is this system's reading of the layered structure, not a copy of the standard's
  table. Every row is seeded with `verified` off; the system administrator corrects a number
  (and turns `verified` on) in the administration pages, audited, once the text is at hand.
  Nothing else depends on the numbers: the class agreement rule reads a row's `category`.
"""

import django.db.models.deletion
import emergencies.models
from typing import Any

from django.db import migrations, models

# (class value, class code, class name, [(sub-category code, name), ...])
CODES: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    (
        "natural",
        "10000",
        "自然灾害",
        [
            ("11000", "水旱灾害"),
            ("12000", "气象灾害"),
            ("13000", "地震灾害"),
            ("14000", "地质灾害"),
            ("15000", "海洋灾害"),
            ("16000", "生物灾害"),
            ("17000", "森林草原火灾"),
        ],
    ),
    (
        "accident",
        "20000",
        "事故灾难",
        [
            ("21000", "工矿商贸等企业的各类安全事故"),
            ("22000", "交通运输事故"),
            ("23000", "公共设施和设备事故"),
            ("24000", "环境污染和生态破坏事件"),
        ],
    ),
    (
        "health",
        "30000",
        "公共卫生事件",
        [
            ("31000", "传染病疫情"),
            ("32000", "群体性不明原因疾病"),
            ("33000", "食品安全和职业危害"),
            ("34000", "动物疫情"),
            ("35000", "其他严重影响公众健康和生命安全的事件"),
        ],
    ),
    (
        "social",
        "40000",
        "社会安全事件",
        [
            ("41000", "恐怖袭击事件"),
            ("42000", "经济安全事件"),
            ("43000", "涉外突发事件"),
            ("44000", "群体性事件"),
            ("45000", "刑事案件"),
        ],
    ),
]


def seed(apps: Any, schema_editor: Any) -> None:
    """Idempotent: a code already there (perhaps corrected by the administrator) is kept."""
    CategoryCode = apps.get_model("emergencies", "CategoryCode")
    for category, code, name, children in CODES:
        parent, _created = CategoryCode.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "verified": False}
        )
        for child_code, child_name in children:
            CategoryCode.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "category": category,
                    "parent": parent,
                    "verified": False,
                },
            )


class Migration(migrations.Migration):

    dependencies = [
        ('emergencies', '0012_merge'),
    ]

    operations = [
        migrations.CreateModel(
            name='CategoryCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=8, unique=True, validators=[emergencies.models.validate_category_code], verbose_name='code')),
                ('name', models.CharField(max_length=60, verbose_name='name')),
                ('category', models.CharField(choices=[('natural', 'Natural disaster'), ('accident', 'Accident or disaster'), ('health', 'Public health event'), ('social', 'Social security event')], max_length=10, verbose_name='class')),
                ('verified', models.BooleanField(default=False, help_text="Off: the name is from the standard's public descriptions, the number not.", verbose_name="checked against the standard's text")),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='emergencies.categorycode', verbose_name='parent code')),
            ],
            options={
                'verbose_name': 'incident category code (GB/T 35561)',
                'verbose_name_plural': 'incident category codes (GB/T 35561)',
                'ordering': ['code'],
            },
        ),
        migrations.AddField(
            model_name='incident',
            name='category_code',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='incidents', to='emergencies.categorycode', verbose_name='category code (GB/T 35561)'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
