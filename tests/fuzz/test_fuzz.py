"""No input gets a 500: every form and every query-string link of every page, sent by a persona
who may use it, with careful, hostile and boundary values (hypothesis). A refusal (4xx, or the
form shown again with errors) leaves the database exactly as it was.

The demo city is the world: it has objects in every state, so detail pages show their forms.
Each example runs in a savepoint that is rolled back, so every example starts from the same
world and a successful POST does not leak into the next one.

Bounded for CI: XINBAO_FUZZ_EXAMPLES examples per form (default below) and, when CI is set,
derandomized so a red build is never luck. By hand, raise the count and drop CI for new finds:
`XINBAO_FUZZ_EXAMPLES=300 pytest tests/fuzz`.
"""

import hashlib
import logging
import os
import sys
import time
import traceback
from collections.abc import Iterator
from http.cookies import SimpleCookie
from io import StringIO
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings

from org.models import User
from tests.fuzz.inputs import OMIT, for_target
from tests.fuzz.site import Target, Walk, all_routes, walk_site

if TYPE_CHECKING:  # the test client's response type exists in django-stubs only
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("XINBAO_FUZZ_EXAMPLES", "12"))
IN_CI = os.environ.get("CI", "") not in ("", "0", "false")
TRACE = bool(os.environ.get("XINBAO_FUZZ_TRACE"))

# Tables a refusal may legitimately write, by route ("*": any route): the session itself
# (last-seen time, messages); for a refused login, django-axes' count of failures and the audit
# log's record of the attempt (both exist to record refusals).
REFUSAL_MAY_WRITE: dict[str, tuple[str, ...]] = {
    "*": ("django_session",),
    "login": ("axes_", "audit_auditentry"),
}

# Known 500s another change is fixing, by route: failures there are reported, not failed on.
# Empty this list as the fixes land; a route listed here is still fuzzed and printed.
KNOWN_OPEN: dict[str, str] = {}

# Patterns the walk of the demo city does not reach, and why: each is a gap in the fuzz until
# the demo has such an object. A pattern missed and not listed here fails the test, so a new
# page cannot slip by unfuzzed.
NOT_LINKED: dict[str, str] = {
    "federation:inbox": (
        "the upper instance's inbox for signed messages from other systems, not a page; "
        "tests/federation/test_inbound.py posts good and bad messages, the authz matrix too"
    ),
    "federation:edit": (
        "a link's edit button: the demo city alone has no link (`make pair` adds one); "
        "the authz matrix posts it"
    ),
    "federation:rotate": (
        "a link's secret rotation: the demo city alone has no link (`make pair` adds one); "
        "tests/federation/test_outbox.py rotates a secret, the authz matrix posts it"
    ),
    "federation:resend": (
        "the resend button of a message the other level refused: the demo city alone has no "
        "link (`make pair` adds one); tests/federation/test_outbox.py and test_pair.py refuse "
        "and resend, the authz matrix posts it"
    ),
    "duty:handover_sign": (
        "the incoming officer's sign button of a handover still waiting: the demo's handover is "
        "signed (one left waiting would be signed by the first visitor); "
        "tests/browser/test_duty_office.py signs one, the authz matrix posts it"
    ),
    "duty:zero_file": (
        "the zero-report form on an officer's home page, shown while the unit owes today's "
        "report: the walk's officers' units have filed today; tests/duty and the authz matrix "
        "post it"
    ),
    "apitokens:revoke": (
        "a token's revoke button: the demo city makes no API tokens (a published demo secret "
        "would be a working key); tests/api/test_tokens.py and the authz matrix post it"
    ),
    "healthz": "a probe for the load balancer with no parameters, linked from nowhere",
    "livez": "a probe for the load balancer with no parameters, linked from nowhere",
    "favicon": (
        "browsers ask for /favicon.ico by themselves; pages link the static icon, and the route "
        "takes no parameters (tests/test_favicon.py)"
    ),
    "org:dismiss_calendar_banner": (
        "the button of the missing-calendar banner: the demo enters its years' calendars, so no "
        "banner shows; tests/org/test_calendar_banner.py and the authz matrix post it"
    ),
    "org:unlock": (
        "locked-out accounts: the demo leaves none, since a locked demo login would refuse the "
        "published password to whoever tries it out; tests/test_security.py locks and unlocks"
    ),
    "password_set": (
        "opened only from the one-time link mailed to the person (the token is never shown on a "
        "page); tests/org/test_accounts.py and the authz matrix open it"
    ),
    "org:decide": (
        "the buttons of a pending account proposal: the demo leaves none pending; "
        "tests/org/test_accounts.py and the authz matrix decide them"
    ),
    "two_factor_verify": (
        "the second step of a login, reached by redirect after the password; the walk's sessions "
        "have passed it already (tests/test_twofactor.py walks it)"
    ),
    "two_factor_off": (
        "offered only to someone who turned two-step verification on themselves; the demo's "
        "authenticators belong to roles that must keep theirs (tests/test_twofactor.py)"
    ),
    "accountability:revoke": (
        "the demo's reinstatement is revoked (a live one would leave no unit to reinstate); "
        "a live one is fuzzed only once the walk's budget reaches a second disqualified unit"
    ),
}


