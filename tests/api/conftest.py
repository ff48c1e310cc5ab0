"""The API's tests: the personas of tests/conftest.py signed in with a session (the API's
session authentication), and a small world of bulletins the personas read or do not."""

from datetime import timedelta

import pytest

from submissions.models import ItemState
from tests.bulletins.bulletin_helpers import draft, published
from tests.clock import TODAY
from tests.factories import make_item, make_publication


def error_of(response) -> dict:
    """The one error shape: {"error": {"code", "message", "detail"?}}."""
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "detail"}
    return body["error"]


@pytest.fixture
def bulletin_world(officer_a, head_a, officer_b, head_b, editor, chief, leader, city_daily):
    """《每日要情》 (read by the leader and officer A) with two published issues and one still
    being compiled; 《信息专报》 (read by head B) with one published issue; a provincial
    publication (not compiled here). Titles say which is which."""
    daily = city_daily
    daily.compiled_here = True
    daily.save(update_fields=["compiled_here"])
    daily.readers.add(leader, officer_a)
    special = make_publication(code="special", name="信息专报", compiled_here=True)
    special.readers.add(head_b)
    make_publication("province", code="prov", name="省委信息")

    def items(*titles: str):
        return [
            make_item(officer_a, ItemState.SUBMITTED, head=head_a, title=title) for title in titles
        ]

    old = published(editor, chief, daily, items("要情旧期一", "要情旧期二"), TODAY - timedelta(7))
    new = published(editor, chief, daily, items("要情新期"), TODAY)
    compiling = draft(editor, daily, items("要情草稿"), TODAY)
    special_issue = published(editor, chief, special, items("专报一期"), TODAY - timedelta(3))
    return {
        "daily": daily,
        "special": special,
        "old": old,
        "new": new,
        "draft": compiling,
        "special_issue": special_issue,
    }
