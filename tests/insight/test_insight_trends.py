"""Early signs on a constructed history: one item a week about power cuts for eight weeks,
then five in one week; a steady topic; the items behind the sign; what a leader may read."""

from datetime import timedelta

import pytest
from django.utils import timezone

from insight.models import InsightPolicy
from insight.rules import week_monday
from insight.trends import week_label, weekly_trends
from tests.insight.insight_helpers import adopt, item, local

pytestmark = pytest.mark.django_db

POWER = ("{n}小区停电抢修", "{n}小区因线路老化停电，供电公司连夜抢修，居民用电已恢复。")
STEADY = ("{n}街道学校食堂检查", "{n}街道对辖区学校食堂开展食品安全检查，未发现问题。")


def text(template, n):
    return template[0].format(n=n), template[1].format(n=n)


@pytest.fixture
def this_monday():
    return week_monday(timezone.localdate())


@pytest.fixture
def history(officer_a, head_a, this_monday):
    """Nine weeks back to this one (Tuesdays at 10:00). Eight ordinary weeks of six items:
    one power cut and five school-canteen checks; this week seven: five power cuts, two
    canteen checks."""
    n = 0
    made = {"power": [], "steady": []}
    for weeks_ago in range(8, -1, -1):
        day = this_monday - timedelta(weeks=weeks_ago)
        at = local(f"{day:%Y-%m-%d} 00:00") + timedelta(hours=10)
        power, steady = (5, 2) if weeks_ago == 0 else (1, 5)
        for _ in range(power):
            n += 1
            made["power"].append(
                item(officer_a, text(POWER, n), at, head=head_a, tags=["电力保障"])
            )
        for _ in range(steady):
            n += 1
            made["steady"].append(
                item(officer_a, text(STEADY, n), at, head=head_a, tags=["食品安全"])
            )
    return made


def test_a_rising_term_is_flagged_with_the_items_behind_it(history, editor, this_monday):
    trends = weekly_trends(editor, this_monday, InsightPolicy.current())
    flagged = {s.burst.term: s for s in trends.terms}
    assert "停电" in flagged
    sign = flagged["停电"]
    assert sign.burst.current == 5
    assert sign.burst.series == (1, 1, 1, 1, 1, 1, 1, 1, 5)
    assert {i.pk for i in sign.items} == {i.pk for i in history["power"][-5:]}
    assert "食堂" not in flagged and "检查" not in flagged
    assert trends.documents == 7
    assert trends.totals == [6] * 8 + [7]


def test_tags_are_topics(history, editor, this_monday):
    trends = weekly_trends(editor, this_monday, InsightPolicy.current())
    assert [s.burst.term for s in trends.topics] == ["电力保障"]


def test_the_thresholds_are_policy(history, editor, this_monday):
    InsightPolicy.objects.filter(pk=InsightPolicy.current().pk).update(trend_min_count=6)
    assert weekly_trends(editor, this_monday, InsightPolicy.current()).terms == []


def test_an_earlier_week_has_no_sign(history, editor, this_monday):
    before = weekly_trends(editor, this_monday - timedelta(weeks=1), InsightPolicy.current())
    assert before.terms == [] and before.topics == []


def test_the_page(history, editor, client_of, this_monday):
    page = client_of(editor).get("/archive/insight/trends/").content.decode()
    assert "停电" in page
    assert f"/items/{history['power'][-1].pk}/" in page
    assert 'data-spark="1,1,1,1,1,1,1,1,5"' in page
    assert "echarts-6.1.0.min.js" in page
    earlier = client_of(editor).get(
        "/archive/insight/trends/", {"week": week_label(this_monday - timedelta(weeks=1))}
    )
    assert f"/items/{history['power'][-1].pk}/" not in earlier.content.decode()


def test_a_bad_week_falls_back_to_this_one(editor, client_of):
    assert client_of(editor).get("/archive/insight/trends/", {"week": "soon"}).status_code == 200


def test_leaders_count_only_what_they_may_read(history, leader, editor, city_daily, this_monday):
    assert weekly_trends(leader, this_monday, InsightPolicy.current()).terms == []
    for it in history["power"][-5:]:
        adopt(editor, it, city_daily)
    trends = weekly_trends(leader, this_monday, InsightPolicy.current())
    assert [s.burst.term for s in trends.terms if s.burst.term == "停电"] == ["停电"]
    assert trends.documents == 5


def test_the_page_keeps_a_fixed_number_of_queries(
    history, editor, client_of, django_assert_max_num_queries
):
    client = client_of(editor)
    client.get("/archive/insight/trends/")
    with django_assert_max_num_queries(14):
        client.get("/archive/insight/trends/")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer_a", 403),
        ("head_a", 403),
        ("system_admin", 403),
        ("leader", 200),
        ("duty_officer", 200),
    ],
)
def test_who_sees_early_signs(personas, client_of, persona, status):
    assert client_of(personas[persona]).get("/archive/insight/trends/").status_code == status


def test_a_merged_duplicate_counts_once(history, editor, this_monday):
    from insight.actions import do_merge_items

    power = history["power"]
    do_merge_items(editor, power[-1].pk, power[-2].pk)
    trends = weekly_trends(editor, this_monday, InsightPolicy.current())
    assert trends.documents == 6
    assert {s.burst.term: s.burst.current for s in trends.terms}["停电"] == 4
