"""The point table page: everyone who reads the rankings reads it; the chief previews a change
on a year, then applies it — all or nothing, audited, and the year rebuilt to exactly what the
preview showed."""

from datetime import timedelta
from decimal import Decimal

import pytest

from audit.models import AuditEntry
from scoring.actions import rebuild
from scoring.models import ScoreEntry, ScoreRule
from tests import clock
from tests.bulletins.editorial_helpers import instruct, local, submitted_item
from tests.clock import YEAR
from tests.scoring.scoring_helpers import adopted, assign

pytestmark = pytest.mark.django_db

URL = "/scoring/rules/"
MONDAY = local(f"{clock.nth_weekday(3, clock.MONDAY)} 10:00")  # first Monday of March
LATER = local(f"{YEAR}-06-30 12:00")


def table_form(year: int = YEAR, **changes: object) -> dict[str, str]:
    """The whole table as posted, with `changes` keyed by "<code>-<field>"."""
    data: dict[str, str] = {"year": str(year)}
    for rule in ScoreRule.objects.all():
        values: dict[str, object] = {
            "points": rule.points,
            "forwarded_multiplier": rule.forwarded_multiplier,
            "threshold": rule.threshold if rule.threshold is not None else "",
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


def preview(client, **changes):
    response = client.post(URL, {**table_form(**changes), "action": "preview"})
    assert response.status_code == 200
    return response


def apply(client, **changes):
    """Preview the change, then apply what was previewed."""
    stamp = preview(client, **changes).context["stamp"]
    return client.post(URL, {**table_form(**changes), "action": "apply", "previewed": stamp})


def test_everyone_who_reads_the_board_reads_the_table(client_of, editor, leader, officer_a):
    page = client_of(editor).get(URL)
    assert page.status_code == 200
    # Every rule by its label; its code stays out of the page's words (tests/test_chinese_ui.py).
    label = ScoreRule.objects.get(code="instruction-city").label
    assert label in page.content.decode()
    assert client_of(leader).get(URL).status_code == 200
    assert client_of(officer_a).get(URL).status_code == 403


def test_the_chief_changes_points_with_an_audit_entry(client_of, chief):
    response = apply(client_of(chief), **{"instruction-city-points": "12"})
    assert response.status_code == 302
    assert points("instruction-city") == Decimal(12)
    [entry] = AuditEntry.objects.filter(action="score_rule_changed")
    assert entry.actor == chief
    assert entry.target == "instruction-city"
    assert (entry.data["before"]["points"], entry.data["after"]["points"]) == ("10.00", "12")


def test_an_editor_may_not_edit_the_table(client_of, editor):
    for action in ("preview", "apply"):
        form = {**table_form(**{"instruction-city-points": "12"}), "action": action}
        assert client_of(editor).post(URL, form).status_code == 403
    assert points("instruction-city") == Decimal(10)


@pytest.mark.parametrize(
    "bad",
    [
        {"feedback-late-points": "5"},
        {"adoption-city-points": "-1"},
        {"adoption-province-forwarded_multiplier": "11"},
        {"instruction-province-points": "many"},
        {"violation-late-province-points": "10"},
        {"zeroing-threshold": "0"},
        {"year": "1999"},
    ],
    ids=[
        "positive-penalty",
        "negative-adoption",
        "multiplier-too-big",
        "not-a-number",
        "positive-violation-penalty",
        "zeroing-after-no-miss",
        "year-out-of-range",
    ],
)
def test_a_bad_value_saves_nothing_at_all(client_of, chief, bad):
    year = int(str(bad.pop("year", YEAR)))
    form = table_form(year, **{"instruction-city-points": "12"}, **bad)
    response = client_of(chief).post(URL, {**form, "action": "apply"})
    assert response.status_code == 200
    assert "未保存任何修改" in response.content.decode()
    assert points("instruction-city") == Decimal(10)
    assert points("feedback-late") == Decimal(-5)
    assert points("adoption-city") == Decimal(4)
    assert not AuditEntry.objects.filter(action="score_rule_changed").exists()


def test_a_preview_changes_nothing_and_applying_rebuilds_the_year(
    client_of, chief, officer_a, head_a, leader, unit_a
):
    item = submitted_item(officer_a, head_a, MONDAY - timedelta(days=1))
    instruct(leader, item, MONDAY)
    rebuild(YEAR, as_of=MONDAY + timedelta(days=1))
    client = client_of(chief)
    page = preview(client, **{"instruction-city-points": "15"})
    [unit] = [u for u in page.context["preview"].units if u.unit == unit_a.pk]
    assert unit.after - unit.before == Decimal(5)
    assert points("instruction-city") == Decimal(10)
    assert ScoreEntry.objects.get(unit=unit_a, rule__code="instruction-city").points == Decimal(10)
    assert not AuditEntry.objects.filter(action="score_rule_changed").exists()
    assert apply(client, **{"instruction-city-points": "15"}).status_code == 302
    assert ScoreEntry.objects.get(unit=unit_a, rule__code="instruction-city").points == Decimal(15)
    assert AuditEntry.objects.filter(action="ledger_rebuilt", actor=chief).exists()


def test_applying_gives_exactly_the_lines_the_preview_showed(
    client_of, chief, officer_a, head_a, officer_b, head_b, leader, unit_a, unit_b, city_daily
):
    item = submitted_item(officer_a, head_a, MONDAY - timedelta(days=1), joint_units=(unit_b,))
    instruct(leader, item, MONDAY)
    adopted(officer_b, city_daily, MONDAY, joint=(unit_a,))
    adopted(officer_b, city_daily, MONDAY + timedelta(days=1))
    assign(unit_a, "一类", MONDAY.date().replace(day=1))
    changes = {
        "adoption-city-points": "5",
        "instruction-city-points": "11",
        "quota-shortfall-points": "-1",
    }
    client = client_of(chief)
    shown = preview(client, **changes).context["preview"]
    assert shown.lines, "the change must change something"
    stamp = preview(client, **changes).context["stamp"]
    client.post(URL, {**table_form(**changes), "action": "apply", "previewed": stamp})
    stored = sorted(
        ScoreEntry.objects.filter(year=YEAR).values_list(
            "unit_id", "points", "rule__code", "source_kind", "source_id", "occurred_on"
        )
    )
    assert stored == sorted(
        (x.unit, x.points, x.rule, x.source_kind, x.source_id, x.on) for x in shown.after
    )


def test_the_preview_shows_the_rank_changes(
    client_of, chief, officer_a, officer_b, unit_a, unit_b, city_daily, province_bulletin
):
    assign(unit_a, "一类", MONDAY.date(), quota=0)  # awards go to units above zero
    assign(unit_b, "一类", MONDAY.date())
    for n in range(5):
        adopted(officer_a, city_daily, MONDAY + timedelta(days=n))
    # 20 × 2 (forwarded) = 40 against 5 × 4 = 20; at 10 a city adoption, 50.
    adopted(officer_b, province_bulletin, MONDAY)
    shown = preview(client_of(chief), **{"adoption-city-points": "10"}).context["preview"]
    moves = {
        u.unit: (u.rank_before, u.rank_after, u.award_before, u.award_after) for u in shown.units
    }
    assert moves == {unit_a.pk: (2, 1, "二等奖", "一等奖"), unit_b.pk: (1, 2, "一等奖", "二等奖")}


def test_a_table_changed_since_the_preview_is_not_applied(client_of, chief):
    client = client_of(chief)
    stamp = preview(client, **{"instruction-city-points": "12"}).context["stamp"]
    # Someone else saves the table in between.
    ScoreRule.objects.filter(code="adoption-city").update(points=6)
    form = {**table_form(**{"instruction-city-points": "12"}), "action": "apply"}
    response = client.post(URL, {**form, "previewed": stamp})
    assert response.status_code == 200
    assert response.context["preview"] is not None
    assert points("instruction-city") == Decimal(10)


def test_the_zeroing_threshold_is_edited_like_any_rule(client_of, chief):
    assert apply(client_of(chief), **{"zeroing-threshold": "3"}).status_code == 302
    assert ScoreRule.objects.get(code="zeroing").threshold == 3
    entry = AuditEntry.objects.get(action="score_rule_changed", target="zeroing")
    assert (entry.data["before"]["threshold"], entry.data["after"]["threshold"]) == (2, 3)


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
