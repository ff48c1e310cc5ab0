"""Rankings and awards as pure functions: the tie-break rule, award tiers by rank and by
threshold, disqualified and zeroed units passed over. No database."""

from decimal import Decimal

import pytest

from scoring.ranking import Standing, Tier, awards, by_class, may_be_awarded, ranked, tie_key

D = Decimal


def unit(n: int, total: int, **kw) -> Standing:
    return Standing(unit=n, name=f"单位{n}", order=(n, f"u{n}"), total=D(total), **kw)


def order(*standings: Standing) -> list[int]:
    return [s.unit for s in ranked(standings)]


def test_more_points_rank_first():
    assert order(unit(1, 10), unit(2, 30), unit(3, 20)) == [2, 3, 1]


def test_a_tie_goes_to_more_points_from_provincial_and_central_adoptions():
    assert order(unit(1, 50, upper_points=D(0)), unit(2, 50, upper_points=D(20))) == [2, 1]


def test_then_to_more_adoptions():
    assert order(unit(1, 50, adoptions=3), unit(2, 50, adoptions=5)) == [2, 1]


def test_then_to_fewer_confirmed_violations():
    assert order(unit(1, 50, violations=2), unit(2, 50, violations=1)) == [2, 1]


def test_then_to_the_directory_order():
    assert order(unit(2, 50), unit(1, 50)) == [1, 2]


def test_the_criteria_apply_in_their_stated_order():
    # More upper points beat more adoptions, which beat fewer violations.
    a = unit(1, 50, upper_points=D(10), adoptions=1, violations=3)
    b = unit(2, 50, upper_points=D(0), adoptions=9, violations=0)
    assert order(a, b) == [1, 2]
    assert tie_key(a) < tie_key(b)


FIRST, SECOND, THIRD = (
    Tier(1, "一等奖", 1, places=1),
    Tier(2, "二等奖", 2, places=2),
    Tier(3, "三等奖", 3, places=2),
)


def given(standings: list[Standing], tiers: list[Tier]) -> dict[int, str]:
    return {unit: tier.name for unit, tier in awards(ranked(standings), tiers).items()}


def test_tiers_by_rank_take_the_next_places_in_ranking_order():
    units = [unit(n, 100 - n) for n in range(1, 7)]
    assert given(units, [THIRD, FIRST, SECOND]) == {
        1: "一等奖",
        2: "二等奖",
        3: "二等奖",
        4: "三等奖",
        5: "三等奖",
    }


def test_a_disqualified_unit_keeps_its_place_and_the_award_passes_to_the_next():
    units = [unit(1, 90, disqualified=True), unit(2, 80), unit(3, 70), unit(4, 60)]
    assert given(units, [FIRST, SECOND]) == {2: "一等奖", 3: "二等奖", 4: "二等奖"}
    assert order(*units)[0] == 1


def test_a_zeroed_unit_gets_no_award():
    units = [unit(1, 0, zeroed=True), unit(2, 5)]
    assert given(units, [FIRST]) == {2: "一等奖"}


# (case, total, disqualified, zeroed, floor, may be awarded)
ELIGIBLE = [
    ("points, no floor", 5, False, False, 0, True),
    ("no points at all", 0, False, False, 0, False),
    ("fewer than none", -14, False, False, 0, False),
    ("a fraction of a point", D("0.5"), False, False, 0, True),
    ("on the floor", 30, False, False, 30, True),
    ("just below the floor", D("29.99"), False, False, 30, False),
    ("above the floor but disqualified", 90, True, False, 30, False),
    ("above the floor but zeroed", 90, False, True, 30, False),
]


@pytest.mark.parametrize(
    "total, disqualified, zeroed, floor, expected",
    [c[1:] for c in ELIGIBLE],
    ids=[c[0] for c in ELIGIBLE],
)
def test_who_may_be_awarded(total, disqualified, zeroed, floor, expected):
    standing = unit(1, 0, disqualified=disqualified, zeroed=zeroed)._replace(total=D(total))
    assert may_be_awarded(standing, D(floor)) is expected


def test_top_places_never_go_to_units_without_points():
    # Three places and a class where only two units earned anything: the others get nothing.
    units = [unit(1, 20), unit(2, 4), unit(3, 0), unit(4, -14)]
    assert given(units, [FIRST, SECOND, THIRD]) == {1: "一等奖", 2: "二等奖"}


def test_the_classs_floor_binds_every_tier():
    units = [unit(1, 60), unit(2, 30), unit(3, 29), unit(4, 10)]
    floored = awards(ranked(units), [FIRST, SECOND, THIRD], D(30))
    assert {u: t.name for u, t in floored.items()} == {1: "一等奖", 2: "二等奖"}


def test_each_class_has_its_own_floor():
    standings = [unit(1, 40, class_id=7), unit(2, 40, class_id=8)]
    boards = by_class(standings, [7, 8], {7: [FIRST], 8: [FIRST]}, {7: D(50), 8: D(10)})
    assert [[p.award for p in b.places] for b in boards] == [[None], [FIRST]]


def test_tiers_by_threshold_take_everyone_who_reaches_them():
    tiers = [Tier(1, "一等奖", 1, min_points=D(80)), Tier(2, "二等奖", 2, min_points=D(50))]
    units = [unit(1, 95), unit(2, 80), unit(3, 79), unit(4, 50, disqualified=True), unit(5, 49)]
    assert given(units, tiers) == {1: "一等奖", 2: "一等奖", 3: "二等奖"}


def test_places_and_a_threshold_together_both_bind():
    tier = Tier(1, "一等奖", 1, places=3, min_points=D(60))
    assert given([unit(1, 90), unit(2, 70), unit(3, 59), unit(4, 58)], [tier]) == {
        1: "一等奖",
        2: "一等奖",
    }


def test_a_tier_without_places_or_threshold_gives_nothing():
    assert given([unit(1, 90)], [Tier(1, "一等奖", 1)]) == {}


def test_each_class_is_ranked_and_awarded_on_its_own_and_the_unclassified_get_nothing():
    standings = [
        unit(1, 10, class_id=7),
        unit(2, 90, class_id=8),
        unit(3, 50, class_id=7),
        unit(4, 99),
    ]
    boards = by_class(standings, [7, 8], {7: [FIRST], 8: [FIRST]})
    assert [(b.class_id, [p.standing.unit for p in b.places]) for b in boards] == [
        (7, [3, 1]),
        (8, [2]),
        (None, [4]),
    ]
    assert [(p.standing.unit, p.rank, p.award) for p in boards[0].places] == [
        (3, 1, FIRST),
        (1, 2, None),
    ]
    assert boards[2].places[0].award is None


def test_without_tiers_nobody_is_awarded():
    boards = by_class([unit(1, 10, class_id=7)], [7], None)
    assert boards[0].places[0].award is None
