"""The municipal office as the deadline engine sees it, on top of the shared personas.

The hub is the city Party office (the `section` fixture's parent) with the provincial office
above it; a secretary-general ends the escalation chain; a second duty officer shows who is
told when the roster has a gap. Unit A (officer_a, head_a) is the responsible unit.
"""

from importlib import import_module

import pytest
from django.apps import apps

from org.models import UnitKind, UnitLevel
from org.roles import Role
from tests.factories import make_unit, make_user


@pytest.fixture
def province(db):
    return make_unit(
        "省委办公厅",
        code="province",
        kind=UnitKind.PARTY_OFFICE,
        level=UnitLevel.PROVINCE,
        is_reporting=False,
    )


@pytest.fixture
def hub(section, province):
    office = section.parent
    office.parent = province
    office.save(update_fields=["parent"])
    return office


@pytest.fixture
def secretary_general(hub):
    return make_user(Role.SECRETARY_GENERAL, hub, username="secgen")


@pytest.fixture
def other_duty_officer(hub):
    return make_user(Role.DUTY_OFFICER, hub, username="duty2")


@pytest.fixture
def office(
    officer_a, head_a, editor, chief, duty_officer, other_duty_officer, secretary_general, leader
):
    """Everyone a deadline can reach, by the name tests use for them."""
    return {
        "officer_a": officer_a,
        "head_a": head_a,
        "editor": editor,
        "chief": chief,
        "duty": duty_officer,
        "duty2": other_duty_officer,
        "secgen": secretary_general,
        "leader": leader,
    }


@pytest.fixture
def seeded(transactional_db):
    """Transactional tests start from tables an earlier one flushed: seed the deadline table
    and the official calendar again, as their migrations do."""
    import_module("emergencies.migrations.0002_seed_policy").seed(apps, None)
    import_module("emergencies.migrations.0011_thresholds_per_category").seed(apps, None)
    chain = "emergencies.migrations.0011_supplementary_reports_section_phone"
    import_module(chain).seed(apps, None)
    import_module("emergencies.migrations.0013_category_codes").seed(apps, None)
    import_module("org.migrations.0003_seed_calendar").seed(apps, None)
