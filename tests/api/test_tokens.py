"""Personal API tokens: made and revoked by their owner on the account page, stored only as a
fingerprint, scoped, and never wider than their owner."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from api.models import ApiToken
from audit.models import AuditEntry
from tests.api.conftest import ApiClient
from tests.factories import make_item

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"xb_[A-Za-z0-9]+_[A-Za-z0-9_-]{40,}")


def make_on_page(client, name="热线对接", scope="write", expires=""):
    response = client.post(
        reverse("apitokens:list"), {"name": name, "scope": scope, "expires": expires}
    )
    assert response.status_code == 200
    found = SECRET.findall(response.content.decode())
    assert len(found) == 1, "the new secret is shown exactly once on the page"
    return found[0]


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    return body["error"]


def test_it_reaches_the_token_page_from_the_account_menu(client_of, officer_a, leader):
    """Not on every page's header (a leader's phone menu stays short): behind one's own name,
    on the account page with the password and two-step verification."""
    for who in (officer_a, leader):
        client = client_of(who)
        page = client.get(reverse("home"), follow=True).content.decode()
        assert reverse("apitokens:list") not in page
        assert f'class="who-name" href="{reverse("two_factor")}"' in page
        account = client.get(reverse("two_factor")).content.decode()
        assert f'href="{reverse("apitokens:list")}">接口令牌</a>' in account
        assert reverse("password_change") in account


def test_the_lifecycle_make_use_revoke(client_of, officer_a):
    browser = client_of(officer_a)
    plain = make_on_page(browser)
    token = ApiToken.objects.get(owner=officer_a)

    # Kept as its SHA-256 only: no column of the row holds the secret.
    assert token.secret_hash == hashlib.sha256(plain.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        assert not any(plain in str(value) for row in cursor.fetchall() for value in row)

    # Shown once: the list page afterwards has only its prefix.
    listing = browser.get(reverse("apitokens:list")).content.decode()
    assert not SECRET.search(listing)
    assert f"xb_{token.prefix}_" in listing

    machine = ApiClient(plain)
    assert machine.get("/items").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    response = browser.post(reverse("apitokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    refused = machine.get("/items")
    assert refused.status_code == 401
    assert error_of(refused)["code"] == "unauthenticated"

    logged = list(
        AuditEntry.objects.filter(target=f"api_token:{token.pk}")
        .order_by("seq")
        .values_list("action", "actor")
    )
    assert logged == [("api_token_created", officer_a.pk), ("api_token_revoked", officer_a.pk)]


def test_nobody_revokes_someone_elses_token(client_of, officer_a, officer_b):
    make_on_page(client_of(officer_a))
    token = ApiToken.objects.get(owner=officer_a)
    client_of(officer_b).post(reverse("apitokens:revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_stops_working(client_of, officer_a, _pinned_clock):
    plain = make_on_page(client_of(officer_a), expires="30")
    machine = ApiClient(plain)
    assert machine.get("/items").status_code == 200
    _pinned_clock.shift(timedelta(days=30, seconds=1))
    assert machine.get("/items").status_code == 401


def test_a_deactivated_owners_token_stops_working(api_as, officer_a):
    machine = api_as(officer_a)
    assert machine.get("/items").status_code == 200
    officer_a.is_active = False
    officer_a.save(update_fields=["is_active"])
    assert machine.get("/items").status_code == 401


@pytest.mark.parametrize(
    "sent",
    ["", "xb_", "xb_nope_nope", "nonsense", "xb_a_b_c", "Bearer", "xb_" + "x" * 300],
)
def test_anything_but_a_token_is_401_in_the_shape(api_as, officer_a, sent):
    api_as(officer_a)  # a real token exists
    response = ApiClient(sent).get("/items")
    assert response.status_code == 401
    assert error_of(response)["message"] == "请登录，或提供有效的接口令牌。"


def test_the_right_prefix_with_a_wrong_secret_is_refused(client_of, officer_a):
    plain = make_on_page(client_of(officer_a))
    forged = plain[:-4] + ("aaaa" if not plain.endswith("aaaa") else "bbbb")
    assert ApiClient(forged).get("/items").status_code == 401


def test_a_revoked_token_is_refused_even_beside_a_session(client_of, api_as, officer_a):
    browser = client_of(officer_a)
    plain = make_on_page(browser)
    browser.post(reverse("apitokens:revoke", args=[ApiToken.objects.get().pk]))
    response = browser.get("/api/items", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 401


def test_a_read_token_reads_and_never_writes(api_as, officer_a):
    reader = api_as(officer_a, "read")
    assert reader.get("/items").status_code == 200
    before = AuditEntry.objects.count()
    response = reader.post("/items", {"title": "标题", "body": "正文", "kind": "news"})
    assert response.status_code == 403
    assert error_of(response) == {
        "code": "read_only_token",
        "message": "该令牌只能读取，不能写入。",
    }
    assert AuditEntry.objects.count() == before


def test_a_token_is_never_wider_than_its_owner(api_as, officer_a, officer_b, head_a):
    """Officer B's write token cannot see unit A's draft: the same 404 as a missing id."""
    draft = make_item(officer_a)
    other = api_as(officer_b)
    hidden = other.get(f"/items/{draft.pk}")
    missing = other.get(f"/items/{draft.pk + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert draft.pk not in [row["id"] for row in other.get("/items").json()["results"]]
    # Nor can it act on it, nor can the unit head (who signs off, but never sees drafts).
    assert other.post(f"/items/{draft.pk}/submit").status_code == 404
    assert api_as(head_a).post(f"/items/{draft.pk}/submit").status_code == 404


def test_a_token_acts_with_its_owners_role(api_as, leader, officer_a):
    """A leader's write token cannot write an item: leaders do not (403, nothing written)."""
    response = api_as(leader).post("/items", {"title": "标题", "body": "正文", "kind": "news"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_the_token_form_refuses_a_blank_name(client_of, officer_a):
    response = client_of(officer_a).post(reverse("apitokens:list"), {"name": "  ", "scope": "read"})
    assert response.status_code == 200
    assert not SECRET.search(response.content.decode())
    assert not ApiToken.objects.exists()
