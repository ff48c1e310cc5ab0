"""The rankings page: each class ranked on its own, awards on the annual ranking, a
disqualified unit marked and passed over, a zeroed unit marked; a fixed number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.actions import rebuild
from scoring.models import AwardTier, UnitClass
from tests.bulletins.editorial_helpers import local, solicit
from tests.clock import YEAR
from tests.factories import make_unit
from tests.scoring.scoring_helpers import adopted, assign, province_notice, violation

pytestmark = pytest.mark.django_db

URL = reverse("scoring:board")
LATER = local(f"{YEAR}-11-20 12:00")


@pytest.fixture
def unit_c(db):
    return make_unit("丙县委办公室", code="unit-c")


@pytest.fixture
def ranked(officer_a, officer_b, unit_a, unit_b, unit_c, city_daily, province_bulletin):
    """A and B in class 一类 (quota 8 a month), A ahead; C alone in 二类 (no quota)."""
    assign(unit_a, "一类", date(YEAR, 1, 1))
    assign(unit_b, "一类", date(YEAR, 1, 1))
    assign(unit_c, "二类", date(YEAR, 1, 1), quota=0)
    adopted(officer_a, province_bulletin, local(f"{YEAR}-02-02 10:00"))  # 20 × 2: forwarded
    adopted(officer_b, city_daily, local(f"{YEAR}-02-03 10:00"))  # 4
    rebuild(YEAR, as_of=LATER)


def places(response, class_name):
    [board] = [
        b
        for b in response.context["boards"]
        if (b.unit_class.name if b.unit_class else None) == class_name
    ]
    return [
        (p.rank, p.standing.name, p.standing.total, p.award.name if p.award else None)
        for p in board.places
    ]


def test_each_class_is_ranked_with_its_awards(client_of, leader, ranked):
    UnitClass.objects.filter(name="一类").update(monthly_quota=0)
    rebuild(YEAR, as_of=LATER)
    page = client_of(leader).get(URL, {"year": YEAR})
    assert page.status_code == 200
    first = places(page, "一类")
    assert [(r, name, award) for r, name, _, award in first] == [
        (1, "甲区委办公室", "一等奖"),
        (2, "乙县委办公室", "二等奖"),
    ]
    # C, alone in its class, earned nothing: first in the class, but no award.
    assert [(r, name, total, award) for r, name, total, award in places(page, "二类")] == [
        (1, "丙县委办公室", 0, None)
    ]
    assert "一等奖" in page.content.decode()


def test_units_below_zero_get_no_award_however_few_they_are(client_of, leader, ranked):
    # With the quota, both units of 一类 end the year below zero: the top places stay empty.
    first = places(client_of(leader).get(URL, {"year": YEAR}), "一类")
    assert [(total < 0, award) for _, _, total, award in first] == [(True, None), (True, None)]


def test_the_classs_floor_holds_back_awards_below_it(client_of, leader, ranked):
    UnitClass.objects.filter(name="一类").update(monthly_quota=0, award_floor=10)
    rebuild(YEAR, as_of=LATER)
    first = places(client_of(leader).get(URL, {"year": YEAR}), "一类")
    assert [(name, award) for _, name, _, award in first] == [
        ("甲区委办公室", "一等奖"),
        ("乙县委办公室", None),  # 4 points, below the floor of 10
    ]


def test_a_monthly_ranking_has_no_awards(client_of, editor, ranked):
    page = client_of(editor).get(URL, {"year": YEAR, "period": "2"})
    assert [award for *_, award in places(page, "一类")] == [None, None]
    # February: the adoption (a provincial one is of a forwarded item: × 2), less 7 items
    # short × 2.
    assert [total for _, _, total, _ in places(page, "一类")] == [20 * 2 - 14, 4 - 14]


def test_a_disqualified_unit_is_marked_and_the_award_passes_on(client_of, chief, unit_a, ranked):
    UnitClass.objects.filter(name="一类").update(monthly_quota=0)
    late = violation(chief, unit_a, "late", date(YEAR, 3, 10))
    province_notice(chief, [late], date(YEAR, 3, 20))
    rebuild(YEAR, as_of=LATER)
    page = client_of(chief).get(URL, {"year": YEAR})
    [board] = [b for b in page.context["boards"] if b.unit_class and b.unit_class.name == "一类"]
    # A keeps its place in the list (the penalty moved it down), marked, without an award.
    a = next(p for p in board.places if p.standing.unit == unit_a.pk)
    b = next(p for p in board.places if p.standing.unit != unit_a.pk)
    assert (a.standing.disqualified, a.award) == (True, None)
    assert b.award is not None and b.award.name == "一等奖"
    assert reverse("accountability:unit_eligibility", args=[unit_a.pk]) in page.content.decode()


def test_a_unit_whose_year_is_zeroed_is_marked_and_gets_no_award(client_of, editor, unit_a, ranked):
    UnitClass.objects.filter(name="一类").update(monthly_quota=0)
    solicit(editor, [unit_a], local(f"{YEAR}-03-02 09:00"), local(f"{YEAR}-03-06 17:00"))
    solicit(editor, [unit_a], local(f"{YEAR}-04-01 09:00"), local(f"{YEAR}-04-03 17:00"))
    rebuild(YEAR, as_of=LATER)
    page = client_of(editor).get(URL, {"year": YEAR})
    board = next(b for b in page.context["boards"] if b.unit_class and b.unit_class.name == "一类")
    zeroed = next(p for p in board.places if p.standing.unit == unit_a.pk)
    assert (zeroed.standing.zeroed, zeroed.standing.total, zeroed.award) == (True, 0, None)
    # The monthly ranking of February marks it too.
    february = client_of(editor).get(URL, {"year": YEAR, "period": "2"})
    board = next(
        b for b in february.context["boards"] if b.unit_class and b.unit_class.name == "一类"
    )
    assert next(p for p in board.places if p.standing.unit == unit_a.pk).standing.zeroed


def test_awards_by_threshold_are_given_to_everyone_who_reaches_it(client_of, leader, ranked):
    first = UnitClass.objects.get(name="一类")
    first.monthly_quota = 0
    first.save()
    rebuild(YEAR, as_of=LATER)
    AwardTier.objects.filter(unit_class=first).delete()
    AwardTier.objects.create(unit_class=first, name="优秀奖", position=1, min_points=4)
    AwardTier.objects.create(unit_class=first, name="鼓励奖", position=2, min_points=30)
    page = client_of(leader).get(URL, {"year": YEAR})
    assert [award for *_, award in places(page, "一类")] == ["优秀奖", "优秀奖"]
    AwardTier.objects.filter(name="优秀奖").update(min_points=5)
    page = client_of(leader).get(URL, {"year": YEAR})
    assert [award for *_, award in places(page, "一类")] == ["优秀奖", None]


def test_units_in_no_class_are_listed_apart_without_awards(client_of, leader, ranked):
    make_unit("丁区委办公室")
    page = client_of(leader).get(URL, {"year": YEAR})
    apart = places(page, None)
    assert "丁区委办公室" in [name for _, name, _, _ in apart]
    assert {award for *_, award in apart} == {None}


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, {"year": YEAR}).status_code == 200
    return len(ctx.captured_queries)


def test_the_ranking_page_takes_a_fixed_number_of_queries(
    client_of, editor, officer_a, city_daily, ranked
):
    client = client_of(editor)
    _queries(client)  # the first request also loads the session and the menu's caches
    few = _queries(client)
    for n in range(6):
        unit = make_unit(f"新单位{n}")
        assign(unit, "二类", date(YEAR, 1, 1))
    for n in range(4):
        adopted(officer_a, city_daily, local(f"{YEAR}-05-04 10:00") + timedelta(days=n))
    rebuild(YEAR, as_of=LATER)
    assert _queries(client) == few


def test_the_board_links_exports_and_the_chief_may_rebuild(client_of, chief, editor, ranked):
    body = client_of(chief).get(URL, {"year": YEAR}).content.decode()
    assert reverse("scoring:board_xlsx") in body
    assert reverse("scoring:evaluation_docx") in body
    assert reverse("scoring:rebuild") in body
    assert reverse("scoring:rebuild") not in client_of(editor).get(URL).content.decode()
