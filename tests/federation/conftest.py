import pytest

from federation.actions import LinkSpec, do_create_link
from org.models import UnitKind, UnitLevel
from tests.emergencies.conftest import (  # noqa: F401  the office as the deadline engine sees it
    hub,
    office,
    other_duty_officer,
    province,
    secretary_general,
)
from tests.factories import make_unit

SECRET = "in-process-shared-secret-0123456789abcdef"


@pytest.fixture
def province_instance(section, province):  # noqa: F811  the fixture imported above
    """This instance is the province's (分级部署), as the demo province is: 省委办公厅 (under
    中共中央办公厅) is marked as its office, the section is its 信息处, and the city office of
    the shared personas is one of its reporting units."""
    central = make_unit(
        "中共中央办公厅",
        code="zy-bgt",
        kind=UnitKind.PARTY_OFFICE,
        level=UnitLevel.CENTRAL,
        is_reporting=False,
    )
    province.parent, province.is_hub = central, True
    province.save(update_fields=["parent", "is_hub"])
    city = section.parent
    city.parent, city.is_reporting = province, True
    city.save(update_fields=["parent", "is_reporting"])
    section.parent, section.level = province, UnitLevel.PROVINCE
    section.save(update_fields=["parent", "level"])
    return province


@pytest.fixture
def up(system_admin, section):
    """This office's link up to the office above, which knows it as `city-x`."""
    spec = LinkSpec(
        direction="up",
        name="省委办公厅",
        base_url="https://xinbao.province.example.gov.cn",
        office_code="city-x",
        secret=SECRET,
    )
    return do_create_link(system_admin, spec)[0]


@pytest.fixture
def link(system_admin):
    """The province's link down to 丙市 (office code `city-c`), with `SECRET`."""
    city = make_unit(
        "丙市委办公室", code="city-c", kind=UnitKind.PARTY_OFFICE, level=UnitLevel.CITY
    )
    spec = LinkSpec(
        direction="down",
        name="丙市",
        base_url="https://xinbao.city-c.example.gov.cn",
        office_code="city-c",
        unit=city,
        secret=SECRET,
    )
    return do_create_link(system_admin, spec)[0]
