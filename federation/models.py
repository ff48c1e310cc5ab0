"""Federation between levels (分级部署): the links between this instance and the instances of the
office above it or the offices below it, the durable outbox of signed messages, and what the
receiving side keeps (nonces seen, messages filed, refusals). See docs/federation.md."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from org.models import Unit
from xinbao.core.inputs import INT_MAX, bounded
from xinbao.core.policy import SingletonPolicy


class Direction(models.TextChoices):
    UP = "up", _("To the upper office")  # this office is a reporting unit there
    DOWN = "down", _("To a lower office")  # that office is one of our units


class Link(models.Model):
    """One link between this instance and another. On the lower side, an UP link: the upper
    instance's address and the code this office's Unit has there. On the upper side, one DOWN
    link per lower office: the local Unit that represents it. Both sides hold the same
    `office_code` (the lower office's Unit code in the upper instance) and the same secret.

    The secret is needed in clear to sign, so it is stored as typed; it is shown once, when it
    is created or rotated, and never logged or shown again. During a rotation the previous
    secret is still accepted inbound until `previous_valid_until`; outbound signs with the
    current one."""

    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    name = models.CharField(_("name"), max_length=100)
    base_url = models.URLField(_("the other instance's address"), max_length=300)
    office_code = models.SlugField(
        _("the lower office's unit code in the upper instance"), max_length=40
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("the unit that represents the lower office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The accounts that file what arrives through the same actions as a person would: on a
    # DOWN link an officer writes and the unit head signs off the lower office's reports; on the
    # UP link a section chief records the upper office's notices (`signer`). They cannot log
    # in: their passwords are unusable.
    filer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    secret = models.CharField(max_length=200)
    previous_secret = models.CharField(max_length=200, blank=True)
    previous_valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("secret last rotated"), null=True, blank=True)

    class Meta:
        ordering = ["direction", "office_code"]
        verbose_name = _("federation link")
        verbose_name_plural = _("federation links")
        constraints = [
            models.UniqueConstraint(fields=["direction", "office_code"], name="link_unique"),
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(direction="down"), name="link_down_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FederationPolicy(SingletonPolicy):
    """The federation's timings: data, edited by the system administrator, audited."""

    replay_window_seconds = models.PositiveIntegerField(
        _("replay window (seconds either side)"), default=300, validators=bounded(3600, 10)
    )
    retry_base_seconds = models.PositiveIntegerField(
        _("first retry after (seconds)"), default=2, validators=bounded(3600, 1)
    )
    retry_max_seconds = models.PositiveIntegerField(
        _("longest pause between retries (seconds)"), default=300, validators=bounded(86400, 1)
    )
    timeout_seconds = models.PositiveIntegerField(
        _("answer awaited for (seconds)"), default=10, validators=bounded(300, 1)
    )
    rotation_grace_hours = models.PositiveIntegerField(
        _("previous secret accepted for (hours) after a rotation"),
        default=24,
        validators=bounded(24 * 30, 1),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("federation policy")
        verbose_name_plural = _("federation policy")

    def __str__(self) -> str:
        return str(_("Federation policy"))


class MessageKind(models.TextChoices):
    INCIDENT_FORWARD = "incident.forward", _("Incident forwarded")
    INCIDENT_REPORT = "incident.report", _("Later report of a forwarded incident")
    NOTICE_ISSUED = "notice.issued", _("Criticism notice of the upper office")
    ITEM_FORWARD = "item.forward", _("Item forwarded")
    ITEM_ADOPTED = "item.adopted", _("Adoption of a forwarded item")
    ITEM_INSTRUCTED = "item.instructed", _("Instruction on a forwarded item")


# Which kind of link a message travels on, seen from its receiver: messages upward arrive on
# the upper instance's DOWN links, messages downward on the lower instance's UP link.
ARRIVES_ON = {
    MessageKind.INCIDENT_FORWARD: "down",
    MessageKind.INCIDENT_REPORT: "down",
    MessageKind.NOTICE_ISSUED: "up",
    MessageKind.ITEM_FORWARD: "down",
    MessageKind.ITEM_ADOPTED: "up",
    MessageKind.ITEM_INSTRUCTED: "up",
}


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    ACKED = "acked", _("Acknowledged")
    FAILING = "failing", _("Failing, will retry")
    # The receiver read the message and will never file it as it is (400 bad_body, 422
    # not_filed): no more attempts until someone sends it again after fixing the cause.
    REFUSED = "refused", _("Refused by the receiver")


class OutboundMessage(models.Model):
    """One message in the durable outbox, written in the transaction of the action it carries.
    A worker claims it by a conditional UPDATE, sends it, and records the acknowledgement or
    the error and the next attempt. Messages about one subject go in the order written."""

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="outbound")
    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind.choices)
    key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    # What the message is about, e.g. "incident:12": the next message on a subject waits
    # until the one before it is acknowledged.
    subject = models.CharField(_("about"), max_length=60)
    body = models.JSONField()
    status = models.CharField(
        _("status"), max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # A permanent refusal: the receiver's code (`bad_body`, `not_filed`) and when it came.
    refusal_code = models.CharField(_("refusal code"), max_length=20, blank=True)
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"))
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    acked_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    ack = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbound_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class Nonce(models.Model):
    """A nonce seen on a verified message, kept until its timestamp leaves the replay window:
    the same signed request sent again is refused."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "nonce"], name="nonce_once")]

    def __str__(self) -> str:
        return self.nonce


class InboundMessage(models.Model):
    """A message filed here, with the acknowledgement it was answered: the same idempotency
    key again gets the same acknowledgement and changes nothing (exactly-once effect)."""

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="inbound")
    key = models.CharField(_("idempotency key"), max_length=64)
    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind.choices)
    body = models.JSONField()
    target = models.CharField(_("filed as"), max_length=60)
    received_at = models.DateTimeField(_("received at"))
    ack = models.JSONField()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [models.UniqueConstraint(fields=["link", "key"], name="inbound_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class RemoteIncident(models.Model):
    """On the upper side: which local incident a lower office's incident was filed as."""

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="+")
    remote_id = models.PositiveBigIntegerField(validators=bounded(INT_MAX))
    incident = models.ForeignKey("emergencies.Incident", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "remote_id"], name="remote_incident_once")
        ]

    def __str__(self) -> str:
        return f"{self.link_id}:{self.remote_id}"


