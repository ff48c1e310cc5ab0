"""GET /api/search: the search page's question asked as JSON — the same visibility (README:
a unit sees its own items, editors every item that left a unit, leaders what was adopted), the
same query syntax, paging and highlighted snippets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from submissions.models import ItemState
from tests.api.conftest import error_of
from tests.factories import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def flood_items(officer_a, head_a, officer_b, head_b):
    """Two items about 防汛 that have left their units, one from A and one from B."""
    return {
        "a": make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区防汛检查"),
        "b": make_item(officer_b, ItemState.SUBMITTED, head=head_b, title="乙县防汛演练"),
    }


# Written by hand from the README's rules of who reads what.
FINDS = {
    "editor": ["乙县防汛演练", "甲区防汛检查"],
    "chief": ["乙县防汛演练", "甲区防汛检查"],
    "duty_officer": ["乙县防汛演练", "甲区防汛检查"],
    "officer_a": ["甲区防汛检查"],
    "head_a": ["甲区防汛检查"],
    "officer_b": ["乙县防汛演练"],
    "head_b": ["乙县防汛演练"],
    "leader": [],  # neither is adopted
}


def titles(answer):
    return [hit["title"] for hit in answer.json()["results"]]


@pytest.mark.parametrize("persona", sorted(FINDS))
def test_each_persona_finds_what_it_may_read(persona, personas, client_of, flood_items):
    answer = client_of(personas[persona]).get("/api/search", {"q": "防汛"})
    assert answer.status_code == 200
    # Who finds what; the order of two items indexed at the same moment is the index's own.
    assert sorted(titles(answer)) == sorted(FINDS[persona])
    assert answer.json()["count"] == len(FINDS[persona])


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "audit_admin"])
def test_the_administrators_may_not_search(persona, personas, client_of, flood_items):
    answer = client_of(personas[persona]).get("/api/search", {"q": "防汛"})
    assert answer.status_code == 403
    assert error_of(answer)["code"] == "forbidden"


def test_the_page_query_syntax_holds(client_of, editor, flood_items):
    client = client_of(editor)
    assert titles(client.get("/api/search", {"q": "防汛 -演练"})) == ["甲区防汛检查"]
    assert titles(client.get("/api/search", {"q": '"乙县防汛"'})) == ["乙县防汛演练"]
    assert titles(client.get("/api/search", {"q": "防汛 检查"})) == ["甲区防汛检查"]
    body = client.get("/api/search", {"q": "防汛 -演练"}).json()
    assert (body["terms"], body["excluded"]) == (["防汛"], ["演练"])


def test_hits_carry_their_highlights_and_page(client_of, editor, flood_items):
    [hit] = client_of(editor).get("/api/search", {"q": "检查"}).json()["results"]
    assert hit["title_html"] == "甲区防汛<mark>检查</mark>"
    assert (hit["kind"], hit["source_id"]) == ("item", flood_items["a"].pk)
    assert hit["url"] == f"/items/{flood_items['a'].pk}/"
    assert hit["unit_name"] == "甲区委办公室"
    snippet = client_of(editor).get("/api/search", {"q": "汛期"}).json()["results"][0]
    assert "<mark>汛期</mark>" in snippet["snippet_html"]


def test_filters_are_the_pages(client_of, editor, unit_b, flood_items):
    client = client_of(editor)
    assert titles(client.get("/api/search", {"q": "防汛", "unit": unit_b.pk})) == ["乙县防汛演练"]
    assert titles(client.get("/api/search", {"q": "防汛", "kind": "incident"})) == []


def test_results_come_in_pages(client_of, editor, flood_items):
    client = client_of(editor)
    first = client.get("/api/search", {"q": "防汛", "per_page": 1}).json()
    assert [h["title"] for h in first["results"]] == ["乙县防汛演练"]
    assert (first["page"], first["has_next"], first["count"]) == (1, True, 2)
    second = client.get("/api/search", {"q": "防汛", "per_page": 1, "page": 2}).json()
    assert [h["title"] for h in second["results"]] == ["甲区防汛检查"]
    assert second["has_next"] is False


@pytest.mark.parametrize(
    ("params", "where", "says"),
    [
        ({"q": "防汛", "from": "2020-02-02", "to": "2020-02-01"}, "from", "起始日期晚于截止日期。"),
        ({"q": "防汛", "sort": "random"}, "sort", None),
        ({"q": "防汛", "page": "51"}, "page", None),
        ({"q": "防" * 401}, "q", None),  # longer than the page takes
    ],
)
def test_bad_parameters_are_refused_in_chinese(params, where, says, client_of, editor):
    answer = client_of(editor).get("/api/search", params)
    assert answer.status_code == 422
    error = error_of(answer)
    assert error["message"] == "请求无效。"
    assert error["detail"][0]["loc"] == ["query", where]
    if says:
        assert error["detail"][0]["msg"] == says


def test_a_page_of_hits_costs_the_same_queries_for_more_hits(
    client_of, editor, officer_a, head_a, flood_items
):
    client = client_of(editor)
    client.get("/api/search", {"q": "防汛"})

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/search", {"q": "防汛"}).status_code == 200
        return len(queries)

    before = counted()
    for n in range(4):
        make_item(officer_a, ItemState.SUBMITTED, head=head_a, title=f"防汛续{n}")
    client.get("/api/search", {"q": "防汛"})  # the index catches up with the new items
    assert counted() == before
