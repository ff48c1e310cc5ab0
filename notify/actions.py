"""Every write of the notify app goes through here, inside a transaction.

`dispatch` is what other apps call: it joins the caller's transaction, so a notification exists
if and only if the event that caused it was committed. The inbox row is the message itself
(exactly once, by a unique key); each external channel gets a pending Delivery that the worker
(`notify.worker`) sends after the commit, at least once, with the key as idempotency key.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record
from notify import egress, rules
from notify.models import (
    Channel,
    ChannelKind,
    Delivery,
    DeliveryStatus,
    EgressRule,
    Notification,
    Severity,
)
from notify.queries import manageable_channels
from notify.transports.base import Payload
from notify.transports.connect import EgressRefused, check_url
from org.models import Unit, User
from org.roles import Capability, roles_with
from xinbao.core.errors import ActionError as ActionError  # re-exported for callers


@dataclass(frozen=True)
class Message:
    title: str  # short, Chinese, e.g. "【超时】市应急管理局 书面首报已超时 12 分钟"
    body: str  # plain text, a few lines
    url: str  # path in xinbao, e.g. "/emergencies/12/"
    severity: str  # a notify.models.Severity value
    key: str  # idempotency key of the source event, e.g. "flip:123"

    def payload(self) -> Payload:
        return {"title": self.title, "body": self.body, "url": self.url, "severity": self.severity}


_KEY_MAX = Notification._meta.get_field("key").max_length or 100
_TITLE_MAX = Notification._meta.get_field("title").max_length or 200
_URL_MAX = Notification._meta.get_field("url").max_length or 300


def _checked(message: Message) -> Message:
    if not message.key or len(message.key) > _KEY_MAX:
        raise ValueError(f"a message key is 1–{_KEY_MAX} characters: {message.key!r}")
    if message.severity not in Severity.values:
        raise ValueError(f"unknown severity {message.severity!r}")
    return Message(
        title=rules.truncate(message.title.strip(), _TITLE_MAX),
        body=message.body.strip(),
        url=message.url[:_URL_MAX],
        severity=message.severity,
        key=message.key,
    )


def dispatch(message: Message, users: Iterable[User], units: Iterable[Unit] = ()) -> int:
    """Create, in the caller's transaction, one inbox Notification per user (always) and one
    pending Delivery per enabled external channel of those users and of those units.

    Re-dispatching the same key to the same recipient or channel creates nothing new. Returns
    the number of rows created (inbox rows plus deliveries).
    """
    message = _checked(message)
    user_ids = sorted({u.pk for u in users})
    unit_ids = sorted({u.pk for u in units})
    if not user_ids and not unit_ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        have = set(
            Notification.objects.filter(key=message.key, recipient__in=user_ids).values_list(
                "recipient_id", flat=True
            )
        )
        inbox = [
            Notification(
                recipient_id=uid,
                title=message.title,
                body=message.body,
                url=message.url,
                severity=message.severity,
                key=message.key,
                created_at=now,
            )
            for uid in user_ids
            if uid not in have
        ]
        # ignore_conflicts covers a concurrent dispatch of the same key; the check above keeps
        # the count honest in the ordinary case.
        Notification.objects.bulk_create(inbox, ignore_conflicts=True)

        channel_ids = set(
            Channel.objects.filter(enabled=True, removed_at__isnull=True)
            .filter(Q(user__in=user_ids, user__is_active=True) | Q(unit__in=unit_ids))
            .values_list("pk", flat=True)
        )
        sent_before = set(
            Delivery.objects.filter(key=message.key, channel__in=channel_ids).values_list(
                "channel_id", flat=True
            )
        )
        outbox = [
            Delivery(
                channel_id=cid,
                key=message.key,
                payload=message.payload(),
                priority=rules.priority_of(message.severity),
                next_attempt_at=now,
                created_at=now,
            )
            for cid in sorted(channel_ids - sent_before)
        ]
        Delivery.objects.bulk_create(outbox, ignore_conflicts=True)
    return len(inbox) + len(outbox)


# --- The inbox ---------------------------------------------------------------------------------


def do_mark_read(actor: User, notification_id: int) -> bool:
    """Mark one of the actor's notifications read. False if it was not theirs or not unread."""
    with transaction.atomic():
        changed = Notification.objects.filter(
            pk=notification_id, recipient=actor, read_at__isnull=True
        ).update(read_at=timezone.now())
    return changed == 1


