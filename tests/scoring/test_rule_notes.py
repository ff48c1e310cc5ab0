"""The seeded point table speaks of levels, not of one city's and one province's offices: a fresh
database seeds level-neutral notes, and scoring 0012 rewrites an older database's seeded notes
while leaving a note the office edited alone. A violation rule reads as the notice's issuer
(本级/上级通报), never as a publication level."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from scoring.models import ScoreRule

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("scoring.migrations.0012_level_neutral_rule_notes")


def notes(*codes: str) -> list[str]:
    by_code = dict(ScoreRule.objects.filter(code__in=codes).values_list("code", "note"))
    return [by_code[c] for c in codes]


def test_a_fresh_database_seeds_level_neutral_notes() -> None:
    assert notes("adoption-province", "violation-late-province", "violation-late-city") == [
        "省级刊物采用；上报件×2",
        "迟报：上级通报",
        "迟报：本级通报（自定：上级标准的一半）",
    ]
    seeded = " ".join(ScoreRule.objects.values_list("note", flat=True))
    assert "省委办公厅" not in seeded and "市委办公室" not in seeded


def test_the_migration_rewrites_the_seeded_text_and_leaves_an_edited_note() -> None:
    ScoreRule.objects.filter(code="violation-missed-province").update(note="漏报：省委办公厅通报")
    ScoreRule.objects.filter(code="adoption-province").update(note="省委办公厅采用；上报件×2")
    ScoreRule.objects.filter(code="violation-late-city").update(note="迟报：市委通报，本市自定")

    MIGRATION.rewrite(apps, None)

    assert notes("violation-missed-province", "adoption-province", "violation-late-city") == [
        "漏报：上级通报",
        "省级刊物采用；上报件×2",
        "迟报：市委通报，本市自定",
    ]
    MIGRATION.back(apps, None)
    assert notes("violation-missed-province", "violation-late-city") == [
        "漏报：省委办公厅通报",
        "迟报：市委通报，本市自定",
    ]


def test_a_violation_rule_reads_as_its_notices_issuer() -> None:
    with translation.override("zh-hans"):
        upper = ScoreRule.objects.get(code="violation-late-province").label
        own = ScoreRule.objects.get(code="violation-late-city").label
        adoption = ScoreRule.objects.get(code="adoption-province").label
    assert upper.endswith("上级通报") and own.endswith("本级通报")
    assert "省" in adoption
