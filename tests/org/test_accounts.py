"""三员分立 for accounts, walked as each administrator: nobody sets another person's password
(a reset mails a one-time link to the person), and what grants access is proposed by the system
administrator and decided by the security administrator."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from org import actions_accounts
from org.models import AccountProposal, PasswordLink, ProposalState, SecurityPolicy, User
from org.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ADMINS = ("system_admin", "security_admin", "audit_admin")
OLD = "Old-pass-2024!"
NEW = "Own-choice-2025!"
LOGIN = reverse("login")
PROPOSALS = reverse("org:proposals")


@pytest.fixture
def clerk(unit_a):
    return make_user(
        Role.OFFICER, unit_a, username="clerk", password=OLD, email="clerk@example.org"
    )


def change_url(user: User) -> str:
    return reverse("admin:org_user_change", args=[user.pk])


def log_in(password: str, username: str = "clerk") -> Client:
    client = Client()
    client.post(LOGIN, {"username": username, "password": password})
    return client


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def account_form(user: User, **changes) -> dict:
    """What the admin's change form posts for `user`, with `changes`."""
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "title": user.title,
        "phone": user.phone,
        "email": user.email,
        "unit": user.unit_id or "",
        "new_role": "",
    }
    if user.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def token_in(message) -> str:
    found = re.search(r"/accounts/password/set/([^/\s]+)/", message.body)
    assert found, message.body
    return found.group(1)


def reset(client: Client, user: User):
    return client.post(
        reverse("admin:org_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [user.pk]},
        follow=True,
    )


# --- nobody sets another person's password ------------------------------------------------------


@pytest.mark.parametrize("persona", ADMINS)
def test_no_administrator_sets_a_password_in_the_admin(persona, personas, client_of, clerk):
    client = client_of(personas[persona])
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    # The system administrator is refused; the others are not let into the admin at all.
    expected = 403 if persona == "system_admin" else 302
    assert client.get(url).status_code == expected
    response = client.post(url, {"password1": "Taken-over-2025!", "password2": "Taken-over-2025!"})
    assert response.status_code == expected
    clerk.refresh_from_db()
    assert clerk.check_password(OLD)
    assert not log_in("Taken-over-2025!").session.get("_auth_user_id")


def test_the_change_form_offers_no_password_and_ignores_one(client_of, system_admin, clerk):
    client = client_of(system_admin)
    form = client.get(change_url(clerk)).context["adminform"].form
    assert not {"password", "password1", "password2", "role"} & set(form.fields)
    client.post(change_url(clerk), account_form(clerk, password="Taken-over-2025!"))
    clerk.refresh_from_db()
    assert clerk.check_password(OLD)


def test_the_add_form_lets_nobody_choose_a_first_password(client_of, system_admin, unit_a):
    client = client_of(system_admin)
    add = reverse("admin:org_user_add")
    assert not {"password1", "password2", "usable_password"} & set(
        client.get(add).context["adminform"].form.fields
    )
    client.post(
        add,
        {
            "username": "newbie",
            "full_name": "新人",
            "email": "newbie@example.org",
            "unit": unit_a.pk,
            "role": Role.OFFICER,
            "password1": "Chosen-by-admin-1!",
            "password2": "Chosen-by-admin-1!",
        },
    )
    newbie = User.objects.get(username="newbie")
    assert not newbie.has_usable_password()
    assert (newbie.is_active, newbie.role) == (False, "")
    assert not logged_in(log_in("Chosen-by-admin-1!", "newbie"))
    assert mail.outbox == []  # no link before the security administrator approves


@pytest.mark.parametrize("persona", ["security_admin", "audit_admin"])
def test_other_administrators_cannot_ask_for_a_reset(persona, personas, client_of, clerk):
    assert (
        reset(client_of(personas[persona]), clerk)
        .redirect_chain[0][0]
        .startswith(reverse("admin:login"))
    )
    with pytest.raises(PermissionDenied):
        actions_accounts.do_request_password_reset(personas[persona], clerk.pk, "http://x")
    assert mail.outbox == []
    assert not PasswordLink.objects.exists()


# --- the reset: a one-time link to the person's own mailbox ---------------------------------------


def test_a_reset_mails_a_link_only_to_the_person(client_of, system_admin, clerk):
    response = reset(client_of(system_admin), clerk)
    assert [m.to for m in mail.outbox] == [["clerk@example.org"]]
    token = token_in(mail.outbox[0])
    # The administrator's page, the database and the audit log never hold the token.
    assert token not in response.content.decode()
    assert PasswordLink.objects.get().digest != token
    assert not any(token in str(e.data) for e in AuditEntry.objects.all())
    entry = AuditEntry.objects.get(action="password_reset_requested")
    assert (entry.actor, entry.target) == (system_admin, f"user:{clerk.pk} clerk")


def test_after_a_reset_the_old_password_stops_working(client_of, system_admin, clerk):
    reset(client_of(system_admin), clerk)
    assert not logged_in(log_in(OLD))


def test_the_person_sets_their_own_password_with_the_link(client, client_of, system_admin, clerk):
    reset(client_of(system_admin), clerk)
    url = reverse("password_set", args=[token_in(mail.outbox[0])])
    assert client.get(url).status_code == 200
    response = client.post(url, {"new_password1": NEW, "new_password2": NEW})
    assert (response.status_code, response["Location"]) == (302, LOGIN)
    person = log_in(NEW)
    assert logged_in(person)
    assert person.get(reverse("notify:inbox")).status_code == 200  # no second forced change
    completed = AuditEntry.objects.get(action="password_reset_completed")
    assert completed.actor == User.objects.get(pk=clerk.pk)


def test_a_link_dies_on_use(client, client_of, system_admin, clerk):
    reset(client_of(system_admin), clerk)
    url = reverse("password_set", args=[token_in(mail.outbox[0])])
    client.post(url, {"new_password1": NEW, "new_password2": NEW})
    assert client.get(url).status_code == 410
    again = client.post(url, {"new_password1": "Another-one-2025!", "new_password2": "x"})
    assert again.status_code == 410
    assert logged_in(log_in(NEW))


def test_a_newer_link_replaces_the_older(client, client_of, system_admin, clerk):
    admin_client = client_of(system_admin)
    reset(admin_client, clerk)
    reset(admin_client, clerk)
    first, second = (token_in(m) for m in mail.outbox)
    assert client.get(reverse("password_set", args=[first])).status_code == 410
    assert client.get(reverse("password_set", args=[second])).status_code == 200


@pytest.mark.parametrize(("hours", "after", "status"), [(24, 23, 200), (24, 25, 410), (2, 3, 410)])
def test_links_expire_after_the_policys_lifetime(
    client, client_of, system_admin, clerk, _pinned_clock, hours, after, status
):
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"reset_link_hours": hours})
    reset(client_of(system_admin), clerk)
    _pinned_clock.shift(timedelta(hours=after))
    url = reverse("password_set", args=[token_in(mail.outbox[0])])
    assert client.get(url).status_code == status


