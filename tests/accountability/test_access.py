"""Who sees and does what, from the role and the units alone (no database)."""

import pytest

from accountability.access import can_explain, can_see_notice, can_see_unit
from org.roles import Role

A, B = 1, 2
SECTION = (Role.EDITOR, Role.CHIEF, Role.SECRETARY_GENERAL)
UNIT = (Role.OFFICER, Role.UNIT_HEAD)
NOBODY = (
    Role.DUTY_OFFICER,
    Role.LEADER,
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
    Role.AUDIT_ADMIN,
)


@pytest.mark.parametrize("role", SECTION)
def test_the_section_sees_every_unit_and_every_notice(role):
    assert can_see_unit(role, None, A) and can_see_unit(role, None, B)
    assert can_see_notice(role, None, issued=False, send_to_all=False, named={A})


@pytest.mark.parametrize("role", UNIT)
def test_a_unit_sees_only_itself_and_the_issued_notices_for_it(role):
    assert can_see_unit(role, A, A) and not can_see_unit(role, A, B)
    assert can_see_notice(role, A, issued=True, send_to_all=False, named={A, B})
    assert not can_see_notice(role, A, issued=True, send_to_all=False, named={B})
    assert can_see_notice(role, A, issued=True, send_to_all=True, named={B})
    assert not can_see_notice(role, A, issued=False, send_to_all=True, named={A})


@pytest.mark.parametrize("role", NOBODY)
def test_other_roles_see_nothing(role):
    assert not can_see_unit(role, A, A)
    assert not can_see_notice(role, A, issued=True, send_to_all=True, named={A})


@pytest.mark.parametrize("role", UNIT)
def test_the_unit_explains_its_own_pending_violations_only(role):
    assert can_explain(role, A, A, pending=True)
    assert not can_explain(role, A, B, pending=True)
    assert not can_explain(role, A, A, pending=False)


def test_the_section_does_not_explain_for_a_unit():
    assert not any(can_explain(role, A, A, pending=True) for role in SECTION)
