"""A DOWN link files reports through two accounts of its own, and an UP link records the upper
office's notices through one. They act only through signed messages. The system administrator
who keeps the links must not be able to turn one into a login (三员分立: "the system
administrator can become anyone" was a finding): not by a reset link, not by changing its
address first, not by setting a password some other way."""

import pytest
from django.test import Client
from django.urls import reverse

from federation.actions import LinkSpec, do_create_link
from org import actions_accounts
from org.models import UnitKind, UnitLevel, User
from tests.factories import make_unit
from xinbao.core.errors import ActionError

pytestmark = pytest.mark.django_db
PASSWORD = "Xinbao#Link-try9"


@pytest.fixture
def link_accounts(system_admin) -> list[User]:
    city = make_unit(
        "丁市委办公室", code="city-d", kind=UnitKind.PARTY_OFFICE, level=UnitLevel.CITY
    )
    spec = LinkSpec(
        direction="down",
        name="丁市",
        base_url="https://xinbao.city-d.example.gov.cn",
        office_code="city-d",
        unit=city,
        secret="",
    )
    link = do_create_link(system_admin, spec)[0]
    assert link.filer is not None and link.signer is not None
    return [link.filer, link.signer]


def test_the_links_accounts_are_marked_and_have_no_password(link_accounts):
    for account in link_accounts:
        account.refresh_from_db()
        assert account.is_service
        assert not account.has_usable_password()


def test_the_system_administrator_cannot_reset_or_readdress_them(system_admin, link_accounts):
    for account in link_accounts:
        with pytest.raises(ActionError, match="级联"):
            actions_accounts.do_request_password_reset(system_admin, account.pk, "http://x")
        with pytest.raises(ActionError, match="级联"):
            actions_accounts.do_change_account(
                system_admin, account.pk, {"email": "admin@example.gov.cn"}
            )
        account.refresh_from_db()
        assert account.email == "" and not account.has_usable_password()


def test_even_with_a_password_set_behind_the_sites_back_it_cannot_log_in(link_accounts):
    account = link_accounts[1]
    account.set_password(PASSWORD)  # as `manage.py changepassword` would
    account.save()
    client = Client()
    response = client.post(reverse("login"), {"username": account.username, "password": PASSWORD})
    assert response.status_code == 200  # the form again, not a redirect into the site
    assert "_auth_user_id" not in client.session


def test_an_ordinary_account_is_untouched(client_of, officer_a):
    assert not officer_a.is_service
    assert client_of(officer_a).get("/items/").status_code == 200