def test_a_bad_token_is_refused_in_chinese(client):
    response = client.get(reverse("password_set", args=["not-a-token"]))
    assert response.status_code == 410
    assert "链接" in response.content.decode()


def test_a_reset_without_an_email_says_why_and_writes_nothing(client_of, system_admin, unit_a):
    person = make_user(Role.OFFICER, unit_a, username="nomail", password=OLD)
    response = reset(client_of(system_admin), person)
    assert "电子邮件" in response.content.decode() or "邮箱" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(OLD)
    assert not PasswordLink.objects.exists()
    assert not AuditEntry.objects.filter(action="password_reset_requested").exists()


def test_an_administrator_resets_his_own_password_only_by_his_own_mail(client_of, system_admin):
    system_admin.email = "sysadmin@example.org"
    system_admin.save()
    reset(client_of(system_admin), system_admin)
    assert [m.to for m in mail.outbox] == [["sysadmin@example.org"]]


# --- the two-person rule ----------------------------------------------------------------------


def propose_role(client: Client, user: User, role: str):
    return client.post(change_url(user), account_form(user, new_role=role), follow=True)


def decide(client: Client, proposal: AccountProposal, decision: str = "approve"):
    return client.post(reverse("org:decide", args=[proposal.pk]), {"decision": decision})


def test_the_system_admin_cannot_raise_his_own_role(client_of, system_admin):
    propose_role(client_of(system_admin), system_admin, Role.CHIEF)
    system_admin.refresh_from_db()
    assert system_admin.role == Role.SYSTEM_ADMIN
    proposal = AccountProposal.objects.get(user=system_admin)
    assert (proposal.state, proposal.after) == (ProposalState.PENDING, {"role": Role.CHIEF})


def test_posting_the_role_field_directly_changes_nothing(client_of, system_admin, clerk):
    client_of(system_admin).post(change_url(clerk), account_form(clerk, role=Role.CHIEF))
    clerk.refresh_from_db()
    assert clerk.role == Role.OFFICER
    assert not AccountProposal.objects.exists()


