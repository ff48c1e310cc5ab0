"""The typical point table of DESIGN §4, as editable data. The notes name publication levels,
not offices: an instance of any level seeds the same table (0012 rewrote the first wording)."""

from decimal import Decimal

from django.db import migrations

# code, kind, level, points, forwarded multiplier, note
RULES = [
    ("adoption-city", "adoption", "city", "4", "1", "市级刊物采用"),
    ("adoption-province", "adoption", "province", "20", "2", "省级刊物采用；上报件×2"),
    ("adoption-central", "adoption", "central", "50", "5", "中办采用；上报件×5"),
    ("instruction-city", "instruction", "city", "10", "1", "市领导批示，同级不累计"),
    ("instruction-province", "instruction", "province", "30", "1", "省领导批示，同级不累计"),
    ("instruction-central", "instruction", "central", "80", "1", "中央领导批示，同级不累计"),
    ("feedback-late", "feedback_late", "", "-5", "1", "批示反馈逾期"),
    ("feedback-missing", "feedback_missing", "", "-10", "1", "批示未反馈"),
    ("solicitation-missed", "solicitation_missed", "", "-10", "1", "约稿未报送"),
]
# A rule for one publication, seeded only if that publication exists.
SPECIAL_CODES = ("special", "zb", "zhuanbao")


def seed(apps, schema_editor):
    ScoreRule = apps.get_model("scoring", "ScoreRule")
    Publication = apps.get_model("bulletins", "Publication")
    for code, kind, level, points, multiplier, note in RULES:
        ScoreRule.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "level": level,
                "points": Decimal(points),
                "forwarded_multiplier": Decimal(multiplier),
                "note": note,
            },
        )
    special = Publication.objects.filter(code__in=SPECIAL_CODES, level="city").first()
    if special is not None:
        ScoreRule.objects.get_or_create(
            code="adoption-city-special",
            defaults={
                "kind": "adoption",
                "level": "city",
                "publication": special,
                "points": Decimal(10),
                "note": "信息专报采用",
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("scoring", "ScoreRule").objects.filter(
        code__in=[r[0] for r in RULES] + ["adoption-city-special"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial"), ("bulletins", "0003_city_publications_compiled_here")]

    operations = [migrations.RunPython(seed, unseed)]
