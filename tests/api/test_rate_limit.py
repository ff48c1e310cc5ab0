"""The rate limit: data the system administrator edits (audited), counted per token and per
signed-in person in the database, answered 429 with Retry-After."""

import math
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from api.actions import admit
from api.models import ApiPolicy
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def set_limit(client, n):
    return client.post(reverse("apitokens:rate_limit"), {"requests_per_minute": n})


def start_of_a_minute(clock):
    """Move the clock to two seconds into the next minute, so a test's requests share one."""
    now = timezone.now()
    clock.shift(timedelta(seconds=62 - now.second - now.microsecond / 1e6))


def left_in_minute():
    now = timezone.now()
    return 60 - now.second - now.microsecond / 1e6


def test_the_seeded_default_is_120(db):
    assert ApiPolicy.current().requests_per_minute == 120


def test_the_system_administrator_sets_it_and_it_is_audited(client_of, system_admin):
    response = set_limit(client_of(system_admin), 3)
    assert response.status_code == 302
    assert ApiPolicy.current().requests_per_minute == 3
    entry = AuditEntry.objects.get(action="api_rate_limit_changed")
    assert entry.data == {
        "before": {"requests_per_minute": 120},
        "after": {"requests_per_minute": 3},
    }


def test_the_menu_leads_the_system_administrator_there(client_of, system_admin):
    page = client_of(system_admin).get(reverse("apitokens:list")).content.decode()
    assert reverse("apitokens:rate_limit") in page


@pytest.mark.parametrize("persona", ["security_admin", "chief", "officer_a"])
def test_nobody_else_sets_it(client_of, personas, persona):
    assert set_limit(client_of(personas[persona]), 3).status_code == 403
    assert ApiPolicy.current().requests_per_minute == 120


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "100001"])
def test_a_limit_out_of_range_is_refused(client_of, system_admin, bad):
    response = set_limit(client_of(system_admin), bad)
    assert response.status_code == 200
    assert ApiPolicy.current().requests_per_minute == 120


def test_over_the_limit_is_429_with_retry_after(
    client_of, system_admin, api_as, officer_a, _pinned_clock
):
    set_limit(client_of(system_admin), 3)
    start_of_a_minute(_pinned_clock)
    machine = api_as(officer_a)
    assert [machine.get("/items").status_code for _ in range(3)] == [200, 200, 200]
    before = left_in_minute()
    refused = machine.get("/items")
    after = left_in_minute()
    assert refused.status_code == 429
    assert math.ceil(after) <= int(refused["Retry-After"]) <= math.ceil(before)
    error = refused.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message"].startswith("请求过于频繁")

    # Another token of the same person counts on its own; the next minute starts afresh.
    assert api_as(officer_a).get("/items").status_code == 200
    _pinned_clock.shift(timedelta(seconds=int(refused["Retry-After"])))
    assert machine.get("/items").status_code == 200


def test_a_refused_write_writes_nothing(client_of, system_admin, api_as, officer_a, _pinned_clock):
    set_limit(client_of(system_admin), 1)
    start_of_a_minute(_pinned_clock)
    machine = api_as(officer_a)
    assert machine.get("/items").status_code == 200
    before = AuditEntry.objects.count()
    response = machine.post("/items", {"title": "标题", "body": "正文", "kind": "news"})
    assert response.status_code == 429
    assert AuditEntry.objects.count() == before


def test_a_signed_in_person_is_held_to_it_too(client_of, system_admin, officer_a, _pinned_clock):
    set_limit(client_of(system_admin), 2)
    start_of_a_minute(_pinned_clock)
    browser = client_of(officer_a)
    assert [browser.get("/api/items").status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers (the test run's in-memory SQLite locks tables instead)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_clients_never_get_past_the_limit_together(_pinned_clock):
    """Eight threads, each on its own database connection (as separate web processes would
    be), race for one client's minute: exactly the limit gets through."""
    start_of_a_minute(_pinned_clock)
    limit, now = 25, timezone.now()

    def burst(_n: int) -> int:
        try:
            return sum(admit("token:race", now, limit) is None for _ in range(10))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        admitted = sum(pool.map(burst, range(8)))
    assert admitted == limit
