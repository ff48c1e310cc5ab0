"""Personas, set up fresh for every test that asks for them.

Two reporting units (A and B) with an officer and a unit head each; the municipal office's
information section with an editor and the section chief; a duty officer; a city leader; and the
three separate administrators (三员分立).

Every test runs on one clock: pinned to `tests.clock.PINNED` and ticking at real speed from
there (see `_pinned_clock`).
"""

from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings as django_settings
from django.http import HttpRequest
from django.test import Client
from django.utils import translation
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from bulletins.models import AdoptionLevel
from org.models import SecurityPolicy, UnitKind, UnitLevel
from org.roles import Role
from tests.chromium import browser, pytest_terminal_summary  # noqa: F401  once for the run
from tests.clock import PINNED
from tests.factories import PERSONAS, make_publication, make_unit, make_user

_django_force_login = Client.force_login


def _force_login_past_the_second_step(self: Client, user, backend=None) -> None:
    """`client.force_login(user)` as a whole login: the password step (Django's) and, for a
    person the security policy asks it of (or who has an authenticator), the second step —
    with a real TOTP device, put in the session by django-otp's own `login`. Nothing of the
    check is mocked: the middleware asks django-otp whether the session is verified, as for a
    real login."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and user.role in SecurityPolicy.current().second_factor_roles:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    _django_force_login(self, user, backend)
    if device is not None:
        request = HttpRequest()
        request.session = self.session
        request.user = user
        otp_login(request, device)
        request.session.save()


# The real second step, completed as django_otp.login completes it after a code was typed.
Client.force_login = _force_login_past_the_second_step  # type: ignore[method-assign,assignment]


@pytest.fixture(autouse=True)
def _pinned_clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller | None]:
    """Run the test at `PINNED`, whatever the wall clock says; the marker `wallclock` opts out.

    time-machine replaces the clock in C (time.time, datetime.now, ...), so everything in this
    process agrees: `timezone.now`, model fields declared `default=timezone.now` (which hold the
    real function), `auto_now`, and the live server's threads. The clock ticks from the pinned
    moment, so sleeps, leases and timeouts still pass. Subprocesses and the database server keep
    real time: a test that starts a real worker process is marked `wallclock`.
    """
    if request.node.get_closest_marker("wallclock"):
        yield None
        return
    with time_machine.travel(PINNED, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fresh_tantivy_index(request: pytest.FixtureRequest, tmp_path_factory) -> None:
    """With the tantivy index (the default) every test gets its own index directory: the
    database rolls back after a test, an index on disk would not (a new directory is filled
    from the document table at its first sync)."""
    from django.conf import settings

    if settings.SEARCH_INDEX != "tantivy":
        return
    overrides = request.getfixturevalue("settings")
    overrides.SEARCH_INDEX_DIR = tmp_path_factory.mktemp("search-index")


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's default language (Chinese). A request in English leaves
    English active in its thread, so without this an action's message read outside a request
    would depend on which test ran before."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _audit_files(settings, tmp_path):
    """Each test keeps the audit log's key, checkpoints and archives in its own directory."""
    settings.AUDIT_KEY_FILE = tmp_path / "audit" / "key"
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit" / "checkpoints.jsonl"
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit" / "archive"


@pytest.fixture
def unit_a(db):
    return make_unit("甲区委办公室", code="unit-a", kind=UnitKind.DISTRICT, level=UnitLevel.COUNTY)


@pytest.fixture
def unit_b(db):
    return make_unit("乙县委办公室", code="unit-b", kind=UnitKind.COUNTY, level=UnitLevel.COUNTY)


@pytest.fixture
def section(db):
    office = make_unit("市委办公室", code="office", kind=UnitKind.PARTY_OFFICE, is_reporting=False)
    return make_unit(
        "市委办公室信息科", code="section", kind=UnitKind.SECTION, parent=office, is_reporting=False
    )


@pytest.fixture
def officer_a(unit_a):
    user = make_user(Role.OFFICER, unit_a, username="officer_a")
    unit_a.officer = user
    unit_a.save(update_fields=["officer"])
    return user


@pytest.fixture
def head_a(unit_a):
    return make_user(Role.UNIT_HEAD, unit_a, username="head_a")


@pytest.fixture
def officer_b(unit_b):
    user = make_user(Role.OFFICER, unit_b, username="officer_b")
    unit_b.officer = user
    unit_b.save(update_fields=["officer"])
    return user


@pytest.fixture
def head_b(unit_b):
    return make_user(Role.UNIT_HEAD, unit_b, username="head_b")


@pytest.fixture
def editor(section):
    return make_user(Role.EDITOR, section, username="editor")


@pytest.fixture
def chief(section):
    return make_user(Role.CHIEF, section, username="chief")


@pytest.fixture
def duty_officer(section):
    return make_user(Role.DUTY_OFFICER, section.parent, username="duty")


@pytest.fixture
def leader(db):
    return make_user(Role.LEADER, None, username="leader")


@pytest.fixture
def system_admin(db):
    return make_user(Role.SYSTEM_ADMIN, None, username="sysadmin")


@pytest.fixture
def security_admin(db):
    return make_user(Role.SECURITY_ADMIN, None, username="secadmin")


@pytest.fixture
def audit_admin(db):
    return make_user(Role.AUDIT_ADMIN, None, username="auditadmin")


@pytest.fixture
def personas(request):
    """Every persona by fixture name."""
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def city_daily(db):
    return make_publication(AdoptionLevel.CITY, code="daily", name="每日要情")


@pytest.fixture
def province_bulletin(db):
    return make_publication(AdoptionLevel.PROVINCE, code="province", name="省委办公厅信息专报")


@pytest.fixture
def client_of(db):
    """A logged-in test client for a user: `client_of(editor).get(...)`."""

    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login
