"""A unit's scorecard: figures, chart data, quota months, violations and eligibility; the
office reads every unit's, a unit's own people read only their own."""

from datetime import date

import pytest
from django.urls import reverse

from scoring.actions import rebuild
from tests.bulletins.editorial_helpers import local
from tests.clock import YEAR
from tests.emergencies.emergency_factories import open_in_writing, sign_off
from tests.scoring.scoring_helpers import adopted, assign, sent, violation

pytestmark = pytest.mark.django_db

LATER = local(f"{YEAR}-11-20 12:00")


def url(unit, **params):
    return reverse("scoring:unit", args=[unit.pk]), {"year": YEAR, **params}


@pytest.fixture
def card(officer_a, head_a, chief, unit_a, city_daily):
    assign(unit_a, "四类", date(YEAR, 3, 1), quota=3)
    adopted(officer_a, city_daily, local(f"{YEAR}-03-03 10:00"))
    sent(officer_a, head_a, local(f"{YEAR}-03-10 10:00"))
    report = open_in_writing(officer_a, local(f"{YEAR}-04-07 09:00"))
    sign_off(head_a, report, local(f"{YEAR}-04-07 09:20"))
    violation(chief, unit_a, "late", date(YEAR, 4, 7))
    rebuild(YEAR, as_of=LATER)


def test_the_scorecard_shows_the_units_figures(client_of, editor, unit_a, card):
    page = client_of(editor).get(*url(unit_a))
    assert page.status_code == 200
    ctx = page.context
    assert (ctx["adoption"].left, ctx["adoption"].adopted) == (2, 1)
    assert ctx["timeliness"].incidents == 1
    assert ctx["timeliness"].median_minutes == 20
    assert ctx["timeliness"].expected >= ctx["timeliness"].on_time >= 1
    march = next(q for q in ctx["quota"] if q.month.month == 3)
    assert (march.month.count, march.month.shortfall, march.points) == (2, 1, -2)
    # The quota counts from March: the months before are not listed.
    assert [q.month.month for q in ctx["quota"]][:2] == [3, 4]
    # The one the chief confirmed, and the pending one the engine's late candidate opened.
    assert sorted((v.kind, v.status) for v in ctx["violations"]) == [
        ("late", "confirmed"),
        ("late", "pending"),
    ]
    assert ctx["verdict"].eligible
    assert ctx["place"][0].rank == 1
    body = page.content.decode()
    assert 'id="points-data"' in body
    assert "vendor/echarts-6.1.0.min.js" in body
    assert reverse("accountability:violation", args=[ctx["violations"][0].pk]) in body


def test_the_chart_has_points_by_source_and_month(client_of, leader, unit_a, card):
    chart = client_of(leader).get(*url(unit_a)).context["chart"]
    by_name = {s["name"]: s["data"] for s in chart["series"]}
    assert len(chart["months"]) == 12 == len(chart["cumulative"])
    assert sum(sum(data) for data in by_name.values()) == chart["cumulative"][-1]
    assert any(data[2] == 4 for data in by_name.values())  # the March adoption


def test_a_units_people_read_their_own_scorecard_only(
    client_of, officer_a, head_a, officer_b, unit_a, unit_b, card
):
    assert client_of(officer_a).get(*url(unit_a)).status_code == 200
    assert client_of(head_a).get(*url(unit_a)).status_code == 200
    # The ranking of other units is the office's: the unit does not see its place.
    assert client_of(officer_a).get(*url(unit_a)).context["place"] is None
    assert client_of(officer_b).get(*url(unit_a)).status_code == 404
    assert client_of(officer_b).get(reverse("scoring:unit", args=[99999])).status_code == 404
    export = reverse("scoring:unit_xlsx", args=[unit_a.pk])
    assert client_of(officer_a).get(export).status_code == 200
    assert client_of(officer_b).get(export).status_code == 404


def test_others_are_refused(client_of, duty_officer, system_admin, audit_admin, unit_a):
    for user in (duty_officer, system_admin, audit_admin):
        assert client_of(user).get(*url(unit_a)).status_code == 403


def test_a_period_narrows_the_traced_lines(client_of, editor, unit_a, card):
    lines = client_of(editor).get(*url(unit_a, period="3")).context["entries"]
    assert {e.month for e in lines} == {3}
    assert {e.source_kind for e in lines} == {"adoption", "quota"}


def test_a_unit_without_a_class_has_no_quota_table(client_of, editor, unit_b):
    page = client_of(editor).get(*url(unit_b))
    assert page.status_code == 200
    assert page.context["quota"] == []
