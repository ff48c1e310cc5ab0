"""The point table page: everyone who reads the board reads it, the chief edits it, all or
nothing and audited; the next rebuild uses the new points."""

from datetime import timedelta
from decimal import Decimal

import pytest

from audit.models import AuditEntry
from scoring.actions import rebuild
from scoring.models import ScoreEntry, ScoreRule
from tests.bulletins.editorial_helpers import instruct, local, submitted_item

pytestmark = pytest.mark.django_db

URL = "/scoring/rules/"
MONDAY = local("2026-03-02 10:00")
LATER = local("2026-06-30 12:00")


def table_form(**changes: object) -> dict[str, str]:
    """The whole table as posted, with `changes` keyed by "<code>-<field>"."""
    data: dict[str, str] = {}
    for rule in ScoreRule.objects.all():
        values: dict[str, object] = {
            "points": rule.points,
            "forwarded_multiplier": rule.forwarded_multiplier,
            "active": rule.active,
            "note": rule.note,
        }
        for name, value in values.items():
            value = changes.get(f"{rule.code}-{name}", value)
            if name == "active":
                if value:
                    data[f"r{rule.pk}-active"] = "on"
                continue
            data[f"r{rule.pk}-{name}"] = str(value)
    return data


def points(code: str) -> Decimal:
    return ScoreRule.objects.get(code=code).points


def test_everyone_who_reads_the_board_reads_the_table(client_of, editor, leader, officer_a):
    page = client_of(editor).get(URL)
    assert page.status_code == 200
    assert "instruction-city" in page.content.decode()
    assert client_of(leader).get(URL).status_code == 200
    assert client_of(officer_a).get(URL).status_code == 403


def test_the_chief_changes_points_with_an_audit_entry(client_of, chief):
    response = client_of(chief).post(URL, table_form(**{"instruction-city-points": "12"}))
    assert response.status_code == 302
    assert points("instruction-city") == Decimal(12)
    [entry] = AuditEntry.objects.filter(action="score_rule_changed")
    assert entry.actor == chief
    assert entry.target == "instruction-city"
    assert (entry.data["before"]["points"], entry.data["after"]["points"]) == ("10.00", "12")


def test_an_editor_may_not_edit_the_table(client_of, editor):
    response = client_of(editor).post(URL, table_form(**{"instruction-city-points": "12"}))
    assert response.status_code == 403
    assert points("instruction-city") == Decimal(10)


@pytest.mark.parametrize(
    "bad",
    [
        {"feedback-late-points": "5"},
        {"adoption-city-points": "-1"},
        {"adoption-province-forwarded_multiplier": "11"},
        {"instruction-province-points": "many"},
    ],
    ids=["positive-penalty", "negative-adoption", "multiplier-too-big", "not-a-number"],
)
def test_a_bad_value_saves_nothing_at_all(client_of, chief, bad):
    response = client_of(chief).post(URL, table_form(**{"instruction-city-points": "12"}, **bad))
    assert response.status_code == 200
    assert "未保存任何修改" in response.content.decode()
    assert points("instruction-city") == Decimal(10)
    assert points("feedback-late") == Decimal(-5)
    assert points("adoption-city") == Decimal(4)
    assert not AuditEntry.objects.filter(action="score_rule_changed").exists()


def test_a_rebuild_after_the_change_uses_the_new_points(
    client_of, chief, officer_a, head_a, leader, unit_a
):
    item = submitted_item(officer_a, head_a, MONDAY - timedelta(days=1))
    instruct(leader, item, MONDAY)
    rebuild(2026, as_of=MONDAY + timedelta(days=1))
    assert ScoreEntry.objects.get(unit=unit_a, rule__code="instruction-city").points == Decimal(10)
    client_of(chief).post(URL, table_form(**{"instruction-city-points": "15"}))
    # Saving the table does not touch the ledger; the next rebuild does.
    assert ScoreEntry.objects.get(unit=unit_a, rule__code="instruction-city").points == Decimal(10)
    client_of(chief).post("/scoring/rebuild/", {"year": "2026"})
    assert ScoreEntry.objects.get(unit=unit_a, rule__code="instruction-city").points == Decimal(15)


def test_the_chief_adds_a_rule_for_one_publication(client_of, chief, editor, city_daily):
    form = {
        "action": "add",
        "add-publication": str(city_daily.pk),
        "add-points": "6",
        "add-forwarded_multiplier": "1",
    }
    assert client_of(editor).post(URL, form).status_code == 403
    assert client_of(chief).post(URL, {**form, "add-points": "-6"}).status_code == 200
    assert not ScoreRule.objects.filter(publication=city_daily).exists()
    assert client_of(chief).post(URL, form).status_code == 302
    rule = ScoreRule.objects.get(publication=city_daily)
    assert (rule.kind, rule.level, rule.points) == ("adoption", "city", Decimal(6))
    assert AuditEntry.objects.filter(action="score_rule_added", target=rule.code).exists()
    # The publication now has its rule and is no longer offered.
    assert client_of(chief).post(URL, form).status_code == 200
    assert ScoreRule.objects.filter(publication=city_daily).count() == 1
