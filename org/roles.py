"""Roles and what each may do. Pure data: no database, no request.

One account has one role. The three administrator roles are kept apart (三员分立): none of
them edits reported content, and none can do another's job.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Information officer")
    UNIT_HEAD = "unit_head", _("Unit head")
    EDITOR = "editor", _("Editor")
    DUTY_OFFICER = "duty_officer", _("Duty officer")
    CHIEF = "chief", _("Section chief")
    SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
    LEADER = "leader", _("City leader")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


class Capability(StrEnum):
    WRITE_ITEMS = "write_items"  # draft and submit items for one's own unit
    SIGN_OFF = "sign_off"  # approve one's own unit's items before they leave it
    REVIEW = "review"  # screen, edit, verify, adopt, return, file submitted items
    READ_SUBMITTED = "read_submitted"  # read every item that has left its unit
    READ_ADOPTED = "read_adopted"  # read adopted items (leaders)
    VIEW_NETWORK = "view_network"  # the unit directory and the holes in the network
    MANAGE_ORG = "manage_org"  # units, accounts, roles
    MANAGE_SECURITY = "manage_security"  # password, lock-out and session policy
    READ_AUDIT = "read_audit"  # the audit log and its verification
    REPORT_EMERGENCIES = "report_emergencies"  # write the unit's incident reports
    WATCH_EMERGENCIES = "watch_emergencies"  # the board and every incident
    LOG_CALLS = "log_calls"  # phone reports taken on a unit's behalf; other-channel sightings
    HANDLE_INCIDENTS = "handle_incidents"  # level, forwarding upward, candidates
    EDIT_DEADLINES = "edit_deadlines"  # the deadline table
    MANAGE_DUTY = "manage_duty"  # the duty roster
    MANAGE_CALENDAR = "manage_calendar"  # official calendar and office hours


_SECTION = frozenset(
    {
        Capability.REVIEW,
        Capability.READ_SUBMITTED,
        Capability.VIEW_NETWORK,
        Capability.WATCH_EMERGENCIES,
        Capability.LOG_CALLS,
        Capability.HANDLE_INCIDENTS,
    }
)

CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OFFICER: frozenset({Capability.WRITE_ITEMS, Capability.REPORT_EMERGENCIES}),
    Role.UNIT_HEAD: frozenset({Capability.SIGN_OFF}),
    Role.EDITOR: _SECTION,
    Role.DUTY_OFFICER: frozenset(
        {
            Capability.READ_SUBMITTED,
            Capability.VIEW_NETWORK,
            Capability.WATCH_EMERGENCIES,
            Capability.LOG_CALLS,
            Capability.MANAGE_DUTY,
        }
    ),
    Role.CHIEF: _SECTION | {Capability.EDIT_DEADLINES, Capability.MANAGE_DUTY},
    Role.SECRETARY_GENERAL: _SECTION | {Capability.EDIT_DEADLINES},
    Role.LEADER: frozenset({Capability.READ_ADOPTED, Capability.WATCH_EMERGENCIES}),
    Role.SYSTEM_ADMIN: frozenset(
        {Capability.MANAGE_ORG, Capability.VIEW_NETWORK, Capability.MANAGE_CALENDAR}
    ),
    Role.SECURITY_ADMIN: frozenset({Capability.MANAGE_SECURITY}),
    Role.AUDIT_ADMIN: frozenset({Capability.READ_AUDIT}),
}


def has_capability(role: str, capability: Capability) -> bool:
    return capability in CAPABILITIES.get(role, frozenset())
