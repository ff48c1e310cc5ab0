"""A browser session that still owes a step of its login — the second factor, a password
change — or that has been idle too long is sent to a page by the site. The API never answers
with a page or a redirect: it refuses such a session with 401 in its JSON shape, and lets it in
once the step is done."""

import pytest
from django.utils import timezone

from org import twofactor
from org.models import SecurityPolicy
from org.sessions import LAST_SEEN
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def session_of(client_of, user, **values):
    client = client_of(user)
    session = client.session
    session.update(values)
    session.save()
    return client


def test_a_session_owing_the_second_factor_gets_401_json_not_a_redirect(client_of, editor):
    client = session_of(client_of, editor, **{twofactor.PENDING: True})
    response = client.get("/api/items")
    assert response.status_code == 401
    assert error_of(response)["code"] == "second_factor_required"
    assert "验证" in error_of(response)["message"]
    # The pages still send the person to the code page.
    assert client.get("/items/")["Location"].startswith("/accounts/two-factor/")


def test_a_session_that_must_change_its_password_gets_401_json(client_of, editor):
    editor.must_change_password = True
    editor.save(update_fields=["must_change_password"])
    response = client_of(editor).get("/api/items")
    assert response.status_code == 401
    assert error_of(response)["code"] == "password_change_required"
    assert "密码" in error_of(response)["message"]


def test_an_idle_session_is_signed_out_and_gets_401_json(client_of, editor):
    limit = SecurityPolicy.current().idle_timeout.total_seconds()
    client = session_of(client_of, editor, **{LAST_SEEN: timezone.now().timestamp() - limit - 5})
    response = client.get("/api/items")
    assert response.status_code == 401
    assert error_of(response)["code"]
    assert "_auth_user_id" not in client.session  # signed out, as the pages would


def test_the_same_session_without_a_pending_step_is_served(client_of, editor):
    assert client_of(editor).get("/api/items").status_code == 200
