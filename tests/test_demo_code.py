"""`manage.py demo_code`: the demo's authenticators hold published secrets, so the demo can be
tried; the command prints a code only inside the demo and only for a demo secret."""

import hashlib
import hmac
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.models import UnitKind, UnitLevel
from org.roles import Role
from tests.factories import make_unit, make_user
from xinbao.demo.directory import ROOT_CODE
from xinbao.demo.twofactor import demo_key, seed_authenticators

pytestmark = pytest.mark.django_db


def rfc6238(key: bytes, at: float) -> str:
    mac = hmac.new(key, int(at // 30).to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(int.from_bytes(mac[offset : offset + 4], 'big') & 0x7FFFFFFF) % 10**6:06d}"


def demo_code(username: str) -> str:
    out = StringIO()
    call_command("demo_code", username, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def demo_city(db):
    return make_unit(
        "江城市委办公室", code=ROOT_CODE, kind=UnitKind.PARTY_OFFICE, level=UnitLevel.CITY
    )


def test_the_demo_seeds_authenticators_for_the_required_roles_only(demo_city):
    chief = make_user(Role.CHIEF, demo_city, username="kezhang")
    editor = make_user(Role.EDITOR, demo_city, username="bianji1")
    assert seed_authenticators({"kezhang": chief, "bianji1": editor}) == ["kezhang"]
    assert TOTPDevice.objects.get(user=chief).key == demo_key("kezhang")
    assert not TOTPDevice.objects.filter(user=editor).exists()


def test_demo_code_prints_the_code_the_app_shows(demo_city):
    chief = make_user(Role.CHIEF, demo_city, username="kezhang")
    seed_authenticators({"kezhang": chief})
    now = time.time()
    assert demo_code("kezhang") in {
        rfc6238(bytes.fromhex(demo_key("kezhang")), now + d) for d in (0, 30)
    }


def test_demo_code_refuses_outside_the_demo(db):
    chief = make_user(Role.CHIEF, None, username="kezhang")
    TOTPDevice.objects.create(user=chief, key=demo_key("kezhang"), confirmed=True)
    with pytest.raises(CommandError, match="not the demo"):
        demo_code("kezhang")


def test_demo_code_refuses_a_real_authenticator(demo_city):
    chief = make_user(Role.CHIEF, demo_city, username="kezhang")
    TOTPDevice.objects.create(user=chief, confirmed=True)  # a random secret: set up for real
    with pytest.raises(CommandError, match="no demo authenticator"):
        demo_code("kezhang")
