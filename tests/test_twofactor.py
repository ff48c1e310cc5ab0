"""Two-step verification (等保 level 3): required by the policy for the administrators, the
section chief and the secretary-general; available to everyone; recovery codes; audited.

The codes an authenticator app would show are computed here by a plain RFC 6238 (below), not
by django-otp, the code under test."""

import hashlib
import hmac
import re
import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from org.models import SecurityPolicy
from org.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Xinbao#Pw7-hq"
LOGIN = reverse("login")
VERIFY = reverse("two_factor_verify")
SETUP = reverse("two_factor_setup")
ACCOUNT = reverse("two_factor")
ITEMS = reverse("submissions:list")
KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, hex


def rfc6238(key: bytes, at: float | None = None) -> str:
    counter = int((time.time() if at is None else at) // 30)
    mac = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(int.from_bytes(mac[offset : offset + 4], 'big') & 0x7FFFFFFF) % 10**6:06d}"


def log_in(client, user):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD}, follow=True)


def landed(response) -> str:
    return response.redirect_chain[-1][0] if response.redirect_chain else ""


def went_straight_in(response) -> bool:
    chain = [url for url, _status in response.redirect_chain]
    return response.status_code == 200 and not any(url.startswith((VERIFY, SETUP)) for url in chain)


def with_authenticator(user, key=KEY):
    return TOTPDevice.objects.create(user=user, name="phone", key=key, confirmed=True)


@pytest.fixture
def chief(section):
    return make_user(Role.CHIEF, section, username="chief", password=PASSWORD)


@pytest.fixture
def officer(unit_a):
    return make_user(Role.OFFICER, unit_a, username="clerk", password=PASSWORD)


