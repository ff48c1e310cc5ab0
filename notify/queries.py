"""Read-side helpers: what a person sees and may manage."""

from typing import cast

from django.db.models import QuerySet
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _

from notify import rules
from notify.models import Channel, Notification
from org.models import User


def unread_count(user: User) -> int:
    """One COUNT over the partial index of unread rows."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _inbox_label(user_id: int) -> str:
    count = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
    if not count:
        return _("Inbox")
    return _("Inbox (%(count)d)") % {"count": count}


def inbox_label(user: User) -> Promise:
    """The menu label with the unread count, counted only when a page actually shows it."""
    return cast(Promise, lazy(_inbox_label, str)(user.pk))


def manages_unit_channels(user: User) -> bool:
    return user.is_active and rules.can_manage_unit_channels(user.role, user.unit_id, user.unit_id)


def own_channels(user: User) -> QuerySet[Channel]:
    return Channel.objects.filter(user=user, removed_at__isnull=True)


def unit_channels(user: User) -> QuerySet[Channel]:
    if user.unit_id is None or not manages_unit_channels(user):
        return Channel.objects.none()
    return Channel.objects.filter(unit_id=user.unit_id, removed_at__isnull=True)


def manageable_channels(user: User) -> QuerySet[Channel]:
    """The channels the user may change: their own, and their unit's if they head it."""
    return own_channels(user) | unit_channels(user)
