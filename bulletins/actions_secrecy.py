"""An issue's 密级, set by the editors while it is being compiled."""

from django.db import transaction
from django.utils.translation import gettext as _

from audit.actions import record
from bulletins.models import Issue, IssueState
from org.actions_secrecy import check_secrecy
from org.models import User
from org.roles import Capability
from xinbao.core.errors import ActionError


def do_set_issue_secrecy(actor: User, issue_id: int, level: str) -> Issue:
    """Mark an issue not yet published; a level above the deployment's ceiling is refused with
    the rule quoted, and nothing is written."""
    if not actor.can(Capability.REVIEW):
        raise ActionError(_("Your role cannot do this."))
    check_secrecy(level)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue_id)
        if issue.state == IssueState.PUBLISHED:
            raise ActionError(_("A published issue keeps the secrecy level it was printed with."))
        if issue.secrecy == level:
            raise ActionError(_("Nothing was changed."))
        old, issue.secrecy = issue.secrecy, level
        Issue.objects.filter(pk=issue.pk).update(secrecy=level)
        record(actor, "issue_secrecy_set", f"issue:{issue.pk}", {"from": old, "to": level})
    return issue
