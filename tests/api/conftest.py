"""Clients of the API: a token's (no session, as a machine) and the pages' (to make tokens)."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from api import actions


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