def test_a_raise_takes_effect_when_the_security_admin_approves(
    client_of, system_admin, security_admin, clerk
):
    propose_role(client_of(system_admin), clerk, Role.CHIEF)
    proposed = AuditEntry.objects.get(action="account_change_proposed")
    assert proposed.data["before"] == {"role": Role.OFFICER}
    assert proposed.data["after"] == {"role": Role.CHIEF}
    secadmin = client_of(security_admin)
    page = secadmin.get(PROPOSALS).content.decode()
    assert "帐号审批" in page or "账号审批" in page
    assert "科长" in page  # the proposed role, in Chinese
    decide(secadmin, AccountProposal.objects.get())
    clerk.refresh_from_db()
    assert clerk.role == Role.CHIEF
    approved = AuditEntry.objects.get(action="account_change_approved")
    assert approved.actor == security_admin
    assert (approved.data["before"], approved.data["after"]) == (
        {"role": Role.OFFICER},
        {"role": Role.CHIEF},
    )
    assert approved.data["proposed_by"] == "sysadmin"


def test_a_rejected_raise_changes_nothing(client_of, system_admin, security_admin, clerk):
    propose_role(client_of(system_admin), clerk, Role.EDITOR)
    decide(client_of(security_admin), AccountProposal.objects.get(), "reject")
    clerk.refresh_from_db()
    assert clerk.role == Role.OFFICER
    assert AccountProposal.objects.get().state == ProposalState.REJECTED
    assert AuditEntry.objects.get(action="account_change_rejected").actor == security_admin


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin", "chief"])
def test_only_the_security_admin_decides(persona, personas, client_of, system_admin, clerk):
    propose_role(client_of(system_admin), clerk, Role.CHIEF)
    proposal = AccountProposal.objects.get()
    client = client_of(personas[persona])
    assert client.get(PROPOSALS).status_code == 403
    assert decide(client, proposal).status_code == 403
    clerk.refresh_from_db()
    assert clerk.role == Role.OFFICER


def test_the_security_admin_cannot_approve_a_raise_of_his_own_account(
    client_of, system_admin, security_admin
):
    propose_role(client_of(system_admin), security_admin, Role.CHIEF)
    decide(client_of(security_admin), AccountProposal.objects.get())
    security_admin.refresh_from_db()
    assert security_admin.role == Role.SECURITY_ADMIN
    assert AccountProposal.objects.get().state == ProposalState.PENDING


def test_the_security_admin_cannot_approve_his_own_proposal(security_admin, clerk):
    # However it came to be (say, he held the system administrator's role when he made it).
    proposal = AccountProposal.objects.create(
        user=clerk,
        before={"role": Role.OFFICER},
        after={"role": Role.CHIEF},
        proposed_by=security_admin,
        proposed_at=clerk.date_joined,
    )
    with pytest.raises(actions_accounts.ActionError):
        actions_accounts.do_decide_proposal(security_admin, proposal.pk, True, "http://x")
    clerk.refresh_from_db()
    assert clerk.role == Role.OFFICER


def test_a_proposal_overtaken_by_a_change_is_not_applied(
    client_of, system_admin, security_admin, clerk
):
    propose_role(client_of(system_admin), clerk, Role.CHIEF)
    User.objects.filter(pk=clerk.pk).update(role=Role.UNIT_HEAD)  # changed behind it
    response = decide(client_of(security_admin), AccountProposal.objects.get())
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.role == Role.UNIT_HEAD


def test_lowering_a_role_takes_effect_at_once_and_is_audited(client_of, system_admin, unit_a):
    chief = make_user(Role.CHIEF, unit_a, username="oldchief")
    propose_role(client_of(system_admin), chief, Role.EDITOR)
    chief.refresh_from_db()
    assert chief.role == Role.EDITOR
    assert not AccountProposal.objects.exists()
    entry = AuditEntry.objects.get(action="user_changed")
    assert (entry.data["before"], entry.data["after"]) == (
        {"role": Role.CHIEF},
        {"role": Role.EDITOR},
    )


def test_deactivation_is_at_once_and_reactivation_needs_approval(
    client_of, system_admin, security_admin, clerk
):
    client = client_of(system_admin)
    client.post(change_url(clerk), account_form(clerk, is_active=None))
    clerk.refresh_from_db()
    assert not clerk.is_active
    client.post(change_url(clerk), account_form(clerk, is_active="on"))
    clerk.refresh_from_db()
    assert not clerk.is_active
    decide(client_of(security_admin), AccountProposal.objects.get())
    clerk.refresh_from_db()
    assert clerk.is_active


def test_a_new_email_address_needs_approval(client_of, system_admin, security_admin, clerk):
    client_of(system_admin).post(change_url(clerk), account_form(clerk, email="evil@example.org"))
    clerk.refresh_from_db()
    assert clerk.email == "clerk@example.org"
    assert AccountProposal.objects.get().after == {"email": "evil@example.org"}


