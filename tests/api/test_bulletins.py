"""GET /api/publications, /api/issues, /api/issues/{id}: who reads which publication (README:
the section and city leaders read every bulletin; anyone else the publications that list them
as readers), paging, filters, 404 for what the caller may not read, 403 for who reads none."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import error_of
from tests.bulletins.bulletin_helpers import published
from tests.clock import TODAY
from tests.factories import make_item

pytestmark = pytest.mark.django_db

# Written by hand from the fixture's readers lists.
PUBLICATIONS = {
    "editor": ["每日要情", "信息专报"],
    "chief": ["每日要情", "信息专报"],
    "leader": ["每日要情", "信息专报"],
    "officer_a": ["每日要情"],
    "head_b": ["信息专报"],
    "officer_b": [],
    "head_a": [],
    "duty_officer": [],
}
# Newest published first: the special report was published last, the old daily first.
ISSUES = {
    "editor": ["special_issue", "new", "old"],
    "chief": ["special_issue", "new", "old"],
    "leader": ["special_issue", "new", "old"],
    "officer_a": ["new", "old"],
    "head_b": ["special_issue"],
    "officer_b": [],
    "head_a": [],
    "duty_officer": [],
}
NO_BULLETINS = ("system_admin", "security_admin", "audit_admin")


def ids(world, names):
    return [world[name].pk for name in names]


@pytest.mark.parametrize("persona", sorted(PUBLICATIONS))
def test_each_persona_lists_the_publications_it_reads(persona, personas, client_of, bulletin_world):
    answer = client_of(personas[persona]).get("/api/publications")
    assert answer.status_code == 200
    assert [p["name"] for p in answer.json()] == PUBLICATIONS[persona]


@pytest.mark.parametrize("persona", sorted(ISSUES))
def test_each_persona_lists_the_published_issues_it_reads(
    persona, personas, client_of, bulletin_world
):
    answer = client_of(personas[persona]).get("/api/issues")
    assert answer.status_code == 200
    body = answer.json()
    assert [i["id"] for i in body["results"]] == ids(bulletin_world, ISSUES[persona])
    assert body["count"] == len(ISSUES[persona])


@pytest.mark.parametrize("persona", NO_BULLETINS)
def test_the_administrators_read_no_bulletins(persona, personas, client_of, bulletin_world):
    client = client_of(personas[persona])
    for url in ("/api/publications", "/api/issues", f"/api/issues/{bulletin_world['old'].pk}"):
        answer = client.get(url)
        assert answer.status_code == 403, url
        assert error_of(answer) == {"code": "forbidden", "message": "无权进行此操作。"}


def test_nobody_signed_in_gets_401(client, bulletin_world):
    answer = client.get("/api/issues")
    assert answer.status_code == 401
    assert error_of(answer)["code"] == "unauthenticated"
    assert error_of(answer)["message"] == "请登录，或提供有效的接口令牌。"


def test_issues_come_in_pages(client_of, leader, bulletin_world):
    client = client_of(leader)
    first = client.get("/api/issues", {"per_page": 2}).json()
    assert [i["id"] for i in first["results"]] == ids(bulletin_world, ["special_issue", "new"])
    assert (first["count"], first["page"], first["per_page"], first["has_next"]) == (3, 1, 2, True)
    second = client.get("/api/issues", {"per_page": 2, "page": 2}).json()
    assert [i["id"] for i in second["results"]] == ids(bulletin_world, ["old"])
    assert second["has_next"] is False
    beyond = client.get("/api/issues", {"per_page": 2, "page": 3}).json()
    assert (beyond["results"], beyond["count"], beyond["has_next"]) == ([], 3, False)


def test_issues_filter_by_publication_and_date(client_of, leader, bulletin_world):
    client = client_of(leader)

    def listed(**params):
        return [i["id"] for i in client.get("/api/issues", params).json()["results"]]

    assert listed(publication=bulletin_world["daily"].pk) == ids(bulletin_world, ["new", "old"])
    assert listed(publication=bulletin_world["special"].pk) == ids(
        bulletin_world, ["special_issue"]
    )
    # Dated: old seven days ago, the special report three days ago, new today.
    since = (TODAY - timedelta(5)).isoformat()
    assert listed(date_from=since) == ids(bulletin_world, ["special_issue", "new"])
    assert listed(date_to=since) == ids(bulletin_world, ["old"])
    assert listed(date_from=TODAY.isoformat(), date_to=TODAY.isoformat()) == ids(
        bulletin_world, ["new"]
    )


def test_a_reader_filtering_by_a_publication_it_does_not_read_gets_nothing(
    client_of, officer_a, bulletin_world
):
    answer = client_of(officer_a).get("/api/issues", {"publication": bulletin_world["special"].pk})
    assert answer.json()["results"] == []


@pytest.mark.parametrize(
    ("params", "where", "says"),
    [
        ({"date_from": "明天"}, ["query", "date_from"], None),
        ({"page": "0"}, ["query", "page"], None),
        ({"per_page": "1000"}, ["query", "per_page"], None),
        (
            {"date_from": "2020-02-02", "date_to": "2020-02-01"},
            ["query", "date_from"],
            "起始日期晚于截止日期。",
        ),
    ],
)
def test_bad_parameters_are_refused_in_chinese(
    params, where, says, client_of, leader, bulletin_world
):
    answer = client_of(leader).get("/api/issues", params)
    assert answer.status_code == 422
    error = error_of(answer)
    assert (error["code"], error["message"]) == ("invalid", "请求无效。")
    assert [d["loc"] for d in error["detail"]] == [where]
    if says:
        assert error["detail"][0]["msg"] == says


def test_an_issue_comes_with_its_entries(client_of, leader, bulletin_world):
    old = bulletin_world["old"]
    answer = client_of(leader).get(f"/api/issues/{old.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["publication"]["name"], body["number"], body["issue_date"]) == (
        "每日要情",
        1,
        (TODAY - timedelta(7)).isoformat(),
    )
    assert sorted(e["title"] for e in body["entries"]) == ["要情旧期一", "要情旧期二"]
    assert [e["position"] for e in body["entries"]] == [1, 2]
    items = {e.item_id for e in old.entries.all()}
    assert {e["item_id"] for e in body["entries"]} == items


@pytest.mark.parametrize(
    ("persona", "issue"),
    [
        ("leader", "draft"),  # not published: nobody reads it here
        ("editor", "draft"),
        ("officer_a", "special_issue"),  # not among its readers
        ("head_b", "old"),
        ("officer_b", "new"),
        ("duty_officer", "old"),
    ],
)
def test_an_issue_the_caller_may_not_read_is_not_found(
    persona, issue, personas, client_of, bulletin_world
):
    answer = client_of(personas[persona]).get(f"/api/issues/{bulletin_world[issue].pk}")
    assert answer.status_code == 404
    assert error_of(answer) == {"code": "not_found", "message": "找不到该对象。"}


def test_a_missing_id_is_not_found_and_a_malformed_one_invalid(client_of, leader, bulletin_world):
    client = client_of(leader)
    for url in ("/api/issues/987654", "/api/no-such-thing"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert answer["Content-Type"].startswith("application/json")
        assert error_of(answer)["code"] == "not_found"
    # Not a number, or beyond the database's integers: invalid, not a crash in the driver.
    for url in ("/api/issues/abc", "/api/issues/99999999999999999999"):
        answer = client.get(url)
        assert answer.status_code == 422, url
        assert error_of(answer)["detail"][0]["loc"] == ["path", "issue_id"]


def test_reading_through_the_api_leaves_no_read_receipt(client_of, leader, bulletin_world):
    old = bulletin_world["old"]
    client_of(leader).get(f"/api/issues/{old.pk}")
    assert not old.receipts.exists()


def test_the_issue_list_costs_the_same_queries_for_more_issues(
    client_of, leader, editor, chief, officer_a, head_a, bulletin_world
):
    client = client_of(leader)
    client.get("/api/issues")  # the session's first use

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/issues").status_code == 200
        return len(queries)

    before = counted()
    daily = bulletin_world["daily"]
    for n in range(3):
        item = make_item(officer_a, "submitted", head=head_a, title=f"加印{n}")
        published(editor, chief, daily, [item], TODAY - timedelta(10 + n))
    assert counted() == before
