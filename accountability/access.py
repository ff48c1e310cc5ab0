"""Who may do what with violations, notices and eligibility. Pure functions of the role and
units first (tested without a database), then their SQL twins.

- The information section (editors, the chief, the secretary-general) sees every violation,
  every notice and the eligibility of every unit.
- A unit's officer and head see their own unit's violations, the issued notices that name their
  unit or were sent to every unit, and their unit's eligibility — nothing of another unit's.
- Who enters false and concealed reports, confirms or waives a violation, issues notices, edits
  the eligibility rule and reinstates a unit is the capability table's answer (`org/roles.py`):
  the section chief and the secretary-general decide; editors enter.
"""

from django.db.models import Q, QuerySet

from accountability.models import CriticismNotice, NoticeStatus, Violation
from org.models import User
from org.roles import Capability, has_capability


def section_role(role: str) -> bool:
    return has_capability(role, Capability.READ_VIOLATIONS)


def unit_role(role: str) -> bool:
    return has_capability(role, Capability.ANSWER_VIOLATIONS)


def can_see_unit(role: str, own_unit: int | None, unit: int) -> bool:
    """A violation or eligibility page of `unit`."""
    if section_role(role):
        return True
    return unit_role(role) and own_unit is not None and own_unit == unit


def can_see_notice(
    role: str, own_unit: int | None, issued: bool, send_to_all: bool, named: set[int]
) -> bool:
    if section_role(role):
        return True
    if not (unit_role(role) and own_unit is not None and issued):
        return False
    return send_to_all or own_unit in named


def may_see_unit(user: User, unit_pk: int) -> bool:
    """A unit's eligibility page: the section's, or one's own unit's."""
    return can_see_unit(user.role if user.is_active else "", user.unit_id, unit_pk)


def can_explain(role: str, own_unit: int | None, unit: int, pending: bool) -> bool:
    return pending and unit_role(role) and own_unit is not None and own_unit == unit


# --- the user's side ---------------------------------------------------------------------------


def is_section(user: User) -> bool:
    return user.is_active and section_role(user.role)


def is_unit_person(user: User) -> bool:
    return user.is_active and unit_role(user.role) and user.unit_id is not None


def may_enter(user: User) -> bool:
    return user.can(Capability.ENTER_VIOLATIONS)


def may_decide(user: User) -> bool:
    """Confirm or waive a violation."""
    return user.can(Capability.CONFIRM_VIOLATIONS)


def may_issue(user: User) -> bool:
    """Compile and issue criticism notices; record the province's."""
    return user.can(Capability.ISSUE_NOTICES)


def may_edit_rule(user: User) -> bool:
    return user.can(Capability.EDIT_ELIGIBILITY_RULE)


def may_reinstate(user: User) -> bool:
    return user.can(Capability.REINSTATE_UNITS)


def any_access(user: User) -> bool:
    return is_section(user) or is_unit_person(user)


def visible_violations(user: User) -> QuerySet[Violation]:
    if is_section(user):
        return Violation.objects.all()
    if is_unit_person(user) and user.unit_id is not None:
        return Violation.objects.filter(unit_id=user.unit_id)
    return Violation.objects.none()


def visible_notices(user: User) -> QuerySet[CriticismNotice]:
    if is_section(user):
        return CriticismNotice.objects.all()
    if is_unit_person(user) and user.unit_id is not None:
        naming = CriticismNotice.units.through.objects.filter(unit_id=user.unit_id).values(
            "criticismnotice_id"
        )
        return CriticismNotice.objects.filter(
            Q(send_to_all=True) | Q(pk__in=naming), status=NoticeStatus.ISSUED
        )
    return CriticismNotice.objects.none()
