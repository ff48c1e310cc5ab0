"""GET /api/rankings and /api/rankings/units/{id}/scorecard: the rankings page's figures for the
office's readers (the section and city leaders), a unit's own scorecard for its officer and
head; 404 for another unit's, 403 for whoever reads no points.

The figures are the seeded point table's, worked by hand: a provincial adoption of a forwarded
item 20 × 2 = 40, the city's daily bulletin 4; monthly quotas off."""

from datetime import date

import pytest

from scoring.actions import rebuild
from tests.api.conftest import error_of
from tests.bulletins.editorial_helpers import local
from tests.clock import YEAR
from tests.scoring.scoring_helpers import adopted, assign

pytestmark = pytest.mark.django_db

LATER = local(f"{YEAR}-11-20 12:00")


@pytest.fixture
def ranked(officer_a, officer_b, unit_a, unit_b, city_daily, province_bulletin):
    """A and B in class 一类, A ahead: A's item adopted by the province in February, B's by
    the city's daily bulletin."""
    assign(unit_a, "一类", date(YEAR, 1, 1), quota=0)
    assign(unit_b, "一类", date(YEAR, 1, 1))
    adopted(officer_a, province_bulletin, local(f"{YEAR}-02-02 10:00"))
    adopted(officer_b, city_daily, local(f"{YEAR}-02-03 10:00"))
    rebuild(YEAR, as_of=LATER)


def first_class(body):
    [board] = [c for c in body["classes"] if c["class_name"] == "一类"]
    return [
        (p["rank"], p["unit_name"], p["total"], p["award"]["name"] if p["award"] else None)
        for p in board["places"]
    ]


@pytest.mark.parametrize("persona", ["editor", "chief", "leader"])
def test_the_office_readers_see_the_annual_ranking_with_its_awards(
    persona, personas, client_of, ranked
):
    answer = client_of(personas[persona]).get("/api/rankings", {"year": YEAR})
    assert answer.status_code == 200
    body = answer.json()
    assert body["period"] == {
        "year": YEAR,
        "period": "",
        "first_day": f"{YEAR}-01-01",
        "last_day": f"{YEAR}-12-31",
    }
    assert first_class(body) == [
        (1, "甲区委办公室", "40.00", "一等奖"),
        (2, "乙县委办公室", "4.00", "二等奖"),
    ]


def test_a_month_and_a_quarter_are_ranked_without_awards(client_of, editor, ranked):
    client = client_of(editor)
    february = client.get("/api/rankings", {"year": YEAR, "period": "2"}).json()
    assert first_class(february) == [
        (1, "甲区委办公室", "40.00", None),
        (2, "乙县委办公室", "4.00", None),
    ]
    assert february["period"]["first_day"] == f"{YEAR}-02-01"
    q1 = client.get("/api/rankings", {"year": YEAR, "period": "q1"}).json()
    assert [total for _, _, total, _ in first_class(q1)] == ["40.00", "4.00"]
    march = client.get("/api/rankings", {"year": YEAR, "period": "3"}).json()
    assert [total for _, _, total, _ in first_class(march)] == ["0.00", "0.00"]


@pytest.mark.parametrize(
    "persona",
    ["officer_a", "head_a", "officer_b", "duty_officer", "system_admin", "audit_admin"],
)
def test_nobody_else_reads_the_rankings(persona, personas, client_of, ranked):
    answer = client_of(personas[persona]).get("/api/rankings")
    assert answer.status_code == 403
    assert error_of(answer) == {"code": "forbidden", "message": "无权进行此操作。"}


@pytest.mark.parametrize("persona", ["officer_a", "head_a"])
def test_a_units_people_read_their_own_scorecard(persona, personas, client_of, unit_a, ranked):
    answer = client_of(personas[persona]).get(
        f"/api/rankings/units/{unit_a.pk}/scorecard", {"year": YEAR}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["unit_name"], body["total"]) == ("甲区委办公室", "40.00")
    [line] = body["lines"]
    assert (line["points"], line["source_kind"], line["occurred_on"]) == (
        "40.00",
        "adoption",
        f"{YEAR}-02-02",
    )
    assert body["adoption"] == {"left": 1, "adopted": 1, "rate": 1.0}


def test_another_units_scorecard_is_not_found_to_a_unit(client_of, officer_a, unit_b, ranked):
    client = client_of(officer_a)
    for unit_id in (unit_b.pk, 987654):
        answer = client.get(f"/api/rankings/units/{unit_id}/scorecard")
        assert answer.status_code == 404
        assert error_of(answer)["code"] == "not_found"


def test_the_office_readers_read_any_units_scorecard(client_of, leader, unit_b, ranked):
    client = client_of(leader)
    body = client.get(f"/api/rankings/units/{unit_b.pk}/scorecard", {"year": YEAR}).json()
    assert (body["unit_name"], body["total"]) == ("乙县委办公室", "4.00")
    assert client.get("/api/rankings/units/987654/scorecard").status_code == 404


@pytest.mark.parametrize("persona", ["duty_officer", "system_admin", "security_admin"])
def test_who_reads_no_points_gets_403_for_a_scorecard(persona, personas, client_of, unit_a):
    answer = client_of(personas[persona]).get(f"/api/rankings/units/{unit_a.pk}/scorecard")
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("params", "where"),
    [({"period": "13"}, "period"), ({"period": "q5"}, "period"), ({"year": "1999"}, "year")],
)
def test_bad_periods_are_refused_in_chinese(params, where, client_of, editor):
    answer = client_of(editor).get("/api/rankings", params)
    assert answer.status_code == 422
    error = error_of(answer)
    assert (error["code"], error["message"]) == ("invalid", "请求无效。")
    assert error["detail"][0]["loc"] == ["query", where]
