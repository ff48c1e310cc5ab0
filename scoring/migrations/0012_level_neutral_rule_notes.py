"""The seeded point table's notes named the city's and the province's offices (省委办公厅采用,
市委办公室通报…), wrong on an instance of another level. Rewrite the notes that still hold the
seeded text; a note the office has edited is left as it is."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

PENALTY_LABELS = {"late": "迟报", "missed": "漏报", "concealed": "瞒报", "false": "误报"}
ISSUER_NOTES = {
    "province": ("省委办公厅通报", "上级通报"),
    "city": ("市委办公室通报（自定：省级标准的一半）", "本级通报（自定：上级标准的一半）"),
    "base": (
        "已确认、未通报（自定：省级标准的五分之一）",
        "已确认、未通报（自定：上级标准的五分之一）",
    ),
}
# code → (seeded note, level-neutral note)
NOTES = {
    "adoption-city": ("市委每日要情采用", "市级刊物采用"),
    "adoption-province": ("省委办公厅采用；上报件×2", "省级刊物采用；上报件×2"),
    **{
        f"violation-{kind}-{issuer}": (f"{label}：{old}", f"{label}：{new}")
        for kind, label in PENALTY_LABELS.items()
        for issuer, (old, new) in ISSUER_NOTES.items()
    },
}


def rewrite(apps: Apps, schema_editor: BaseDatabaseSchemaEditor, forward: bool = True) -> None:
    ScoreRule = apps.get_model("scoring", "ScoreRule")
    for code, (old, new) in NOTES.items():
        before, after = (old, new) if forward else (new, old)
        ScoreRule.objects.filter(code=code, note=before).update(note=after)


def back(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rewrite(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0011_circulars_and_report_policy")]

    operations = [migrations.RunPython(rewrite, back)]
