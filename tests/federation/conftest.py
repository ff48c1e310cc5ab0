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
