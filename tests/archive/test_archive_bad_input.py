"""Odd query strings and odd saved searches: a page with a Chinese message or the right result,
never a server error."""

import pytest
from django.urls import reverse

from archive import actions as archive_actions
from archive import index
from archive.models import SavedSearch
from archive.search import Filters
from archive.subscriptions import announce_new
from notify.models import Notification
from submissions.models import ItemState
from tests.factories import make_item


@pytest.fixture
def flood(officer_a, head_a):
    return make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区防汛检查")


@pytest.mark.parametrize(
    "params",
    [
        {"unit": "①"},
        {"unit": "²"},
        {"tag": "①"},
        {"unit": "99999999999999999999999"},
        {"tag": "٣"},  # an Arabic-Indic three: int() would take it, the id column would not
    ],
)
def test_a_unit_or_tag_that_is_no_id_is_ignored(flood, editor, client_of, params):
    client = client_of(editor)
    for name in ("archive:search", "archive:facets"):
        page = client.get(reverse(name), {"q": "防汛", **params})
        assert page.status_code == 200
    html = client.get(reverse("archive:search"), {"q": "防汛", **params}).content.decode()
    assert f"/items/{flood.pk}/" in html


@pytest.mark.parametrize("param", ["to", "from"])
def test_a_date_out_of_range_is_refused_in_chinese(flood, editor, client_of, param):
    page = client_of(editor).get(reverse("archive:search"), {"q": "防汛", param: "9999-12-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "请输入 1949-10-01 至" in html
    assert f"/items/{flood.pk}/" not in html
    facets = client_of(editor).get(reverse("archive:facets"), {"q": "防汛", param: "9999-12-31"})
    assert facets.status_code == 200


def test_a_saved_search_with_such_values_still_opens_and_announces(
    officer_a, head_a, editor, client_of
):
    saved = archive_actions.do_save_search(
        editor, "防汛", "防汛", Filters(), "newest", subscribed=True
    )
    # Stored as an older version (or a hand-edited row) could have stored them.
    SavedSearch.objects.filter(pk=saved.pk).update(
        filters={"units": ["①", "²"], "tags": ["①"], "date_to": "9999-12-31"}
    )
    client = client_of(editor)
    page = client.get(reverse("archive:search"))
    assert page.status_code == 200
    assert "防汛" in page.content.decode()
    new = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="乙区防汛演练")
    index.drain()  # what the worker does each round: the subscription is announced
    announce_new()
    told = Notification.objects.filter(recipient=editor)
    assert [n.url for n in told] == [f"/items/{new.pk}/"]


def test_saving_a_search_with_an_odd_unit_keeps_only_real_ids(editor, client_of):
    response = client_of(editor).post(
        reverse("archive:save"),
        {"search": "q=防汛&unit=①&unit=12", "name": "防汛", "subscribed": "on"},
    )
    assert response.status_code == 302
    assert SavedSearch.objects.get(owner=editor).filters == {"units": [12]}