API_NAMESPACE = "api:"


def clients() -> dict[str, Client]:
    """Everyone in the demo city, logged in, as "role/username", plus nobody (the login page).
    Within a role, people whose unit has the most items come first: they see the most."""
    result = {"anonymous/": Client(raise_request_exception=False)}
    people = (
        User.objects.filter(is_active=True)
        .annotate(n=Count("unit__items"))
        .order_by("role", "-n", "username")
    )
    for user in people:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        result[f"{user.role}/{user.username}"] = client
    return result


def write_count() -> int:
    """Rows written so far on this connection: cheap, and exact, so most refusals need no dump."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
        return int(cursor.fetchone()[0])


def dump() -> dict[str, str]:
    """A digest of every table's rows (the slow path, only when something was written)."""
    digests = {}
    with connection.cursor() as cursor:
        # SQLite's full-text tables cannot be scanned; their shadow tables hold the same rows.
        virtual = set()
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%'")
            virtual = {name for (name,) in cursor.fetchall()}
        for table in connection.introspection.table_names(cursor):
            if table in virtual:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def refused(response: "Response") -> bool:
    """A 4xx, or a page that shows a bound form with errors."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code != 200:
        return False
    contexts: Any = response.context or []
    if not isinstance(contexts, list):
        contexts = [contexts]
    for context in contexts:
        for value in context.flatten().values():
            if isinstance(value, BaseForm | BaseFormSet) and value.is_bound and value.errors:
                return True
    return False


def shown(values: dict[str, object]) -> dict[str, Any]:
    """The request's data without the fields left out."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, list):
            value = [v for v in value if v is not OMIT]
        if value is not OMIT:
            data[name] = value
    return data


class World:
    """The demo city, the people in it, and what the walk found."""

    def __init__(self) -> None:
        call_command("seed_demo", stdout=StringIO())
        self.clients = clients()
        self.walk: Walk = walk_site(self.clients)
        # The world every example starts from (each is rolled back), taken before any example:
        # taken inside one, it would hold that example's writes (a refused login's records) and
        # blame them on every later refusal.
        self.before = dump()

    def send(self, target: Target, values: dict[str, object]) -> None:
        """One example, in a savepoint rolled back afterwards; fails on a 5xx, or on a refusal
        that wrote anything."""
        client = self.clients[target.persona]
        cookies = {key: morsel.value for key, morsel in client.cookies.items()}
        data = shown(values)
        try:
            with transaction.atomic():
                written = write_count()
                send = client.get if target.method == "get" else client.post
                response = send(target.url, data)
                where = f"{target.method.upper()} {target.url} as {target.persona} {data!r}"
                if response.status_code >= 500:
                    exc = getattr(response, "exc_info", None)
                    cause = "".join(traceback.format_exception(*exc)) if exc else ""
                    raise AssertionError(f"{response.status_code} on {where}\n{cause}")
                if refused(response) and write_count() != written:
                    may = REFUSAL_MAY_WRITE["*"] + REFUSAL_MAY_WRITE.get(target.route, ())
                    changed = sorted(
                        table
                        for table, digest in dump().items()
                        if self.before.get(table) != digest and not table.startswith(may)
                    )
                    assert not changed, (
                        f"refused ({response.status_code}) but wrote {changed}: {where}"
                    )
                transaction.set_rollback(True)
        finally:
            client.cookies = SimpleCookie(cookies)


