"""The new sources of points through the real actions: confirmed violations priced by the
most senior issued notice naming them, monthly quota shortfalls, and the year zeroed after
missed solicitations."""

from datetime import date
from decimal import Decimal

import pytest

from accountability import rules as accountability_rules
from accountability.models import ViolationKind
from scoring.actions import rebuild
from scoring.models import ScoreEntry
from tests.bulletins.editorial_helpers import local, solicit
from tests.clock import YEAR
from tests.scoring.scoring_helpers import (
    adopted,
    assign,
    city_notice,
    ledger_rows,
    province_notice,
    sent,
    violation,
)

pytestmark = pytest.mark.django_db

LATER = local(f"{YEAR}-11-20 12:00")


def penalties(unit) -> list[tuple[str, Decimal]]:
    return sorted(
        ScoreEntry.objects.filter(unit=unit, source_kind="violation").values_list(
            "rule__code", "points"
        )
    )


def test_a_confirmed_violation_costs_the_base_points_until_a_notice_names_it(chief, unit_a):
    late = violation(chief, unit_a, ViolationKind.LATE, date(YEAR, 3, 10))
    rebuild(YEAR, as_of=LATER)
    assert penalties(unit_a) == [("violation-late-base", Decimal(-20))]
    city_notice(chief, [late], date(YEAR, 3, 20))
    rebuild(YEAR, as_of=LATER)
    assert penalties(unit_a) == [("violation-late-city", Decimal(-50))]


def test_a_provincial_notice_sets_the_penalty_once_however_many_notices_name_it(chief, unit_a):
    missed = violation(chief, unit_a, ViolationKind.MISSED, date(YEAR, 3, 10))
    city_notice(chief, [missed], date(YEAR, 3, 20))
    province_notice(chief, [missed], date(YEAR, 4, 2))
    rebuild(YEAR, as_of=LATER)
    assert penalties(unit_a) == [("violation-missed-province", Decimal(-200))]
    entry = ScoreEntry.objects.get(unit=unit_a, source_kind="violation")
    assert (entry.source_id, entry.occurred_on) == (missed.pk, date(YEAR, 3, 10))


def test_pending_and_waived_violations_cost_nothing(chief, unit_a):
    violation(None, unit_a, ViolationKind.FALSE, decide=None)
    violation(chief, unit_a, ViolationKind.CONCEALED, decide=accountability_rules.WAIVE)
    rebuild(YEAR, as_of=LATER)
    assert penalties(unit_a) == []


# --- quotas ----------------------------------------------------------------------------------


def quota_lines(unit) -> list[tuple[int, Decimal, str]]:
    return list(
        ScoreEntry.objects.filter(unit=unit, source_kind="quota")
        .order_by("source_id")
        .values_list("source_id", "points", "source_label")
    )


def test_quota_counts_items_that_left_the_unit_joint_items_for_every_unit(
    officer_a, head_a, officer_b, head_b, unit_a, unit_b
):
    assign(unit_a, "四类", date(YEAR, 3, 1), quota=3)
    assign(unit_b, "四类", date(YEAR, 3, 1))
    sent(officer_a, head_a, local(f"{YEAR}-03-03 10:00"))
    sent(officer_a, head_a, local(f"{YEAR}-03-31 23:30"))  # still March in Shanghai
    sent(officer_b, head_b, local(f"{YEAR}-03-12 10:00"), joint=(unit_a,))
    sent(officer_a, head_a, local(f"{YEAR}-04-08 10:00"))
    sent(officer_a, head_a, local(f"{YEAR}-05-06 10:00"))
    rebuild(YEAR, as_of=local(f"{YEAR}-05-20 12:00"))
    # March: 2 of its own + 1 joint = 3, met. April: 1 of 3 → 2 short × −2. May is not over.
    assert quota_lines(unit_a) == [(YEAR * 100 + 4, Decimal(-4), f"{YEAR}-04: 1/3")]
    # Unit B: its own joint item in March (1 of 3), nothing in April.
    assert quota_lines(unit_b) == [
        (YEAR * 100 + 3, Decimal(-4), f"{YEAR}-03: 1/3"),
        (YEAR * 100 + 4, Decimal(-6), f"{YEAR}-04: 0/3"),
    ]


def test_the_month_is_charged_once_it_is_over(unit_a):
    assign(unit_a, "四类", date(YEAR, 3, 1), quota=3)
    rebuild(YEAR, as_of=local(f"{YEAR}-03-31 23:59"))
    assert quota_lines(unit_a) == []
    rebuild(YEAR, as_of=local(f"{YEAR}-04-01 00:00"))
    assert quota_lines(unit_a) == [(YEAR * 100 + 3, Decimal(-6), f"{YEAR}-03: 0/3")]


def test_a_unit_in_no_class_owes_no_quota(unit_a):
    rebuild(YEAR, as_of=LATER)
    assert quota_lines(unit_a) == []


# --- zeroing ---------------------------------------------------------------------------------


def test_two_missed_solicitations_zero_the_year(editor, unit_a, unit_b, city_daily, officer_a):
    for n in range(5):
        adopted(officer_a, city_daily, local(f"{YEAR}-02-{n + 2:02d} 10:00"))
    first = solicit(
        editor, [unit_a, unit_b], local(f"{YEAR}-03-02 09:00"), local(f"{YEAR}-03-06 17:00")
    )
    second = solicit(editor, [unit_a], local(f"{YEAR}-06-01 09:00"), local(f"{YEAR}-06-05 17:00"))
    rebuild(YEAR, as_of=local(f"{YEAR}-06-05 16:00"))
    assert not ScoreEntry.objects.filter(rule__code="zeroing").exists()
    rebuild(YEAR, as_of=local(f"{YEAR}-06-05 18:00"))
    zero = ScoreEntry.objects.get(rule__code="zeroing")
    # 5 adoptions × 4 − 2 misses × 10 = 0: nothing left to zero, but the unit is marked.
    assert (zero.unit_id, zero.points, zero.occurred_on) == (unit_a.pk, 0, date(YEAR, 12, 31))
    assert zero.source_id == second.expected.get(unit=unit_a).pk
    assert first.expected.get(unit=unit_b).pk not in [
        r[4] for r in ledger_rows() if r[2] == "zeroing"
    ]


def test_a_zeroed_year_totals_zero_and_later_points_are_zeroed_too(
    editor, unit_a, city_daily, officer_a
):
    for n in range(8):
        adopted(officer_a, city_daily, local(f"{YEAR}-02-{n + 2:02d} 10:00"))
    solicit(editor, [unit_a], local(f"{YEAR}-03-02 09:00"), local(f"{YEAR}-03-06 17:00"))
    solicit(editor, [unit_a], local(f"{YEAR}-04-01 09:00"), local(f"{YEAR}-04-03 17:00"))
    adopted(officer_a, city_daily, local(f"{YEAR}-09-01 10:00"))
    rebuild(YEAR, as_of=LATER)
    total = sum(p for u, p, *_ in ledger_rows(YEAR) if u == unit_a.pk)
    assert total == 0
    assert ScoreEntry.objects.get(rule__code="zeroing").points == Decimal(-16)  # 9×4 − 20
    # The months keep what was earned; December carries the zeroing.
    february = ScoreEntry.objects.filter(unit=unit_a, month=2)
    assert sum(e.points for e in february) == Decimal(32)