def test_a_second_grant_waits_for_the_first_decision(client_of, system_admin, clerk):
    client = client_of(system_admin)
    propose_role(client, clerk, Role.EDITOR)
    response = client.post(change_url(clerk), account_form(clerk, email="other@example.org"))
    assert response.status_code == 200
    assert "审批" in str(response.context["adminform"].form.non_field_errors())
    assert AccountProposal.objects.count() == 1


def test_a_new_account_is_inactive_until_approved_then_sets_its_own_password(
    client, client_of, system_admin, security_admin, unit_a
):
    client_of(system_admin).post(
        reverse("admin:org_user_add"),
        {
            "username": "newbie",
            "full_name": "新人",
            "email": "newbie@example.org",
            "unit": unit_a.pk,
            "role": Role.EDITOR,
        },
    )
    newbie = User.objects.get(username="newbie")
    # Ticking "active" before the decision does not let it in either.
    client_of(system_admin).post(change_url(newbie), account_form(newbie, is_active="on"))
    newbie.refresh_from_db()
    assert not newbie.is_active
    decide(client_of(security_admin), AccountProposal.objects.get())
    newbie.refresh_from_db()
    assert (newbie.is_active, newbie.role) == (True, Role.EDITOR)
    assert [m.to for m in mail.outbox] == [["newbie@example.org"]]
    url = reverse("password_set", args=[token_in(mail.outbox[0])])
    client.post(url, {"new_password1": NEW, "new_password2": NEW})
    assert logged_in(log_in(NEW, "newbie"))
    assert AuditEntry.objects.filter(action="first_password_set", actor=newbie).exists()


# --- account changes are audited with before and after ----------------------------------------


def test_an_account_change_records_values_never_the_password(client_of, system_admin, clerk):
    client_of(system_admin).post(
        change_url(clerk), account_form(clerk, full_name="张三", phone="010-1234")
    )
    entry = AuditEntry.objects.get(action="user_changed")
    assert entry.data == {
        "before": {"full_name": clerk.full_name, "phone": ""},
        "after": {"full_name": "张三", "phone": "010-1234"},
    }
    everything = " ".join(str(e.data) for e in AuditEntry.objects.all())
    assert "argon2" not in everything and "password" not in everything.lower()


def test_a_unit_change_records_before_and_after(client_of, system_admin, unit_a):
    url = reverse("admin:org_unit_change", args=[unit_a.pk])
    form = client_of(system_admin).get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    client_of(system_admin).post(url, {**data, "phone": "0371-5555"})
    entry = AuditEntry.objects.get(action="unit_changed")
    assert (entry.data["before"], entry.data["after"]) == ({"phone": ""}, {"phone": "0371-5555"})


def test_history_keeps_hashes_only(client_of, system_admin, clerk, client):
    reset(client_of(system_admin), clerk)
    client.post(
        reverse("password_set", args=[token_in(mail.outbox[0])]),
        {"new_password1": NEW, "new_password2": NEW},
    )
    stored = list(clerk.password_history.values_list("password", flat=True))
    assert len(stored) == 2
    assert all(h.startswith("argon2") for h in stored)
    assert {check_password(OLD, h) or check_password(NEW, h) for h in stored} == {True}


def test_a_move_into_another_unit_needs_approval(client_of, system_admin, clerk, unit_b):
    client_of(system_admin).post(change_url(clerk), account_form(clerk, unit=unit_b.pk))
    clerk.refresh_from_db()
    assert clerk.unit_id != unit_b.pk
    assert AccountProposal.objects.get().after == {"unit": unit_b.pk}


# --- which changes need a second administrator: a table written by hand ------------------

R = Role
GRANTS = [
    ("role", R.OFFICER, R.CHIEF, True),
    ("role", R.OFFICER, R.UNIT_HEAD, True),  # signs off: a power the officer lacks
    ("role", R.SYSTEM_ADMIN, R.SECURITY_ADMIN, True),
    ("role", R.SYSTEM_ADMIN, R.CHIEF, True),
    ("role", "", R.OFFICER, True),
    ("role", R.CHIEF, R.EDITOR, False),
    ("role", R.SECRETARY_GENERAL, R.CHIEF, False),  # the same powers
    ("role", R.EDITOR, R.EDITOR, False),
    ("is_active", False, True, True),
    ("is_active", True, False, False),
    ("email", "a@example.org", "b@example.org", True),
    ("email", "", "b@example.org", True),
    ("unit", 1, 2, True),
    ("unit", 1, None, False),
    ("full_name", "甲", "乙", False),
    ("phone", "", "123", False),
]


@pytest.mark.parametrize(("field", "before", "after", "needs"), GRANTS)
def test_which_changes_need_approval(field, before, after, needs):
    from org.account_rules import needs_approval

    assert needs_approval(field, before, after) is needs
