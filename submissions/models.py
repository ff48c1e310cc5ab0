from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from org.models import Unit
from org.secrecy import secrecy_field
from xinbao.core.inputs import MAX_BODY_LENGTH, check_date
from xinbao.core.once import token_constraint, token_field


class ItemKind(models.TextChoices):
    NEWS = "news", _("Development")  # 动态
    PROBLEM = "problem", _("Problem")  # 问题
    EXPERIENCE = "experience", _("Experience")  # 经验
    PROPOSAL = "proposal", _("Proposal")  # 建议
    RESEARCH = "research", _("Research")  # 调研


class ItemState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_SIGNOFF = "awaiting_signoff", _("Awaiting sign-off")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    RETURNED = "returned", _("Returned")
    ADOPTED = "adopted", _("Adopted")
    FILED = "filed", _("Filed without adoption")


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", _("Not verified")
    VERIFIED = "verified", _("Verified")
    DISPUTED = "disputed", _("Disputed")


class TypicalCase(models.TextChoices):
    """Good and bad examples (正面/反面典型) the section points leaders to."""

    GOOD = "good", _("Good typical case")  # 正面典型
    BAD = "bad", _("Bad typical case")  # 反面典型


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class InfoItem(models.Model):
    """A piece of routine information (信息/稿件) from one unit, or jointly from several.

    `title` and `body` are the current text — the newest revision. Every revision, the
    officer's and the editor's, is kept in ItemRevision; nothing is overwritten.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="items"
    )
    joint_units = models.ManyToManyField(
        Unit, verbose_name=_("joint units"), blank=True, related_name="joint_items"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=ItemState.choices, default=ItemState.DRAFT
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"), max_length=MAX_BODY_LENGTH)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="items")
    occurred_on = models.DateField(
        _("date of the event"), null=True, blank=True, validators=[check_date]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(
        _("first submitted at"), null=True, blank=True, help_text=_("When it first left the unit.")
    )
    revision_count = models.PositiveIntegerField(_("revisions"), default=0)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verification = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
    )
    verification_note = models.TextField(_("verification note"), blank=True)
    # The solicitation (约稿) this item answers, by id. Solicitations are editorial, a layer
    # above this app, so this is no foreign key: the app that owns them offers the choices
    # through `submissions.hooks` and reads the link. Solicitations are never deleted.
    solicitation_id = models.BigIntegerField(
        _("in answer to"), null=True, blank=True, db_index=True
    )
    forwarded_at = models.DateTimeField(_("forwarded upward at"), null=True, blank=True)
    forwarded_to = models.ForeignKey(
        Unit,
        verbose_name=_("forwarded to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The archive's analysis (the insight app): a MinHash sketch of the text for spotting
    # duplicates, the cluster a duplicate was merged into, and the typical-case mark.
    minhash = models.BinaryField(default=b"", blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    # Joint units that are there only because a merged duplicate came from them.
    merged_unit_ids = models.JSONField(default=list, blank=True)
    typical = models.CharField(
        _("typical case"), max_length=8, choices=TypicalCase.choices, blank=True
    )
    typical_note = models.CharField(_("why it is typical"), max_length=200, blank=True)
    # 密级 (org/secrecy.py): never above the deployment's ceiling.
    secrecy = secrecy_field()
    # The token of the form that created it: the same form posted again creates nothing.
    form_token = token_field()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("information item")
        verbose_name_plural = _("information items")
        constraints = [token_constraint("author", "item_once_per_form")]
        indexes = [
            models.Index(fields=["state", "-updated_at"], name="item_state_updated"),
            models.Index(fields=["unit", "state"], name="item_unit_state"),
            models.Index(fields=["-submitted_at"], name="item_submitted"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n") if p.strip()]


class RevisionSource(models.TextChoices):
    OFFICER = "officer", _("Unit")
    EDITOR = "editor", _("Information section")


class ItemRevision(models.Model):
    """One version of an item's text. Immutable once written."""

    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    source = models.CharField(_("source"), max_length=10, choices=RevisionSource.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"), max_length=MAX_BODY_LENGTH)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} r{self.number}"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n") if p.strip()]


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    REVISED = "revised", _("Revised by the unit")
    SUBMITTED = "submitted", _("Sent for sign-off")
    WITHDRAWN = "withdrawn", _("Withdrawn to draft")
    SIGNED_OFF = "signed_off", _("Signed off and submitted")
    SIGNOFF_REFUSED = "signoff_refused", _("Sign-off refused")
    REVIEW_STARTED = "review_started", _("Review started")
    EDITED = "edited", _("Edited by the section")
    VERIFIED = "verified", _("Marked verified")
    DISPUTED = "disputed", _("Marked disputed")
    ADOPTED = "adopted", _("Adopted")
    RETURNED = "returned", _("Returned to the unit")
    FILED = "filed", _("Filed without adoption")
    ATTACHED = "attached", _("Attachment added")
    MERGED = "merged", _("Merged with a duplicate")
    UNMERGED = "unmerged", _("Merge undone")
    TYPICAL = "typical", _("Typical-case mark changed")


class ItemEvent(models.Model):
    """One step in an item's history: who did what, when, and why."""

    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_state = models.CharField(max_length=20, choices=ItemState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=ItemState.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["item", "at", "pk"]
        indexes = [models.Index(fields=["item", "at"], name="event_item_at")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
