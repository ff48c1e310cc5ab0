"""A criticism notice's 密级: set on an own notice while it is a draft, or on an upper-level
notice as recorded from the paper."""

from django.db import transaction
from django.utils.translation import gettext as _

from accountability import access
from accountability.models import CriticismNotice, Issuer, NoticeStatus
from audit.actions import record
from org.actions_secrecy import check_secrecy
from org.models import User
from xinbao.core.errors import ActionError


def may_mark(notice: CriticismNotice) -> bool:
    """An issued own notice keeps the mark it was issued with."""
    return notice.issuer == Issuer.UPPER or notice.status == NoticeStatus.DRAFT


def do_set_notice_secrecy(actor: User, notice_id: int, level: str) -> CriticismNotice:
    """Mark a notice; a level above the deployment's ceiling is refused with the rule quoted,
    and nothing is written."""
    if not access.may_issue(actor):
        raise ActionError(_("Only the section chief handles criticism notices."))
    check_secrecy(level)
    with transaction.atomic():
        notice = CriticismNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None:
            raise ActionError(_("No such notice."))
        if not may_mark(notice):
            raise ActionError(_("An issued notice keeps the secrecy level it was issued with."))
        if notice.secrecy == level:
            raise ActionError(_("Nothing was changed."))
        old = notice.secrecy
        CriticismNotice.objects.filter(pk=notice.pk).update(secrecy=level)
        notice.secrecy = level
        record(actor, "notice_secrecy_set", f"notice:{notice.pk}", {"from": old, "to": level})
    return notice
