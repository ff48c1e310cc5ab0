"""Roles and what each may do: the one capability table. Pure data: no database, no request.

Every permission decision in xinbao asks this table (`has_capability`, `User.can`), then the
owning app's object-level rule (`submissions/rules.py`, `emergencies/access.py`,
`accountability/access.py`) decides about one object: whose unit, which state. No other module
lists roles to decide what a person may do; the menu reads the same table.

One account has one role. The three administrator roles are kept apart (三员分立): none of
them reads or edits reported content, and none can do another's job.

Who is *told* about something (escalation steps, the desk on duty, a unit's staff) is a
recipient rule, not a permission: see the recipient groups at the end.
"""

from collections.abc import Iterable
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
    # --- a reporting unit's staff ---
    WRITE_ITEMS = "write_items"  # draft and submit items for one's own unit
    SIGN_OFF = "sign_off"  # approve one's own unit's items and written emergency reports
    REPORT_EMERGENCIES = "report_emergencies"  # write the unit's incident reports
    MANAGE_UNIT_CHANNELS = "manage_unit_channels"  # the unit's own notification channels
    ANSWER_FOR_UNIT = "answer_for_unit"  # the unit's feedback on instructions, its answers
    ANSWER_VIOLATIONS = "answer_violations"  # see one's unit's violations and notices; explain
    READ_OWN_POINTS = "read_own_points"  # one's own unit's points and scorecard
    READ_OWN_ROSTER = "read_own_roster"  # one's own unit's officers, backups and their history
    # --- reading ---
    READ_SUBMITTED = "read_submitted"  # read every item that has left its unit
    READ_ADOPTED = "read_adopted"  # read adopted items (leaders)
    READ_BULLETINS = "read_bulletins"  # every published issue of the office's publications
    RECEIVE_BULLETINS = "receive_bulletins"  # the issues of publications listing one as reader
    READ_RANKINGS = "read_rankings"  # the rankings of every unit and every unit's scorecard
    SEARCH_ARCHIVE = "search_archive"  # the information database (hits limited to what one reads)
    READ_ANALYSIS = "read_analysis"  # early signs, typical cases and the 全广新准 report
    VIEW_NETWORK = "view_network"  # the unit directory and the holes in the network
    WATCH_EMERGENCIES = "watch_emergencies"  # the board and every incident
    READ_DELIVERY_LOG = "read_delivery_log"  # every delivery, to see which channels are broken
    READ_VIOLATIONS = "read_violations"  # every violation, notice and unit's eligibility
    READ_SITUATION = "read_situation"  # the morning view (态势): one screen of what stands today
    # --- the information section's daily work ---
    REVIEW = "review"  # screen, edit, verify, adopt, return, file items; compile bulletins
    LOG_CALLS = "log_calls"  # phone reports taken on a unit's behalf; other-channel sightings
    HANDLE_INCIDENTS = "handle_incidents"  # level, forwarding upward, late/missed candidates
    ENTER_VIOLATIONS = "enter_violations"  # enter false and concealed reports with evidence
    STAND_DUTY = "stand_duty"  # be put on the duty roster (receives reports in one's shift)
    MANAGE_DUTY = "manage_duty"  # the duty roster
    MANAGE_ROSTER = "manage_roster"  # units' officers and backups, leave, training sessions
    WRITE_INSTRUCTIONS = "write_instructions"  # a leader's own instructions (批示) in xinbao
    # --- the section chief's decisions and policy ---
    SIGN_OFF_BULLETINS = "sign_off_bulletins"  # sign off an issue, or return it to the editors
    EDIT_DEADLINES = "edit_deadlines"  # the emergency deadline table and escalation steps
    # the zero-report periods; confirming a handover in place of an absent incoming officer
    HEAD_DUTY_OFFICE = "head_duty_office"
    EDIT_EDITORIAL_POLICY = "edit_editorial_policy"  # feedback window, reminder fractions
    EDIT_ANALYSIS_POLICY = "edit_analysis_policy"  # duplicate and early-sign thresholds
    EDIT_POINT_TABLE = "edit_point_table"  # point table, unit classes, awards; ledger rebuild
    CONFIRM_VIOLATIONS = "confirm_violations"  # confirm (marking serious) or waive a violation
    ISSUE_NOTICES = "issue_notices"  # compile and issue criticism notices; record the province's
    EDIT_ELIGIBILITY_RULE = "edit_eligibility_rule"  # when a unit loses its award eligibility
    REINSTATE_UNITS = "reinstate_units"  # a recorded decision restoring a unit's eligibility
    RESEND_REFUSED = "resend_refused"  # send again a message the other level's system refused
    # --- the three administrators (三员分立) ---
    MANAGE_ORG = "manage_org"  # units, accounts, roles, publications (`/admin/`)
    MANAGE_CALENDAR = "manage_calendar"  # official calendar and office hours
    MANAGE_SECURITY = "manage_security"  # password, lock-out and session policy
    APPROVE_ACCOUNTS = "approve_accounts"  # approve or reject what the system admin proposes
    READ_AUDIT = "read_audit"  # the audit log and its verification


C = Capability

# Both of a reporting unit's roles search what they may read.
_UNIT = frozenset(
    {
        C.SEARCH_ARCHIVE,
        C.RECEIVE_BULLETINS,
        C.ANSWER_FOR_UNIT,
        C.ANSWER_VIOLATIONS,
        C.READ_OWN_POINTS,
        C.READ_OWN_ROSTER,
    }
)

