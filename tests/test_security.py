"""Account security (等保 level 3): lock-out, policy as data, idle timeout, password storage."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.actions import verify_chain
from audit.models import AuditEntry
from org.models import SecurityPolicy
from org.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Xinbao#Pw7-hq"
LOGIN = reverse("login")


@pytest.fixture
def clerk(unit_a):
    return make_user(Role.OFFICER, unit_a, username="clerk", password=PASSWORD)


def log_in(client, password, username="clerk"):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(client):
    return "_auth_user_id" in client.session


def fail(client, times, username="clerk"):
    for _ in range(times):
        log_in(client, "wrong-password", username)


# --- lock-out -------------------------------------------------------------------------------


def test_the_right_password_logs_in(client, clerk):
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_wrong_password_shows_the_form_again(client, clerk):
    response = log_in(client, "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not logged_in(client)


def test_failures_up_to_the_limit_lock_the_account(client, clerk):
    fail(client, SecurityPolicy.current().failure_limit)
    response = log_in(client, PASSWORD)
    assert response.status_code in (403, 429)
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert not logged_in(client)


def test_one_failure_less_than_the_limit_does_not_lock(client, clerk):
    fail(client, SecurityPolicy.current().failure_limit - 1)
    assert log_in(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_a_successful_login_resets_the_failure_count(client, clerk):
    limit = SecurityPolicy.current().failure_limit
    fail(client, limit - 1)
    log_in(client, PASSWORD)
    client.logout()
    fail(client, limit - 1)
    assert log_in(client, PASSWORD).status_code == 302


def test_the_lock_out_follows_the_stored_policy(client, clerk):
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"failure_limit": 3})
    fail(client, 3)
    assert log_in(client, PASSWORD).status_code in (403, 429)


def test_the_lock_is_per_account(client, clerk, unit_a):
    make_user(Role.OFFICER, unit_a, username="colleague", password=PASSWORD)
    fail(client, SecurityPolicy.current().failure_limit)
    assert log_in(client, PASSWORD, username="colleague").status_code == 302


def test_failures_and_the_lock_out_are_audited(client, clerk):
    limit = SecurityPolicy.current().failure_limit
    fail(client, limit)
    actions = list(AuditEntry.objects.filter(target="clerk").values_list("action", flat=True))
    assert actions.count("login_failed") == limit
    assert "locked_out" in actions
    assert verify_chain() is None


def test_a_login_is_audited(client, clerk):
    log_in(client, PASSWORD)
    assert AuditEntry.objects.filter(action="login", actor=clerk).exists()


# --- the security administrator -------------------------------------------------------------

SECURITY = reverse("org:security")
GOOD_POLICY = {
    "failure_limit": 4,
    "cooloff_minutes": 15,
    "idle_timeout_minutes": 20,
    "password_history": 5,
    "password_max_age_days": 0,
    "reset_link_hours": 24,
    "cooloff_max_minutes": 240,
    "lockout_memory_hours": 12,
    "second_factor_roles": ["chief", "system_admin", "security_admin", "audit_admin"],
}


def test_the_security_admin_changes_the_policy(client_of, security_admin):
    response = client_of(security_admin).post(SECURITY, GOOD_POLICY)
    policy = SecurityPolicy.current()
    assert response.status_code == 302
    assert (policy.failure_limit, policy.cooloff_minutes, policy.idle_timeout_minutes) == (
        4,
        15,
        20,
    )


def test_a_policy_change_is_audited_with_before_and_after(client_of, security_admin):
    client_of(security_admin).post(SECURITY, GOOD_POLICY)
    entry = AuditEntry.objects.get(action="security_policy_changed")
    assert entry.actor == security_admin
    assert entry.data["before"]["failure_limit"] == 5
    assert entry.data["after"] == GOOD_POLICY
    assert entry.data["before"]["password_history"] == 5


@pytest.mark.parametrize(
    "bad",
    [
        {"failure_limit": 1},
        {"failure_limit": 11},
        {"idle_timeout_minutes": 1},
        {"cooloff_minutes": 0},
        {"cooloff_max_minutes": 10},  # shorter than the first lock-out
        {"second_factor_roles": ["chief", "system_admin", "security_admin"]},  # no auditor
    ],
)
def test_a_bad_policy_is_rejected_and_nothing_saved(client_of, security_admin, bad):
    before = SecurityPolicy.current().updated_at
    response = client_of(security_admin).post(SECURITY, {**GOOD_POLICY, **bad})
    assert response.status_code == 200
    assert set(bad) <= set(response.context["form"].errors)
    assert SecurityPolicy.current().updated_at == before
    assert SecurityPolicy.current().failure_limit == 5
    assert not AuditEntry.objects.filter(action="security_policy_changed").exists()


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin", "chief"])
def test_only_the_security_admin_changes_the_policy(client_of, personas, persona):
    response = client_of(personas[persona]).post(SECURITY, GOOD_POLICY)
    assert response.status_code == 403
    assert SecurityPolicy.current().failure_limit == 5


def test_the_security_page_lists_locked_accounts(client, client_of, clerk, security_admin):
    fail(client, SecurityPolicy.current().failure_limit)
    response = client_of(security_admin).get(SECURITY)
    assert [a.username for a in response.context["locked"]] == ["clerk"]


def test_a_rejected_policy_does_not_change_who_is_listed_as_locked(
    client, client_of, clerk, security_admin, unit_a
):
    make_user(Role.OFFICER, unit_a, username="typo", password=PASSWORD)
    fail(client, 3, username="typo")
    fail(client, SecurityPolicy.current().failure_limit)
    rejected = {**GOOD_POLICY, "failure_limit": 3, "idle_timeout_minutes": 1}
    response = client_of(security_admin).post(SECURITY, rejected)
    assert response.context["form"].errors
    assert [a.username for a in response.context["locked"]] == ["clerk"]


def test_unlock_lets_the_user_log_in_again(client, client_of, clerk, security_admin):
    fail(client, SecurityPolicy.current().failure_limit)
    response = client_of(security_admin).post(reverse("org:unlock", args=["clerk"]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    assert log_in(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_unlock_is_audited(client, client_of, clerk, security_admin):
    fail(client, SecurityPolicy.current().failure_limit)
    client_of(security_admin).post(reverse("org:unlock", args=["clerk"]))
    entry = AuditEntry.objects.get(action="account_unlocked")
    assert (entry.actor, entry.target, entry.data["attempts_cleared"]) == (
        security_admin,
        "clerk",
        1,
    )


def test_the_system_admin_cannot_unlock(client, client_of, clerk, system_admin):
    fail(client, SecurityPolicy.current().failure_limit)
    response = client_of(system_admin).post(reverse("org:unlock", args=["clerk"]))
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="clerk").exists()


# --- idle timeout ---------------------------------------------------------------------------

ITEMS = reverse("submissions:list")


def idle_for(client, seconds):
    session = client.session
    session["xinbao_last_seen"] = timezone.now().timestamp() - seconds
    session.save()


def test_an_idle_session_is_logged_out(client_of, officer_a):
    client = client_of(officer_a)
    client.get(ITEMS)
    idle_for(client, SecurityPolicy.current().idle_timeout_minutes * 60 + 5)
    response = client.get(ITEMS)
    assert (response.status_code, response["Location"]) == (302, reverse("login") + "?timeout=1")
    assert not logged_in(client)


def test_after_the_timeout_the_next_page_asks_for_login_again(client_of, officer_a):
    client = client_of(officer_a)
    client.get(ITEMS)
    idle_for(client, SecurityPolicy.current().idle_timeout_minutes * 60 + 5)
    client.get(ITEMS)
    assert client.get(ITEMS)["Location"].startswith(reverse("login") + "?next=")


def test_a_session_inside_the_idle_limit_stays(client_of, officer_a):
    client = client_of(officer_a)
    client.get(ITEMS)
    idle_for(client, SecurityPolicy.current().idle_timeout_minutes * 60 - 30)
    assert client.get(ITEMS).status_code == 200
    assert logged_in(client)


def test_the_idle_limit_follows_the_stored_policy(client_of, officer_a):
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"idle_timeout_minutes": 5})
    client = client_of(officer_a)
    client.get(ITEMS)
    idle_for(client, 5 * 60 + 5)
    assert client.get(ITEMS).status_code == 302


def test_activity_moves_the_idle_clock(client_of, officer_a):
    client = client_of(officer_a)
    client.get(ITEMS)
    idle_for(client, 120)
    client.get(ITEMS)
    assert timezone.now().timestamp() - client.session["xinbao_last_seen"] < 5


# --- passwords ------------------------------------------------------------------------------


def test_passwords_are_stored_with_argon2(clerk):
    assert clerk.password.startswith("argon2")
    assert clerk.check_password(PASSWORD)


@pytest.mark.parametrize(
    "weak",
    ["abcdefghij", "Ab1!xyz", "1234567890123", "alllowercase-but-long", "Password1"],
)
def test_weak_passwords_fail_validation(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_a_strong_password_passes_validation():
    validate_password(PASSWORD)


def test_a_password_like_the_user_name_fails(unit_a):
    user = make_user(Role.OFFICER, unit_a, username="zhangxiaoming")
    with pytest.raises(ValidationError):
        validate_password("Zhangxiaoming#1", user=user)


# --- what counts as activity ------------------------------------------------------------------

BOARD = reverse("emergencies:board")
BACKGROUND = {"X-Xinbao-Background": "1"}


def test_the_boards_polling_does_not_keep_the_session_alive(client_of, editor):
    client = client_of(editor)
    client.get(BOARD)
    idle_for(client, 120)
    seen = client.session["xinbao_last_seen"]
    assert client.get(BOARD, headers={**BACKGROUND, "HX-Request": "true"}).status_code == 200
    assert client.session["xinbao_last_seen"] == seen


def test_polling_past_the_idle_limit_is_logged_out(client_of, editor):
    client = client_of(editor)
    client.get(BOARD)
    # Twenty-second polls all along, and nobody at the desk.
    for _ in range(3):
        client.get(BOARD, headers=BACKGROUND)
    idle_for(client, SecurityPolicy.current().idle_timeout_minutes * 60 + 5)
    response = client.get(BOARD, headers={**BACKGROUND, "HX-Request": "true"})
    # Not a 302: the browser would follow it inside htmx's request, and the login form would
    # land inside the board. htmx sends the whole window to the login page.
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("login") + "?timeout=1"
    assert not logged_in(client)


def test_the_board_marks_its_polling_as_background(client_of, editor):
    page = client_of(editor).get(BOARD).content.decode()
    assert 'hx-trigger="every 20s, live-refresh"' in page
    assert """hx-headers='{"X-Xinbao-Background": "1"}'""" in page


def test_the_idle_timer_starts_at_the_login(client, clerk, _pinned_clock):
    log_in(client, PASSWORD)
    assert "xinbao_last_seen" in client.session  # before any page after the login
    _pinned_clock.shift(timedelta(minutes=SecurityPolicy.current().idle_timeout_minutes + 1))
    response = client.get(ITEMS)
    assert (response.status_code, response["Location"]) == (302, reverse("login") + "?timeout=1")