def do_mark_all_read(actor: User) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
            read_at=timezone.now()
        )


# --- Channels ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelSpec:
    """A channel as entered in the form, already validated there."""

    kind: str
    label: str
    target: str
    secret: str = ""
    template: str = ""
    sms_url: str = ""
    rate_per_minute: int = rules.DEFAULT_ROBOT_RATE_PER_MINUTE
    keyword: str = ""
    at_mobiles: str = ""
    at_user_ids: str = ""
    at_all: bool = False


def _owner_filter(actor: User, for_unit: bool) -> dict[str, Any]:
    if not for_unit:
        return {"user": actor}
    if (
        actor.unit_id is None
        or not actor.is_active
        or not rules.can_manage_unit_channels(actor.role, actor.unit_id, actor.unit_id)
    ):
        raise ActionError(_("Only the unit's head manages the unit's channels."))
    return {"unit_id": actor.unit_id}


def _audit_data(channel: Channel) -> dict[str, object]:
    return {
        "kind": channel.kind,
        "label": channel.label,
        "target": channel.display_target,
        "owner": f"unit:{channel.unit_id}" if channel.unit_id else f"user:{channel.user_id}",
    }


URL_KINDS = (ChannelKind.WEBHOOK, ChannelKind.WECOM, ChannelKind.DINGTALK)


def outbound_urls(kind: str, target: str, sms_url: str) -> list[str]:
    """The URLs a channel of `kind` would post to."""
    if kind in URL_KINDS:
        return [target.strip()]
    if kind == ChannelKind.SMS:
        return [sms_url.strip()]
    return []


def do_add_channel(actor: User, spec: ChannelSpec, for_unit: bool = False) -> Channel:
    owner = _owner_filter(actor, for_unit)
    if spec.kind not in ChannelKind.values:
        raise ActionError(_("Unknown channel kind."))
    for url in outbound_urls(spec.kind, spec.target, spec.sms_url):
        try:
            check_url(url)
        except EgressRefused as exc:
            raise ActionError(exc.detail) from None
    with transaction.atomic():
        # Lock the owner's row so two quick clicks cannot both pass the count.
        if "unit_id" in owner:
            Unit.objects.select_for_update().filter(pk=owner["unit_id"]).first()
        else:
            User.objects.select_for_update().filter(pk=actor.pk).first()
        count = Channel.objects.filter(removed_at__isnull=True, **owner).count()
        if count >= rules.MAX_CHANNELS_PER_OWNER:
            raise ActionError(
                _("At most %(n)d channels. Remove one first.") % {"n": rules.MAX_CHANNELS_PER_OWNER}
            )
        channel = Channel.objects.create(
            kind=spec.kind,
            label=spec.label.strip(),
            target=spec.target.strip(),
            secret=spec.secret.strip() if spec.kind == ChannelKind.DINGTALK else "",
            template=(spec.template.strip() or rules.DEFAULT_SMS_TEMPLATE)
            if spec.kind == ChannelKind.SMS
            else "",
            sms_url=spec.sms_url.strip() if spec.kind == ChannelKind.SMS else "",
            **_robot_fields(spec),
            **owner,
        )
        record(actor, "notify_channel_added", f"channel:{channel.pk}", _audit_data(channel))
    return channel


def _robot_fields(spec: ChannelSpec) -> dict[str, Any]:
    """The group-robot settings of a spec; other kinds keep the defaults."""
    if spec.kind not in rules.ROBOT_KINDS:
        return {}
    return {
        "rate_per_minute": rules.robot_rate(spec.rate_per_minute),
        "keyword": spec.keyword.strip() if spec.kind == ChannelKind.DINGTALK else "",
        "at_mobiles": ", ".join(rules.split_list(spec.at_mobiles)),
        "at_user_ids": ", ".join(rules.split_list(spec.at_user_ids)),
        "at_all": spec.at_all,
    }