class RemoteItem(models.Model):
    """On the upper side: which local item a lower office's forwarded item was filed as; its
    adoptions and instructions here are sent down naming the lower office's own item id."""

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="+")
    remote_id = models.PositiveBigIntegerField(validators=bounded(INT_MAX))
    item = models.OneToOneField("submissions.InfoItem", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "remote_id"], name="remote_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.link_id}:{self.remote_id}"


class RefusalReason(models.TextChoices):
    MALFORMED = "malformed", _("Missing or malformed headers")
    UNKNOWN_LINK = "unknown_link", _("Unknown or inactive link")
    STALE = "stale", _("Timestamp outside the replay window")
    BAD_SIGNATURE = "bad_signature", _("Wrong signature")
    REPLAY = "replay", _("Nonce already used (replay)")
    BAD_BODY = "bad_body", _("Unreadable or unknown message")
    NOT_FILED = "not_filed", _("The message could not be filed")


class Refusal(models.Model):
    """The federation log: every inbound request refused, and why. No message content."""

    at = models.DateTimeField(_("at"), db_index=True)
    reason = models.CharField(_("reason"), max_length=20, choices=RefusalReason.choices)
    office_code = models.CharField(_("claimed office"), max_length=60, blank=True)
    remote_addr = models.CharField(_("from address"), max_length=60, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("refused federation request")
        verbose_name_plural = _("refused federation requests")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.reason}"
