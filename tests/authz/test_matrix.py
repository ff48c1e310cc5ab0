"""The authorization matrix: every URL of the URLconf, every method its view accepts, every
persona, against the hand-written table of `tests/authz/table.py`.

An allowed persona is shown to succeed and to change what the action changes; everyone else is
refused and the database is left exactly as it was.
"""

import hashlib
import json
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.forms import BaseForm
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz.conftest import client_for
from tests.authz.table import ROWS
from tests.authz.world import PERSONAS, Cast, World

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Served by Django's own admin: covered by the admin tests below, not row by row.
ADMIN_NAMESPACE = "admin"


def url_names() -> set[str]:
    """Every named URL of the URLconf, through every include, outside the Django admin."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == ADMIN_NAMESPACE:
                    continue
                inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield f"{prefix}{pattern.name}"
            else:
                raise AssertionError(f"an unnamed URL pattern: {pattern.pattern}")

    return set(walk(get_resolver().url_patterns, ""))


BY_KEY = {row.key: row for row in ROWS}


def test_rows_are_unique():
    assert len(BY_KEY) == len(ROWS)


def test_every_url_is_in_the_table():
    in_table = {row.name for row in ROWS}
    missing = sorted(url_names() - in_table)
    assert not missing, f"URLs missing from tests/authz/table.py: {missing}"
    unknown = sorted(in_table - url_names())
    assert not unknown, f"rows for URLs that do not exist: {unknown}"


# --- the database fingerprint -----------------------------------------------------------------

# Sessions change on every signed-in request (the idle timer), by design; so do the API's
# request counters (the rate limit) and a token's last-used time.
UNWATCHED = {"sessions.Session", "api.RequestCount", "api.ApiToken"}


def fingerprint() -> dict[str, str]:
    """A hash of every row of every table the project's models own (raw SQL: the ORM's
    conversions would cost ten times more, and the matrix takes two prints per case)."""
    prints = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            label = model._meta.label
            if label in UNWATCHED:
                continue
            cursor.execute(
                f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)} ORDER BY 1"
            )
            prints[label] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return prints


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {label for label in before if before[label] != after[label]}


# --- the matrix -------------------------------------------------------------------------------


def send(
    client: Client,
    method: str,
    url: str,
    data: dict,
    htmx: bool = False,
    api: bool = False,
    token: str | None = None,
):
    headers = {"HX-Request": "true"} if htmx else {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if method == "GET":
        return client.get(url, data, headers=headers)
    if api:  # the API takes JSON
        body = json.dumps(data, cls=DjangoJSONEncoder)
        return client.generic(method, url, body, "application/json", headers=headers)
    if method == "POST":
        return client.post(url, data, headers=headers)
    return client.generic(method, url, headers=headers)


def form_errors(response) -> str:
    """The form errors and messages of a page, to say why an allowed write did not go through."""
    found: list[str] = []
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(value, BaseForm) and value.errors:
                found.append(str(value.errors.as_text()))
    found += [str(m) for m in get_messages(response.wsgi_request)] if response.context else []
    return f" — {list(dict.fromkeys(found))}" if found else ""


CASES = [(row.key, persona) for row in ROWS for persona in PERSONAS]


@pytest.mark.parametrize(("key", "persona"), CASES)
def test_the_matrix(key: str, persona: str, cast: Cast):
    row = BY_KEY[key]
    world = World(cast)
    url = reverse(row.name, args=row.args(world))
    data = row.data(world)
    client = client_for(cast, persona)
    if row.setup:
        row.setup(world, persona)
        if persona != "anonymous":  # a new password ends the session it was made in
            client.force_login(world.people[persona])
    before = fingerprint()
    response = send(client, row.method, url, data, row.htmx, row.api)
    after = fingerprint()
    expected = row.expected(persona)
    assert response.status_code == expected, (
        f"{persona} {row.method} {url}: {response.status_code}, expected {expected}"
        f"{form_errors(response)}"
    )
    if expected == 302 and persona == "anonymous" and not row.public:
        assert response["Location"].startswith(reverse("login"))
    if row.may(persona):
        if row.method == "POST":
            missing = set(row.writes) - changed(before, after)
            assert not missing, f"{persona} {key}: nothing written to {sorted(missing)}"
        elif row.shows is not None:
            assert row.shows(world) in response.content.decode()
    else:
        assert changed(before, after) == set(), f"{persona} {key}: refused but wrote"


# --- the API with tokens ---------------------------------------------------------------------

# Every API operation that asks who is calling, with each persona's read and write token (no
# session): a write token answers as the session does; a read token reads as the session does
# and refuses every write (403), writing nothing.
TOKEN_CASES = [
    (row.key, persona, scope)
    for row in ROWS
    if row.api and not row.public
    for persona in PERSONAS
    if persona != "anonymous"
    for scope in ("read", "write")
]


@pytest.mark.parametrize(("key", "persona", "scope"), TOKEN_CASES)
def test_the_api_with_tokens(key: str, persona: str, scope: str, cast: Cast):
    from api.actions import do_create_token

    row = BY_KEY[key]
    world = World(cast)
    url = reverse(row.name, args=row.args(world))
    data = row.data(world)
    if row.setup:
        row.setup(world, persona)
    token = do_create_token(world.people[persona], "matrix", scope).plain
    before = fingerprint()
    response = send(Client(), row.method, url, data, api=True, token=token)
    after = fingerprint()
    writes = row.method != "GET"
    expected = 403 if writes and scope == "read" else row.expected(persona)
    assert response.status_code == expected, (
        f"{persona} ({scope} token) {row.method} {url}: {response.status_code}, expected "
        f"{expected}: {response.content[:300]!r}"
    )
    if expected == row.ok and row.may(persona) and writes:
        missing = set(row.writes) - changed(before, after)
        assert not missing, f"{persona} {key}: nothing written to {sorted(missing)}"
    elif expected != row.ok or not row.may(persona):
        assert changed(before, after) == set(), f"{persona} ({scope}) {key}: refused but wrote"


# --- methods a view does not accept -----------------------------------------------------------

ACCEPTED: dict[str, set[str]] = {}
for _row in ROWS:
    ACCEPTED.setdefault(_row.name, set()).add(_row.method)

REFUSED_METHODS = [
    (name, method)
    for name in sorted(ACCEPTED)
    for method in METHODS
    if method not in ACCEPTED[name]
]


@pytest.mark.parametrize(("name", "method"), REFUSED_METHODS)
def test_other_methods_answer_405(name: str, method: str, cast: Cast):
    row = next(r for r in ROWS if r.name == name)
    world = World(cast)
    url = reverse(name, args=row.args(world))
    clients = {
        persona: client_for(cast, persona)
        for persona in PERSONAS
        if persona != "anonymous" or row.public
    }
    before = fingerprint()
    got = {
        persona: send(client, method, url, {}).status_code for persona, client in clients.items()
    }
    assert got == dict.fromkeys(got, 405), f"{method} {url} is answered: {got}"
    assert changed(before, fingerprint()) == set()
