"""`manage.py seed_demo --level province`: the demo province's office instance, for a city +
province pair — loaded once, its fifteen cities with demo region codes, 江城市 named as the city's
own instance names it, and never mixed into the city's database."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Model
from django.test import Client

from bulletins.models import AdoptionLevel, Publication, own_level
from federation.models import Link
from org.models import Unit, UnitKind, UnitLevel, User, hub_unit, upper_office
from org.roles import Role
from tests.factories import make_unit
from xinbao.demo import directory

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models: list[type[Model]] = [Unit, User, Publication]
    return {m.__name__: m._default_manager.count() for m in models}


def test_the_province_has_fifteen_cities_with_demo_region_codes():
    first = seed("--level", "province")
    assert "Demo province loaded" in first
    office = Unit.objects.get(code="sheng-bgt")
    assert office.level == UnitLevel.PROVINCE and office.region_code == "990000"
    cities = Unit.objects.filter(parent=office, level=UnitLevel.CITY)
    assert cities.count() == 15
    assert set(cities.values_list("kind", flat=True)) == {UnitKind.PARTY_OFFICE}
    codes = list(cities.values_list("region_code", flat=True))
    assert len(set(codes)) == 15
    # The demo scheme: 99 (no real province), the city's two digits, 00.
    assert all(len(c) == 6 and c.startswith("99") and c.endswith("00") for c in codes)
    assert all(c.isdigit() for c in codes)
    # Each city office reports, with a named officer and a head who can log in.
    for city in cities.select_related("officer"):
        assert city.is_reporting
        assert city.officer is not None and city.officer.role == Role.OFFICER
        assert city.members.filter(role=Role.UNIT_HEAD).count() == 1


def test_jiangcheng_is_named_as_its_own_instance_names_it():
    seed("--level", "province")
    own = next(u for u in directory.UNITS if u.code == "jc-swb")
    here = Unit.objects.get(code="jc-swb")
    assert (
        (here.name, here.region_code)
        == (own.name, own.region_code)
        == (
            "中共江城市委办公室",
            "990100",
        )
    )
    # The publications the city knows by code are the province's too; it compiles its own.
    city_codes = {p.code for p in directory.PUBLICATIONS if p.level != "city"}
    assert city_codes <= set(Publication.objects.values_list("code", flat=True))
    assert Publication.objects.get(code="sheng-mrhb").compiled_here
    assert not Publication.objects.get(code="zb-mrhb").compiled_here


def test_a_second_run_adds_nothing_and_both_print_the_logins():
    first = seed("--level", "province")
    before = counts()
    second = seed("--level", "province")
    assert counts() == before
    assert "already present" in second
    for output in (first, second):
        assert "sheng_bianji" in output and "jc_xxy" in output and "990100" in output


def test_the_province_office_people_log_in():
    seed("--level", "province")
    editor = User.objects.get(username="sheng_bianji")
    assert editor.check_password(directory.DEMO_PASSWORD)
    assert editor.role == Role.EDITOR and editor.unit.code == "sheng-xxc"
    client = Client()
    client.force_login(User.objects.get(username="jc_xxy"))
    assert client.get("/org/units/").status_code in (200, 403)


def test_the_province_is_refused_in_the_citys_database():
    make_unit("江城市委办公室信息科", code=directory.SECTION_CODE)
    before = counts()
    with pytest.raises(CommandError, match="demo city"):
        seed("--level", "province")
    assert counts() == before


def test_the_city_is_refused_in_the_provinces_database():
    seed("--level", "province")
    before = counts()
    with pytest.raises(CommandError, match="demo province"):
        seed()
    assert counts() == before


def test_the_demo_province_is_a_province_instance():
    seed("--level", "province")
    office, upper = hub_unit(), upper_office()
    assert office is not None and office.code == "sheng-bgt"
    assert upper is not None and upper.name == "中共中央办公厅"
    assert own_level() == AdoptionLevel.PROVINCE


def test_the_demo_provinces_eligibility_rule_names_it_and_the_centre():
    seed("--level", "province")
    office = hub_unit()
    assert office is not None
    client = Client()
    client.force_login(User.objects.get(username="sheng_bianji"))
    page = client.get("/accountability/eligibility/").content.decode()
    assert f"规则：年度内被中共中央办公厅通报1次或被{office.name}通报2次的" in page


def pair_province(tmp_path: Path) -> str:
    out = StringIO()
    call_command(
        "demo_pair",
        "--side",
        "province",
        "--peer",
        "http://127.0.0.1:8000",
        "--secret-file",
        str(tmp_path / "pair-secret"),
        stdout=out,
    )
    return out.getvalue()


def test_the_pair_links_the_demo_province_down_to_jiangcheng(tmp_path):
    with pytest.raises(CommandError, match="seed_demo --level province"):
        pair_province(tmp_path)
    assert not Link.objects.exists()
    seed("--level", "province")
    units = Unit.objects.count()
    people = User.objects.filter(is_service=False).count()
    assert "中共江城市委办公室" in pair_province(tmp_path)
    pair_province(tmp_path)  # again: nothing more
    # The demo province's own units and people: the pair adds only the link down to 江城市.
    assert Unit.objects.count() == units
    assert User.objects.filter(is_service=False).count() == people
    (link,) = Link.objects.all()
    assert (link.direction, link.office_code, link.unit.code) == ("down", "jc-swb", "jc-swb")
