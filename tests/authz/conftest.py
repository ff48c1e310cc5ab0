"""The cast of the authorization tests, made once per module."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from org.models import User
from tests.authz.world import Cast


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker) -> Iterator[Cast]:
    """The personas and their signed-in sessions, made once for the module inside a transaction
    that is rolled back at its end (as Django's TestCase.setUpTestData does); each case runs in
    its own savepoint inside it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            made = Cast()
            for persona, pk in made.user_ids.items():
                client = Client()
                client.force_login(User.objects.get(pk=pk))
                made.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield made
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def client_for(cast: Cast, persona: str) -> Client:
    """A browser of `persona`: a fresh client on the persona's session (a case may log in,
    out or elsewhere without touching the next one's)."""
    client = Client()
    if persona != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = cast.sessions[persona]
    return client
