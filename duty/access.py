"""Who may do what in the duty office, from the capability table (org/roles.py)."""

from org.models import User
from org.roles import Capability


def keeps_duty(user: User) -> bool:
    """Whoever stands duty keeps the log, hands over and watches the zero reports."""
    return user.can(Capability.STAND_DUTY)


def heads_duty_office(user: User) -> bool:
    """The section chief: the zero-report periods, and a handover signed in someone's place."""
    return user.can(Capability.HEAD_DUTY_OFFICE)


def files_zero_reports(user: User) -> bool:
    return user.unit_id is not None and user.can(Capability.REPORT_EMERGENCIES)


def opens_zero_reports(user: User) -> bool:
    return keeps_duty(user) or files_zero_reports(user)