def fuzz(world: World, target: Target, examples: int) -> str | None:
    """Run one target's examples; the shrunk failure as text, or None."""

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=IN_CI,
        database=None if IN_CI else settings().database,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        # Shrinking replays a failing form hundreds of times; the raw example and the server's
        # traceback say enough, and keep a red run short.
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
    )
    @given(values=for_target(target.fields, timezone.localdate(), timezone.localtime()))
    def example(values: dict[str, object]) -> None:
        world.send(target, values)

    # Each target keeps its own examples in hypothesis' database.
    example._hypothesis_internal_add_digest = repr(target.signature).encode()  # type: ignore[attr-defined]
    try:
        example()
    except Exception as error:  # every failure is collected, then reported
        notes = "\n".join(getattr(error, "__notes__", []))
        return f"{''.join(traceback.format_exception_only(error))}{notes}"
    return None


@pytest.fixture
def quiet_requests() -> Iterator[None]:
    """Django logs every 4xx and 5xx; the fuzz sends thousands on purpose and reports the 5xx
    with their tracebacks itself."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def test_no_input_gets_a_server_error(db, quiet_requests):
    world = World()
    # The walk reaches every pattern (as a page someone may see, or as a form's action), so a
    # new page is fuzzed without anyone editing this file.
    reached = set(world.walk.seen) | {t.route for t in world.walk.targets.values()}
    names = {name for _, name in all_routes()}
    assert set(NOT_LINKED) <= names, f"not URL patterns: {set(NOT_LINKED) - names}"
    # The API's operations are fuzzed against their published schema instead, on a live
    # server (tests/api/test_schema_fuzz.py), every one of them: no page links them.
    api = {name for name in names if name.startswith(API_NAMESPACE)}
    missing = sorted(names - reached - set(NOT_LINKED) - api)
    # And the list stays true: a pattern the walk now reaches is taken off it.
    listed_but_reached = sorted(set(NOT_LINKED) & reached)
    failures = []
    targets = sorted(world.walk.targets.values(), key=lambda t: t.signature)
    for target in targets:
        started = time.monotonic()
        failure = fuzz(world, target, EXAMPLES)
        if TRACE:
            print(
                f"{time.monotonic() - started:6.1f}s {target.signature[:2]} {target.persona}",
                file=sys.__stderr__,
            )
        if failure is None:
            continue
        if target.route in KNOWN_OPEN:
            print(f"known open ({KNOWN_OPEN[target.route]}): {failure}")
        else:
            failures.append(failure)
    print(
        f"fuzzed {len(targets)} forms and links found on {world.walk.pages} pages "
        f"({len(world.walk.seen)} URL patterns), {EXAMPLES} examples each"
    )
    assert not failures, "\n\n".join(failures)
    assert not missing, (
        f"no link or form reaches these; link them or say why in NOT_LINKED: {missing}"
    )
    assert not listed_but_reached, f"reached now, take them off NOT_LINKED: {listed_but_reached}"


def test_the_write_check_sees_a_write_and_names_its_table(db):
    """The refusal check above relies on these two; a counter that never moved would make it
    pass whatever the views wrote."""
    before = dump()
    written = write_count()
    User.objects.create(username="fuzz_probe")
    assert write_count() > written
    assert [t for t, digest in dump().items() if before.get(t) != digest] == [User._meta.db_table]
