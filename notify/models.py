"""Notifications: the in-app inbox, the channels people and units choose, and the outbox of
external deliveries the worker sends.

Only a few states are stored. A Delivery's `next_attempt_at` is the one "next moment to look"
the worker's claim query scans (through a partial index over unfinished rows): for a pending row
it is when the next try is due, for a row being sent it equals `lease_until`, when the claim
lapses if its worker died.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notify import rules
from org.models import Unit


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    URGENT = "urgent", _("Urgent")


class Notification(models.Model):
    """One message in one person's inbox. Written in the transaction of the event it reports,
    so it exists exactly once if and only if the event does."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.INFO
    )
    key = models.CharField(_("event key"), max_length=100)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notify_notification_once")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notify_inbox"),
            # The unread badge counts on every page: a small index of unread rows only.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notify_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook (JSON)")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    SMS = "sms", _("SMS gateway")


class Channel(models.Model):
    """Where one person or one unit wants its notifications sent besides the inbox.

    Exactly one owner: a person (`user`) or a unit (`unit`, managed by the unit's head).
    Removing a channel keeps the row (and so its delivery log), hidden and disabled.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notify_channels",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notify_channels",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    label = models.CharField(_("name"), max_length=60)
    target = models.CharField(
        _("address"), max_length=500, help_text=_("E-mail address, robot URL or phone number.")
    )
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    template = models.CharField(
        _("SMS text"), max_length=300, blank=True, default=rules.DEFAULT_SMS_TEMPLATE
    )
    sms_url = models.CharField(_("SMS gateway URL"), max_length=500, blank=True)
    # Group robots (WeCom, DingTalk): the services' own rules, kept per robot.
    rate_per_minute = models.PositiveSmallIntegerField(
        _("messages per minute"),
        default=rules.DEFAULT_ROBOT_RATE_PER_MINUTE,
        validators=[MinValueValidator(1), MaxValueValidator(rules.MAX_ROBOT_RATE_PER_MINUTE)],
    )
    keyword = models.CharField(_("DingTalk custom keyword"), max_length=20, blank=True)
    at_mobiles = models.CharField(
        _("@ on urgent alerts: mobile numbers"), max_length=300, blank=True
    )
    at_user_ids = models.CharField(_("@ on urgent alerts: user ids"), max_length=300, blank=True)
    at_all = models.BooleanField(_("@ everyone on urgent alerts"), default=False)
    # Set when the service asked us to wait (its rate-limit errcode): nothing is sent before.
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True)
    # Set when a send failed for good (bad key, signature, keyword, IP…); cleared by a success.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    failure = models.CharField(_("failure"), max_length=500, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(unit__isnull=True))
                | (Q(user__isnull=True) & Q(unit__isnull=False)),
                name="notify_channel_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ChannelKind.values), name="notify_channel_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.label}"

    @property
    def display_target(self) -> str:
        """The address with any token in a URL hidden (robot URLs carry their access key)."""
        return rules.mask_target(self.kind, self.target)

    @property
    def is_robot(self) -> bool:
        return self.kind in rules.ROBOT_KINDS

    @property
    def owner_name(self) -> str:
        if self.unit_id is not None and self.unit is not None:
            return self.unit.display_name
        return str(self.user) if self.user is not None else ""


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


UNFINISHED = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


class Delivery(models.Model):
    """One message to one external channel: the outbox row the worker claims and sends."""

    channel = models.ForeignKey(
        Channel,
        verbose_name=pgettext_lazy("notify", "channel"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    key = models.CharField(_("event key"), max_length=100)
    payload = models.JSONField(_("message"))
    # Urgent messages (severity urgent) go before routine ones waiting for the same moment.
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    # Who holds the claim: a worker finishes a row only while its token is still on it.
    lease_token = models.CharField(max_length=32, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="notify_delivery_once")
        ]
        indexes = [
            # The worker's claim query; finished rows (almost all of them) stay out of it.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=UNFINISHED),
                name="notify_delivery_due",
            ),
            models.Index(fields=["-created_at"], name="notify_delivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.channel_id}"

    @property
    def title(self) -> str:
        return str(self.payload.get("title", "")) if isinstance(self.payload, dict) else ""


class DeliveryAttempt(models.Model):
    """One try at sending a delivery, with its outcome. Append-only."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="tries"
    )
    at = models.DateTimeField(_("time"))
    ok = models.BooleanField(_("succeeded"))
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} {'ok' if self.ok else 'error'} {self.detail}"


class EgressRule(models.Model):
    """One entry of the egress allowlist: a host name (optionally with port), an address or a
    CIDR range that the worker may connect to (see `notify.egress`). Kept by the system
    administrator; empty at first, so nothing leaves until he allows it."""

    entry = models.CharField(_("host, address or range"), max_length=270, unique=True)
    note = models.CharField(_("what it is for"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("listed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("listed at"), default=timezone.now)

    class Meta:
        ordering = ["entry"]
        verbose_name = _("outbound address")
        verbose_name_plural = _("outbound addresses")

    def __str__(self) -> str:
        return self.entry
