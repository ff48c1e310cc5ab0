"""Clients of the API: a token's (no session, as a machine) and the pages' (to make tokens); the
personas of tests/conftest.py signed in with a session; a small world of bulletins."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from api import actions
from submissions.models import ItemState
from tests.bulletins.bulletin_helpers import draft, published
from tests.clock import TODAY
from tests.factories import make_item, make_publication


class ApiClient:
    """A machine client: JSON in, JSON out, a Bearer token and no cookies."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs["data"] = body if isinstance(body, str | bytes) else json.dumps(body)
            kwargs["content_type"] = "application/json"
        if method == "GET":
            return self.client.get(f"/api{path}", query, headers=self.headers)
        return self.client.generic(method, f"/api{path}", **kwargs)

    def get(self, path: str, **query: Any) -> Any:
        return self.call("GET", path, **query)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, body if body is not None else {})

    def put(self, path: str, body: Any) -> Any:
        return self.call("PUT", path, body)


@pytest.fixture
def api_as() -> Callable[..., ApiClient]:
    """`api_as(officer_a)`: a client with a fresh write token of that person's;
    `api_as(officer_a, "read")` a read-only one."""

    def make(user: Any, scope: str = "write") -> ApiClient:
        return ApiClient(actions.do_create_token(user, "测试", scope).plain)

    return make


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
