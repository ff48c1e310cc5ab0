"""Lock-out without denial of service: a user name locks at one address only, repeated
lock-outs of the same pair grow longer, made-up names are never shown as locked accounts."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from org.models import SecurityPolicy
from org.roles import Role
from org.security import client_ip, growing_cooloff
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Xinbao#Pw7-hq"
LOGIN = reverse("login")
A, B = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def auditor(db):
    return make_user(Role.OFFICER, None, username="auditor", password=PASSWORD)


def at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, password: str = PASSWORD, username: str = "auditor"):
    return client.post(LOGIN, {"username": username, "password": password})


def fail(client: Client, times: int, username: str = "auditor") -> None:
    for _ in range(times):
        log_in(client, "wrong-password", username)


def locked(response) -> bool:
    return response.status_code in (403, 429)


def limit() -> int:
    return SecurityPolicy.current().failure_limit


def test_failures_from_one_address_do_not_lock_the_name_at_another(auditor):
    attacker = at(A)
    fail(attacker, limit())
    assert locked(log_in(attacker))  # the attacker's address is locked, even with the password
    own_desk = at(B)
    assert log_in(own_desk).status_code == 302
    assert "_auth_user_id" in own_desk.session


def test_failures_spread_over_addresses_lock_none_of_them(auditor):
    for n in range(limit()):
        fail(at(f"192.0.2.{n + 1}"), limit() - 1)
    assert log_in(at("192.0.2.1")).status_code == 302


def test_each_repeated_lock_out_of_a_pair_lasts_twice_as_long(auditor, _pinned_clock):
    first = SecurityPolicy.current().cooloff_minutes
    attacker = at(A)
    fail(attacker, limit())
    _pinned_clock.shift(timedelta(minutes=first - 1))
    assert locked(log_in(attacker))
    _pinned_clock.shift(timedelta(minutes=2))
    fail(attacker, limit())  # the first lock-out is over: counting starts again, and locks again
    _pinned_clock.shift(timedelta(minutes=first + 1))
    assert locked(log_in(attacker))  # the second lasts twice as long
    _pinned_clock.shift(timedelta(minutes=first))
    assert log_in(attacker).status_code == 302


def test_the_longest_lock_out_is_policy(auditor, _pinned_clock):
    SecurityPolicy.objects.update_or_create(
        pk=1, defaults={"cooloff_minutes": 10, "cooloff_max_minutes": 15}
    )
    attacker = at(A)
    fail(attacker, limit())
    _pinned_clock.shift(timedelta(minutes=11))
    fail(attacker, limit())
    _pinned_clock.shift(timedelta(minutes=16))  # not 20: the policy's longest is 15
    assert log_in(attacker).status_code == 302


def test_a_pair_forgotten_after_the_policys_memory_starts_again_short(auditor, _pinned_clock):
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"lockout_memory_hours": 1})
    first = SecurityPolicy.current().cooloff_minutes
    attacker = at(A)
    fail(attacker, limit())
    _pinned_clock.shift(timedelta(hours=2))
    fail(attacker, limit())
    _pinned_clock.shift(timedelta(minutes=first + 1))
    assert log_in(attacker).status_code == 302


@pytest.mark.parametrize(
    ("lockouts", "minutes"),
    [(0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (6, 960), (7, 1440), (50, 1440)],
)
def test_growing_cooloff(lockouts, minutes):
    assert growing_cooloff(30, 1440, lockouts) == timedelta(minutes=minutes)


def test_made_up_names_are_not_listed_as_locked_accounts(auditor, client_of, security_admin):
    fail(at(A), limit(), username="auditor")
    fail(at(A), limit(), username="no-such-person")
    page = client_of(security_admin).get(reverse("org:security"))
    assert [a.username for a in page.context["locked"]] == ["auditor"]
    assert [a.username for a in page.context["unknown"]] == ["no-such-person"]


def test_expired_locks_leave_the_list_and_stale_attempts_are_cleaned(
    auditor, client_of, security_admin, _pinned_clock
):
    fail(at(A), limit(), username="no-such-person")
    fail(at(A), limit())
    _pinned_clock.shift(timedelta(minutes=SecurityPolicy.current().cooloff_minutes + 1))
    page = client_of(security_admin).get(reverse("org:security"))
    assert (page.context["locked"], page.context["unknown"]) == ([], [])
    _pinned_clock.shift(timedelta(minutes=SecurityPolicy.current().cooloff_max_minutes))
    fail(at(B), 1, username="someone-else")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone-else"]


def test_unlock_also_forgets_earlier_lock_outs(auditor, client_of, security_admin, _pinned_clock):
    first = SecurityPolicy.current().cooloff_minutes
    attacker = at(A)
    fail(attacker, limit())
    client_of(security_admin).post(reverse("org:unlock", args=["auditor"]))
    fail(attacker, limit())
    _pinned_clock.shift(timedelta(minutes=first + 1))
    assert log_in(attacker).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_counts(rf, settings):
    settings.TRUSTED_PROXIES = 1
    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"  # what nginx saw, not what the client wrote
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"


def test_the_security_page_reads_locks_in_the_same_queries_however_many(
    auditor, client_of, security_admin
):
    client = client_of(security_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("org:security")).status_code == 200
        return len(captured)

    fail(at(A), limit(), username="guess-0")
    one = queries()
    for n in range(1, 4):
        fail(at(f"192.0.2.{n}"), limit(), username=f"guess-{n}")
    page = client.get(reverse("org:security"))
    assert len(page.context["unknown"]) == 4
    assert queries() == one