# What everyone at the information section's desk does: editors, and above them the chief.
_SECTION = frozenset(
    {
        C.REVIEW,
        C.READ_SUBMITTED,
        C.READ_BULLETINS,
        C.RECEIVE_BULLETINS,
        C.READ_RANKINGS,
        C.SEARCH_ARCHIVE,
        C.READ_ANALYSIS,
        C.VIEW_NETWORK,
        C.WATCH_EMERGENCIES,
        C.READ_DELIVERY_LOG,
        C.READ_VIOLATIONS,
        C.LOG_CALLS,
        C.HANDLE_INCIDENTS,
        C.ENTER_VIOLATIONS,
        C.STAND_DUTY,
    }
)

# The section chief: everything an editor does, the decisions and the policy (README).
_CHIEF = _SECTION | {
    C.READ_SITUATION,
    C.MANAGE_DUTY,
    C.MANAGE_ROSTER,
    C.SIGN_OFF_BULLETINS,
    C.EDIT_DEADLINES,
    C.HEAD_DUTY_OFFICE,
    C.EDIT_EDITORIAL_POLICY,
    C.EDIT_ANALYSIS_POLICY,
    C.EDIT_POINT_TABLE,
    C.CONFIRM_VIOLATIONS,
    C.ISSUE_NOTICES,
    C.EDIT_ELIGIBILITY_RULE,
    C.REINSTATE_UNITS,
    C.RESEND_REFUSED,
}

CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OFFICER: _UNIT | {C.WRITE_ITEMS, C.REPORT_EMERGENCIES},
    Role.UNIT_HEAD: _UNIT | {C.SIGN_OFF, C.MANAGE_UNIT_CHANNELS},
    Role.EDITOR: _SECTION,
    Role.DUTY_OFFICER: frozenset(
        {
            C.READ_SUBMITTED,
            C.RECEIVE_BULLETINS,
            C.SEARCH_ARCHIVE,
            C.READ_ANALYSIS,
            C.VIEW_NETWORK,
            C.WATCH_EMERGENCIES,
            C.LOG_CALLS,
            C.STAND_DUTY,
            C.MANAGE_DUTY,
        }
    ),
    Role.CHIEF: _CHIEF,
    # Everything a chief does; being the last step of escalation is a recipient rule (the
    # deadline table's escalation steps), not a capability.
    Role.SECRETARY_GENERAL: _CHIEF,
    Role.LEADER: frozenset(
        {
            C.READ_ADOPTED,
            C.READ_BULLETINS,
            C.RECEIVE_BULLETINS,
            C.READ_RANKINGS,
            C.SEARCH_ARCHIVE,
            C.READ_ANALYSIS,
            C.WATCH_EMERGENCIES,
            C.WRITE_INSTRUCTIONS,
            C.READ_SITUATION,
        }
    ),
    # Units and accounts are his: who answers for a unit too (the chief keeps the network alive).
    Role.SYSTEM_ADMIN: frozenset(
        {C.MANAGE_ORG, C.VIEW_NETWORK, C.MANAGE_CALENDAR, C.MANAGE_ROSTER}
    ),
    Role.SECURITY_ADMIN: frozenset({C.MANAGE_SECURITY, C.APPROVE_ACCOUNTS}),
    Role.AUDIT_ADMIN: frozenset({C.READ_AUDIT}),
}


def has_capability(role: str, capability: Capability) -> bool:
    return capability in CAPABILITIES.get(role, frozenset())


def raises(old_role: str, new_role: str) -> bool:
    """Whether moving an account from `old_role` to `new_role` lets it do anything it could not
    do before: such a change needs a second administrator's approval (two-person rule). A
    move to a role that can do only a subset of what the old one could is a lowering."""
    return not CAPABILITIES.get(new_role, frozenset()) <= CAPABILITIES.get(old_role, frozenset())


def roles_with(capability: Capability) -> frozenset[str]:
    """The roles holding a capability, e.g. to ask everyone who may decide something."""
    return frozenset(role for role, caps in CAPABILITIES.items() if capability in caps)


# --- recipient groups ----------------------------------------------------------------------
# Who is told, not who may: the deadline engine, the duty routing and the editorial loop
# address these people. Escalation beyond them is data (the deadline table's steps).

# A reporting unit's staff: reminders of what the unit owes, notices naming it.
UNIT_STAFF = (Role.OFFICER, Role.UNIT_HEAD)
# The information section's desk in office hours (the secretary-general is reached by
# escalation only).
SECTION_DESK = (Role.EDITOR, Role.CHIEF)
# The duty office's desk out of hours: whoever of this role is on the roster, else all of them.
DUTY_DESK = Role.DUTY_OFFICER
# Who reads a publication that names no readers of its own.
DEFAULT_READERS = (Role.LEADER,)

# The accounts a federation link acts through (`federation.actions`): a lower office's reports
# are written by an officer and signed off by a unit head of the Unit that stands for it; the
# upper office's notices are recorded at the hub by a section chief. None of them can log in.
LINK_FILER_ROLE = Role.OFFICER
LINK_SIGNER_ROLE = Role.UNIT_HEAD
LINK_RECORDER_ROLE = Role.CHIEF

# Who must use a second factor as seeded (等保 level 3: the administrators, and those who decide);
# the security policy holds the list in force. The three administrators cannot be taken off it.
ADMINISTRATORS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
SECOND_FACTOR_ROLES = (*ADMINISTRATORS, Role.CHIEF, Role.SECRETARY_GENERAL)


def on_role_list(role: str, roles: Iterable[str]) -> bool:
    """Whether `role` is on a list of roles kept as policy data (e.g. who must use two-step
    verification, `SecurityPolicy.second_factor_roles`)."""
    return role in set(roles)


def in_table_order(roles: Iterable[str]) -> list[str]:
    """A chosen list of roles, known ones only, in the table's order."""
    chosen = set(roles)
    return [role for role in Role.values if role in chosen]