def _locked_channel(actor: User, channel_id: int) -> Channel:
    channel = manageable_channels(actor).select_for_update().filter(pk=channel_id).first()
    if channel is None:
        raise Channel.DoesNotExist
    return channel


def do_set_channel_enabled(actor: User, channel_id: int, enabled: bool) -> Channel:
    """Raises Channel.DoesNotExist for a channel the actor may not manage."""
    with transaction.atomic():
        channel = _locked_channel(actor, channel_id)
        if channel.enabled != enabled:
            channel.enabled = enabled
            channel.save(update_fields=["enabled"])
            action = "notify_channel_enabled" if enabled else "notify_channel_disabled"
            record(actor, action, f"channel:{channel.pk}", _audit_data(channel))
    return channel


def do_remove_channel(actor: User, channel_id: int) -> None:
    """Hide and disable the channel; its delivery log stays. Unsent deliveries fail now."""
    with transaction.atomic():
        channel = _locked_channel(actor, channel_id)
        now = timezone.now()
        channel.enabled = False
        channel.removed_at = now
        channel.save(update_fields=["enabled", "removed_at"])
        # A row being sent right now keeps its claim; the worker sees the channel is gone.
        channel.deliveries.filter(status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED, last_error=_("channel removed"), lease_token=""
        )
        record(actor, "notify_channel_removed", f"channel:{channel.pk}", _audit_data(channel))


def do_set_robot(actor: User, channel_id: int, spec: ChannelSpec) -> Channel:
    """Change a robot's rate, keyword and @-mentions. Raises Channel.DoesNotExist for a channel
    the actor may not manage."""
    with transaction.atomic():
        channel = _locked_channel(actor, channel_id)
        if channel.kind not in rules.ROBOT_KINDS:
            raise ActionError(_("Only a WeCom or DingTalk robot has these settings."))
        fields = _robot_fields(ChannelSpec(**{**spec.__dict__, "kind": channel.kind}))
        before = {name: getattr(channel, name) for name in fields}
        if before == fields:
            return channel
        for name, value in fields.items():
            setattr(channel, name, value)
        channel.save(update_fields=list(fields))
        record(
            actor,
            "notify_robot_changed",
            f"channel:{channel.pk}",
            {**_audit_data(channel), "before": before, "after": fields},
        )
    return channel


# --- What the worker learns about a channel ------------------------------------------------------


def channel_keepers(channel: Channel) -> list[User]:
    """Who is told when a channel breaks: its person, or the heads of its unit (who manage the
    unit's channels); the system administrator when the unit has no active head."""
    active = User.objects.filter(is_active=True)
    if channel.user_id is not None:
        return list(active.filter(pk=channel.user_id))
    heads = list(
        active.filter(
            unit_id=channel.unit_id or 0, role__in=roles_with(Capability.MANAGE_UNIT_CHANNELS)
        )
    )
    return heads or list(active.filter(role__in=roles_with(Capability.MANAGE_ORG)))


def note_channel_failure(channel_id: int, detail: str, at: datetime) -> None:
    """A send failed for good (bad key, signature, keyword, IP…): mark the channel failing and,
    the first time, tell its keepers in their inbox (and their other channels)."""
    with transaction.atomic():
        channel = Channel.objects.select_for_update().filter(pk=channel_id).first()
        if channel is None:
            return
        first = channel.failing_since is None
        channel.failure = rules.truncate(detail, 500)
        if first:
            channel.failing_since = at
        channel.save(update_fields=["failure", "failing_since"])
        if not first:
            return
        record(
            None,
            "notify_channel_failing",
            f"channel:{channel.pk}",
            {
                **_audit_data(channel),
                "detail": channel.failure,
            },
        )
        message = Message(
            title=_("【Channel failing】%(label)s refuses messages") % {"label": channel.label},
            body=_(
                "%(channel)s refused a message: %(detail)s. It will not be retried. Check the "
                "robot's address, signing secret, keyword or allowed IP addresses."
            )
            % {"channel": channel, "detail": channel.failure},
            url="/notify/channels/",
            severity=Severity.WARNING,
            key=f"channel-failing:{channel.pk}:{int(at.timestamp())}",
        )
        dispatch(message, channel_keepers(channel))