def actions_on(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(target=user.username)
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- enrolment ------------------------------------------------------------------------------


def test_a_required_role_without_an_authenticator_is_sent_to_set_one_up(client, chief):
    response = log_in(client, chief)
    assert landed(response).startswith(SETUP)
    page = response.content.decode()
    assert "<svg" in page and "两步验证" in page
    # Nothing else opens until it is done.
    assert client.get(ITEMS)["Location"].startswith(VERIFY)


def test_setting_up_takes_a_code_from_the_shown_secret_then_shows_recovery_codes_once(
    client, chief
):
    page = log_in(client, chief).content.decode()
    typed = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    key = b32decode(typed.replace(" ", "") + "=" * (-len(typed.replace(" ", "")) % 8))

    wrong = client.post(SETUP, {"code": "000000" if rfc6238(key) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert not TOTPDevice.objects.filter(user=chief).exists()

    done = client.post(SETUP, {"code": rfc6238(key)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in done.content.decode() for code in codes)
    device = TOTPDevice.objects.get(user=chief, confirmed=True)
    assert device.bin_key == key
    assert sorted(
        StaticToken.objects.filter(device__user=chief).values_list("token", flat=True)
    ) == (sorted(codes))
    assert client.get(ITEMS).status_code == 200
    entry = AuditEntry.objects.get(action="otp_enrolled")
    assert (entry.actor, entry.target, entry.data["recovery_codes"]) == (chief, "chief", 10)
    assert not any(code in str(entry.data) for code in codes)


# --- the second step ------------------------------------------------------------------------


def test_with_an_authenticator_the_login_asks_for_its_code(client, chief):
    with_authenticator(chief)
    response = log_in(client, chief)
    assert landed(response).startswith(VERIFY)
    assert client.get(ITEMS)["Location"].startswith(VERIFY)
    assert client.get(SETUP)["Location"].startswith(VERIFY)  # a password cannot replace it

    wrong = client.post(VERIFY, {"code": "12345x"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert client.get(ITEMS).status_code == 302

    right = client.post(VERIFY, {"code": rfc6238(bytes.fromhex(KEY)), "next": ITEMS})
    assert right["Location"] == ITEMS
    assert client.get(ITEMS).status_code == 200
    assert actions_on(chief) == ["login", "otp_failed"]


def test_a_code_is_good_once(client, chief):
    with_authenticator(chief)
    code = rfc6238(bytes.fromhex(KEY))
    log_in(client, chief)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("logout"))
    log_in(client, chief)
    assert client.post(VERIFY, {"code": code}).status_code == 200
    assert client.get(ITEMS).status_code == 302


def test_a_recovery_code_logs_in_once_and_its_use_is_audited(client, chief):
    with_authenticator(chief)
    recovery = StaticDevice.objects.create(user=chief, name="recovery")
    recovery.token_set.create(token="abcd2345")
    log_in(client, chief)
    assert client.post(VERIFY, {"code": "ABCD-2345"}).status_code == 302
    assert client.get(ITEMS).status_code == 200
    entry = AuditEntry.objects.get(action="otp_recovery_code_used")
    assert (entry.target, entry.data["left"]) == ("chief", 0)
    client.post(reverse("logout"))
    log_in(client, chief)
    assert client.post(VERIFY, {"code": "abcd2345"}).status_code == 200


def test_an_officer_is_not_asked_unless_they_turned_it_on(client, officer):
    assert went_straight_in(log_in(client, officer))
    assert client.get(ITEMS).status_code == 200


def test_anyone_may_turn_it_on_from_their_account_page_and_is_then_asked(client, officer):
    log_in(client, officer)
    assert "开启两步验证" in client.get(ACCOUNT).content.decode()
    page = client.get(SETUP).content.decode()
    typed = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    key = b32decode(typed + "=" * (-len(typed) % 8))
    assert client.post(SETUP, {"code": rfc6238(key)}).status_code == 200
    client.post(reverse("logout"))
    assert landed(log_in(client, officer)).startswith(VERIFY)


def test_an_officer_may_turn_it_off_but_a_required_role_may_not(client, client_of, officer, chief):
    with_authenticator(officer)
    client_of(officer).post(reverse("two_factor_off"))
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert "otp_disabled" in actions_on(officer)
    chiefs = client_of(chief)  # verified, with the authenticator the login gave
    chiefs.post(reverse("two_factor_off"))
    assert TOTPDevice.objects.filter(user=chief).exists()


def test_new_recovery_codes_replace_the_old_ones(client_of, chief):
    client = client_of(chief)
    first = client.post(reverse("two_factor_codes")).context["codes"]
    second = client.post(reverse("two_factor_codes")).context["codes"]
    left = set(StaticToken.objects.filter(device__user=chief).values_list("token", flat=True))
    assert left == set(second) and not left & set(first)


def test_the_required_roles_are_the_policy(client, unit_a):
    editor = make_user(Role.EDITOR, unit_a, username="ed", password=PASSWORD)
    assert went_straight_in(log_in(client, editor))
    client.post(reverse("logout"))
    policy = SecurityPolicy.current()
    policy.second_factor_roles = [*policy.second_factor_roles, Role.EDITOR]
    policy.save()
    assert landed(log_in(client, editor)).startswith(SETUP)


# --- the security administrator's reset -----------------------------------------------------


def test_the_security_admin_resets_someones_second_factor(client_of, security_admin, chief):
    chiefs = client_of(chief)
    assert chiefs.get(ITEMS).status_code == 200
    response = client_of(security_admin).post(
        reverse("org:reset_two_factor"), {"username": "chief"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=chief).exists()
    entry = AuditEntry.objects.get(action="otp_reset")
    assert (entry.actor, entry.target) == (security_admin, "chief")
    # The chief's session loses its verification and must set up a new authenticator.
    verify = chiefs.get(ITEMS)["Location"]
    assert verify.startswith(VERIFY)
    assert chiefs.get(verify)["Location"].startswith(SETUP)


def test_the_security_admin_cannot_reset_their_own(client_of, security_admin):
    client = client_of(security_admin)
    response = client.post(reverse("org:reset_two_factor"), {"username": "secadmin"}, follow=True)
    assert TOTPDevice.objects.filter(user=security_admin).exists()
    assert "另一位安全管理员" in response.content.decode()
    assert not AuditEntry.objects.filter(action="otp_reset").exists()


def test_resetting_an_unknown_name_says_so(client_of, security_admin):
    response = client_of(security_admin).post(
        reverse("org:reset_two_factor"), {"username": "nobody"}, follow=True
    )
    assert "没有账户 nobody" in response.content.decode()
