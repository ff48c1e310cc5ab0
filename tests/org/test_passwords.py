"""Passwords (等保 level 3): the current one and the last N refused, optional expiry, a forced
change page every other page sends to, every change audited. N and the expiry are data on the
security policy, edited by the security administrator."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from org.models import SecurityPolicy, User
from org.roles import Role
from tests.factories import make_user
from tests.test_twofactor import KEY, rfc6238, with_authenticator

pytestmark = pytest.mark.django_db

FIRST = "First-pass-2024!"
CHANGE = reverse("password_change")
LOGIN = reverse("login")


@pytest.fixture
def clerk(unit_a):
    return make_user(Role.OFFICER, unit_a, username="clerk", password=FIRST)


def signed_in(user: User, password: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def change(client: Client, old: str, new: str):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def errors(response) -> str:
    return str(response.context["form"].errors)


def walk(client: Client, start: str, passwords: list[str]) -> str:
    """Change from `start` through each of `passwords` in turn; returns the last."""
    current = start
    for new in passwords:
        assert change(client, current, new).status_code == 302
        current = new
    return current


def set_policy(**values) -> None:
    SecurityPolicy.objects.update_or_create(pk=1, defaults=values)


# --- the current and recent passwords ---------------------------------------------------------


def test_the_current_password_is_refused_as_the_new_one(clerk):
    response = change(signed_in(clerk, FIRST), FIRST, FIRST)
    assert response.status_code == 200
    assert "新密码不能与当前密码相同" in errors(response)
    clerk.refresh_from_db()
    assert clerk.check_password(FIRST)


def numbered(n: int) -> list[str]:
    return [f"Rotate-{i}-pass-xb!" for i in range(1, n + 1)]


@pytest.mark.parametrize("keep", [5, 2])
def test_the_last_n_passwords_are_refused_and_older_ones_allowed(clerk, keep):
    set_policy(password_history=keep)
    client = signed_in(clerk, FIRST)
    current = walk(client, FIRST, numbered(keep + 1))
    # The history, newest first: the current password, then the ones before it.
    history = [*reversed(numbered(keep + 1)), FIRST]
    for recent in history[1:keep]:
        response = change(client, current, recent)
        assert response.status_code == 200, recent
        assert "最近使用过" in errors(response)
    older = history[keep]
    assert change(client, current, older).status_code == 302


def test_with_no_history_only_the_current_password_is_refused(clerk):
    set_policy(password_history=0)
    client = signed_in(clerk, FIRST)
    current = walk(client, FIRST, ["Second-pass-2024!"])
    assert change(client, current, FIRST).status_code == 302


def test_a_password_change_is_audited_without_the_password(clerk):
    change(signed_in(clerk, FIRST), FIRST, "Second-pass-2024!")
    entry = AuditEntry.objects.get(action="password_changed")
    assert (entry.actor, entry.target) == (clerk, f"user:{clerk.pk} clerk")
    assert "Second-pass" not in str(entry.data) and "argon2" not in str(entry.data)


# --- the policy: data, edited and audited by the security administrator -----------------------

POLICY = {
    "failure_limit": 5,
    "cooloff_minutes": 30,
    "idle_timeout_minutes": 30,
    "password_history": 8,
    "password_max_age_days": 90,
    "reset_link_hours": 12,
    "cooloff_max_minutes": 1440,
    "lockout_memory_hours": 24,
    "second_factor_roles": ["system_admin", "security_admin", "audit_admin"],
}


def test_the_security_admin_edits_history_and_expiry_and_it_is_audited(client_of, security_admin):
    response = client_of(security_admin).post(reverse("org:security"), POLICY)
    assert response.status_code == 302
    policy = SecurityPolicy.current()
    assert (policy.password_history, policy.password_max_age_days, policy.reset_link_hours) == (
        8,
        90,
        12,
    )
    entry = AuditEntry.objects.get(action="security_policy_changed")
    assert entry.data["before"]["password_history"] == 5
    assert entry.data["before"]["password_max_age_days"] == 0
    assert entry.data["after"]["password_history"] == 8


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("password_history", 25, "0 至 24"),
        ("password_max_age_days", 400, "365"),
        ("reset_link_hours", 0, "1 至 72"),
        ("password_history", "abc", ""),
    ],
)
def test_a_bad_password_policy_is_refused_in_chinese(
    client_of, security_admin, field, value, message
):
    response = client_of(security_admin).post(reverse("org:security"), {**POLICY, field: value})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert SecurityPolicy.current().password_history == 5
    assert not AuditEntry.objects.filter(action="security_policy_changed").exists()


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_other_administrators_cannot_change_the_password_policy(persona, personas, client_of):
    response = client_of(personas[persona]).post(reverse("org:security"), POLICY)
    assert response.status_code == 403
    assert SecurityPolicy.current().password_history == 5


# --- expiry and the forced change -------------------------------------------------------------

PAGES = ("home", "notify:inbox", "submissions:list", "notify:channels")


def test_passwords_do_not_expire_by_default(clerk, _pinned_clock):
    client = signed_in(clerk, FIRST)
    _pinned_clock.shift(timedelta(days=3650))
    client = signed_in(clerk, FIRST)
    assert client.get(reverse("notify:inbox")).status_code == 200


def test_an_expired_password_must_be_changed_before_anything_else(clerk, _pinned_clock):
    set_policy(password_max_age_days=30)
    _pinned_clock.shift(timedelta(days=29))
    assert signed_in(clerk, FIRST).get(reverse("notify:inbox")).status_code == 200
    _pinned_clock.shift(timedelta(days=2))
    client = signed_in(clerk, FIRST)
    for name in PAGES:
        response = client.get(reverse(name))
        assert (response.status_code, response["Location"]) == (302, CHANGE), name
    page = client.get(CHANGE)
    assert page.status_code == 200
    assert "密码已过期" in page.content.decode()
    assert change(client, FIRST, "Fresh-pass-2025!").status_code == 302
    assert client.get(reverse("notify:inbox")).status_code == 200
    assert AuditEntry.objects.get(action="password_changed").data == {"was_required": False}


def test_a_password_set_by_someone_else_must_be_changed(clerk):
    # e.g. typed in by an operator with `manage.py changepassword` after a reset was asked for
    User.objects.filter(pk=clerk.pk).update(must_change_password=True)
    client = signed_in(clerk, FIRST)
    for name in PAGES:
        assert client.get(reverse(name))["Location"] == CHANGE, name
    assert client.post(reverse("notify:channels"), {})["Location"] == CHANGE
    assert client.get("/admin/")["Location"] == CHANGE
    polled = client.get(reverse("notify:inbox"), headers={"HX-Request": "true"})
    assert (polled.status_code, polled["HX-Redirect"]) == (204, CHANGE)
    assert "他人设置或重置" in client.get(CHANGE).content.decode()
    change(client, FIRST, "Fresh-pass-2025!")
    assert client.get(reverse("notify:inbox")).status_code == 200
    clerk.refresh_from_db()
    assert not clerk.must_change_password


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "audit_admin"])
def test_administrators_are_forced_too(persona, personas):
    admin_user = personas[persona]
    admin_user.set_password(FIRST)
    admin_user.must_change_password = True
    admin_user.save()
    with_authenticator(admin_user)
    client = signed_in(admin_user, FIRST)
    # The second step comes first (an administrator must use one), then the forced change.
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    answer = client.post(reverse("two_factor_verify"), {"code": rfc6238(bytes.fromhex(KEY))})
    assert answer.status_code == 302
    assert client.get(reverse("home"))["Location"] == CHANGE
    assert client.post(reverse("logout")).status_code == 302  # leaving is always allowed