def note_channel_recovered(channel_id: int) -> None:
    with transaction.atomic():
        channel = Channel.objects.select_for_update().filter(pk=channel_id).first()
        if channel is None or channel.failing_since is None:
            return
        channel.failing_since = None
        channel.failure = ""
        channel.save(update_fields=["failing_since", "failure"])
        record(None, "notify_channel_recovered", f"channel:{channel.pk}", _audit_data(channel))


def pause_channel(channel_id: int, until: datetime) -> None:
    """The service answered with its rate-limit errcode: nothing goes to it before `until`."""
    with transaction.atomic():
        Channel.objects.filter(pk=channel_id).filter(
            Q(paused_until__isnull=True) | Q(paused_until__lt=until)
        ).update(paused_until=until)


def test_message(actor: User) -> Message:
    return Message(
        title=_("【Test】A test message from xinbao"),
        body=_("%(name)s sent this to check the notification channels. No action is needed.")
        % {"name": actor},
        url="/notify/",
        severity=Severity.INFO,
        key=f"test:{uuid.uuid4().hex}",
    )


def do_send_test(actor: User, channel_id: int | None = None) -> list[int]:
    """Send a test message: to one manageable channel, or (None) to the actor's inbox and all
    their own enabled channels. Returns the ids of the deliveries created, for the caller to
    attempt at once."""
    message = test_message(actor)
    with transaction.atomic():
        if channel_id is None:
            dispatch(message, [actor])
        else:
            channel = _locked_channel(actor, channel_id)
            if not channel.enabled:
                raise ActionError(_("The channel is switched off. Switch it on to test it."))
            Delivery.objects.create(
                channel=channel,
                key=message.key,
                payload=message.payload(),
                priority=rules.priority_of(message.severity),
            )
        ids = list(Delivery.objects.filter(key=message.key).values_list("pk", flat=True))
    return ids


# --- The egress allowlist (system administrator) -----------------------------------------------


def _require_org_admin(actor: User) -> None:
    if not (actor.is_active and actor.can(Capability.MANAGE_ORG)):
        raise ActionError(_("Only the system administrator keeps the outbound allowlist."))


def do_allow_egress(actor: User, text: str, note: str = "") -> EgressRule:
    """List a host name (optionally with port), an address or a range: the worker may then
    connect there. Stored in one canonical spelling, so one destination is listed once."""
    _require_org_admin(actor)
    try:
        entry = egress.parse_entry(text)
    except egress.EntryError:
        raise ActionError(
            _(
                "Enter a host name (e.g. qyapi.weixin.qq.com or sms.example.gov.cn:8443), an IP "
                "address (e.g. 10.2.3.4 or 10.2.3.4:8080) or a range (e.g. 10.2.0.0/16)."
            )
        ) from None
    with transaction.atomic():
        if EgressRule.objects.select_for_update().filter(entry=entry.text).exists():
            raise ActionError(_("%(entry)s is already listed.") % {"entry": entry.text})
        rule = EgressRule.objects.create(
            entry=entry.text, note=note.strip(), created_by=actor, created_at=timezone.now()
        )
        record(actor, "egress_allowed", f"egress:{rule.pk}", {"entry": rule.entry})
    return rule


def do_remove_egress(actor: User, rule_id: int) -> EgressRule:
    """Take an entry off the list. Deliveries already queued for it are refused when tried."""
    _require_org_admin(actor)
    with transaction.atomic():
        rule = EgressRule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise ActionError(_("That entry is no longer listed."))
        record(actor, "egress_removed", f"egress:{rule.pk}", {"entry": rule.entry})
        rule.delete()
    return rule
