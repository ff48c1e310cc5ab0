"""DESIGN §4's penalties, the quota shortfall, the zeroing rule, four unit classes with their
monthly quotas and a default set of award tiers — all editable data."""

from decimal import Decimal

from django.db import migrations

# Violation penalties: (violation kind, issuer) → points. DESIGN §4 gives the upper level's
# figures (late −100, missed or concealed −200, false −50…−100, here −100); the own level's and
# the base ("confirmed, named in no notice") rows are our choice: half and a fifth of them. The
# issuer is relative (accountability.issuers): "province" is the office above, "city" this one.
PENALTIES = {
    "late": ("迟报", "-100", "-50", "-20"),
    "missed": ("漏报", "-200", "-100", "-40"),
    "concealed": ("瞒报", "-200", "-100", "-40"),
    "false": ("误报", "-100", "-50", "-20"),
}
ISSUERS = (
    ("province", "上级通报"),
    ("city", "本级通报（自定：上级标准的一半）"),
    ("", "已确认、未通报（自定：上级标准的五分之一）"),
)
# code, kind, points, threshold, note
OTHERS = [
    ("quota-shortfall", "quota_shortfall", "-2", None, "月度报送定额每缺1条扣2分（自定）"),
    ("zeroing", "zeroing", "0", 2, "一年内2次约稿未报送，全年得分清零（正分归零，负分保留）"),
]
# name, monthly quota, order — DESIGN §4's example quotas.
CLASSES = [("一类", 8, 1), ("二类", 6, 2), ("三类", 5, 3), ("四类", 3, 4)]
# name, position, places — by default the top three of each class.
TIERS = [("一等奖", 1, 1), ("二等奖", 2, 1), ("三等奖", 3, 1)]


def seed(apps, schema_editor):
    ScoreRule = apps.get_model("scoring", "ScoreRule")
    UnitClass = apps.get_model("scoring", "UnitClass")
    AwardTier = apps.get_model("scoring", "AwardTier")
    for kind, (label, *points) in PENALTIES.items():
        for (issuer, note), value in zip(ISSUERS, points, strict=True):
            code = f"violation-{kind}-{issuer or 'base'}"
            ScoreRule.objects.get_or_create(
                code=code,
                defaults={
                    "kind": "violation",
                    "violation_kind": kind,
                    "level": issuer,
                    "points": Decimal(value),
                    "note": f"{label}：{note}",
                },
            )
    for code, kind, points, threshold, note in OTHERS:
        ScoreRule.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "points": Decimal(points),
                "threshold": threshold,
                "note": note,
            },
        )
    for name, quota, order in CLASSES:
        unit_class, created = UnitClass.objects.get_or_create(
            name=name, defaults={"monthly_quota": quota, "sort_order": order}
        )
        if created:
            for tier, position, places in TIERS:
                AwardTier.objects.create(
                    unit_class=unit_class, name=tier, position=position, places=places
                )


def unseed(apps, schema_editor):
    ScoreRule = apps.get_model("scoring", "ScoreRule")
    ScoreRule.objects.filter(kind__in=["violation", "quota_shortfall", "zeroing"]).delete()
    apps.get_model("scoring", "AwardTier").objects.all().delete()
    apps.get_model("scoring", "UnitClass").objects.filter(
        name__in=[c[0] for c in CLASSES], assignments__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_classes_awards_violation_rules")]

    operations = [migrations.RunPython(seed, unseed)]
