"""The secrecy ceiling's one write, and the check every app's write path makes before it
stores a 密级 (items, bulletin issues, criticism notices)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from audit.actions import save_change
from org.models import SecrecyPolicy, User
from org.roles import Capability
from org.secrecy import RULE, Secrecy, may_store
from xinbao.core.errors import ActionError


def ceiling() -> str:
    """The highest level this deployment may hold, as the security administrator set it."""
    return SecrecyPolicy.current().ceiling


def refusal(level: str) -> str:
    """The message refusing `level` above the ceiling, with the rule quoted."""
    labels = dict(Secrecy.choices)
    return (
        _(
            "This system may not hold material marked %(level)s: the highest level it may hold "
            "is %(ceiling)s."
        )
        % {
            "level": labels.get(level, level),
            "ceiling": labels.get(ceiling(), ceiling()),
        }
        + " "
        + RULE
    )


def check_secrecy(level: str) -> str:
    """`level` if this deployment may hold it; otherwise ActionError quoting the rule. Call it
    before writing anything."""
    if level not in Secrecy.values:
        raise ActionError(_("Choose a secrecy level from the list."))
    if not may_store(level, ceiling()):
        raise ActionError(refusal(level))
    return level


def do_set_secrecy_ceiling(actor: User, level: str) -> SecrecyPolicy:
    """The security administrator sets the ceiling, audited with its before and after."""
    if not actor.can(Capability.MANAGE_SECURITY):
        raise PermissionDenied
    if level not in Secrecy.values:
        raise ActionError(_("Choose a secrecy level from the list."))
    with transaction.atomic():
        policy = SecrecyPolicy.locked()
        save_change(actor, "secrecy_ceiling_changed", policy, {"ceiling": level}, "SecrecyPolicy")
    return policy
