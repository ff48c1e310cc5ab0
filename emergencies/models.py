"""Emergencies (突发事件): incidents, their report chain, sightings from other channels and the
late/missed candidates they produce. The deadlines they owe are the deadline engine's rows
(deadlines.ExpectedReport), of the kinds registered in emergencies.deadline_kinds."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from deadlines.models import ExpectedReport
from emergencies import labels
from org.models import Unit
from xinbao.core.inputs import INT_MAX, bounded, check_date
from xinbao.core.once import token_constraint, token_field
from xinbao.core.policy import SingletonPolicy

# A reporting deadline longer than a week after the clock starts would be no deadline.
MAX_DEADLINE_MINUTES = 7 * 24 * 60


class Category(models.TextChoices):
    NATURAL = "natural", _("Natural disaster")  # 自然灾害
    ACCIDENT = "accident", _("Accident or disaster")  # 事故灾难
    HEALTH = "health", _("Public health event")  # 公共卫生事件
    SOCIAL = "social", _("Social security event")  # 社会安全事件


class Level(models.TextChoices):
    I = "1", _("Level I — especially grave")  # noqa: E741  Ⅰ特别重大
    II = "2", _("Level II — grave")  # Ⅱ重大
    III = "3", _("Level III — major")  # Ⅲ较大
    IV = "4", _("Level IV — ordinary")  # Ⅳ一般


def validate_category_code(value: str) -> None:
    """A GB/T 35561 code is written in digits only."""
    if not value.isascii() or not value.isdigit():
        raise ValidationError(_("A category code is written in digits only."))


UNGRADED = ""  # social-security events are not graded by level (突发事件应对法)


class DeadlineRule(models.Model):
    """The reporting deadlines for one category × level. Policy as data, edited by the chief.

    Minutes count from the incident's clock start (the earlier of known-at and the first time
    any channel recorded the event)."""

    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    level = models.CharField(_("level"), max_length=1, choices=Level.choices, blank=True)
    phone_minutes = models.PositiveIntegerField(
        _("phone report within (minutes)"),
        null=True,
        blank=True,
        validators=bounded(MAX_DEADLINE_MINUTES, 1),
    )
    written_minutes = models.PositiveIntegerField(
        _("written report within (minutes)"), validators=bounded(MAX_DEADLINE_MINUTES, 1)
    )
    followup_hours = models.PositiveIntegerField(
        _("follow-up every (hours)"), null=True, blank=True, validators=bounded(7 * 24, 1)
    )
    followup_times = models.CharField(
        _("follow-up daily by"),
        max_length=60,
        blank=True,
        help_text=_("Local times, comma-separated, e.g. 08:00,17:00"),
    )
    forward_minutes = models.PositiveIntegerField(
        _("forward to the province within (minutes)"),
        null=True,
        blank=True,
        validators=bounded(MAX_DEADLINE_MINUTES, 1),
        help_text=_("Counted from the section's first knowledge of the incident."),
    )
    section_phone_minutes = models.PositiveIntegerField(
        _("section phones the province within (minutes)"),
        null=True,
        blank=True,
        validators=bounded(MAX_DEADLINE_MINUTES, 1),
        help_text=_("Counted from the section's first knowledge of the incident."),
    )
    reminder_fractions = models.CharField(
        _("reminders at fractions of the window"), max_length=40, default="0.5,0.9"
    )
    escalation = models.JSONField(
        _("escalation after a breach"),
        default=list,
        help_text=_(
            'Steps such as [{"after": 0, "role": "duty_officer"}, {"after": 15, "role": "chief"}]'
        ),
    )
    # The published rules the seeded row follows, shown beside it.
    source = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["category", "level"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "level"], name="deadline_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.get_level_display() or _('ungraded')}"


class LevelThreshold(models.Model):
    """Figures from which a level is suggested, kept per category: Decree 493 grades
    production-safety accidents (生产安全事故) only, so other categories have no rows and no
    level is suggested for them. Deaths count the missing with them (死亡（含失踪）).

    Any one figure reaching a level's row suggests that level; rows are read gravest first."""

    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    level = models.CharField(_("level"), max_length=1, choices=Level.choices)
    deaths = models.PositiveIntegerField(
        _("deaths (including missing) from"), validators=bounded(INT_MAX, 1)
    )
    serious_injuries = models.PositiveIntegerField(
        _("seriously injured from"), validators=bounded(INT_MAX, 1)
    )
    loss_10k_yuan = models.DecimalField(
        _("direct loss from (10k yuan)"), max_digits=12, decimal_places=2
    )
    # The published rule the row follows (国务院令第493号 第三条), shown beside it.
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["category", "level"]
        verbose_name = _("level threshold")
        verbose_name_plural = _("level thresholds")
        constraints = [
            models.UniqueConstraint(fields=["category", "level"], name="level_threshold_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.get_level_display()}"


# Decree 493 art. 13 counts its windows in days; a year is beyond any published window.
MAX_SUPPLEMENT_DAYS = 366


class SupplementWindow(models.Model):
    """How long after the event casualty changes are still reported (补报) once the final report
    is in. A row with a blank `subtype_contains` is the category's default; a row whose words
    occur in the incident's type (道路交通, 火灾) takes precedence."""

    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    subtype_contains = models.CharField(
        _("type contains"),
        max_length=40,
        blank=True,
        help_text=_("Blank for the category's default."),
    )
    days = models.PositiveSmallIntegerField(
        _("supplementary reports within (days)"),
        validators=bounded(MAX_SUPPLEMENT_DAYS, low=1),
        help_text=_("Counted from the day the event occurred."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["category", "subtype_contains"]
        verbose_name = _("supplementary report window")
        verbose_name_plural = _("supplementary report windows")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "subtype_contains"], name="supplement_window_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.subtype_contains}".strip()


class CategoryCode(models.Model):
    """One code of GB/T 35561-2017 突发事件分类与编码: a class (自然灾害, 事故灾难, 公共卫生事件,
    社会安全事件) or one of its sub-categories, under its parent. Reference data seeded by
    migration 0013 (which says which rows could be checked against the standard's public
    descriptions; `verified` records it per row), kept by the system administrator.

    `category` is the class the code belongs to: a class row's own, a sub-category's its
    parent's. An incident's category must be its code's class (rules.code_disagrees)."""

    code = models.CharField(
        _("code"), max_length=8, unique=True, validators=[validate_category_code]
    )
    name = models.CharField(_("name"), max_length=60)
    category = models.CharField(_("class"), max_length=10, choices=Category.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    verified = models.BooleanField(
        _("checked against the standard's text"),
        default=False,
        help_text=_("Off: the name is from the standard's public descriptions, the number not."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("incident category code (GB/T 35561)")
        verbose_name_plural = _("incident category codes (GB/T 35561)")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Incident(models.Model):
    title = models.CharField(_("title"), max_length=120)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    subtype = models.CharField(_("type"), max_length=40, blank=True)
    # Optional: a phone report at 3 a.m. may not know the sub-category yet. When set, its class
    # is the incident's category (emergencies.rules.code_disagrees).
    category_code = models.ForeignKey(
        CategoryCode,
        verbose_name=_("category code (GB/T 35561)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    level = models.CharField(_("level"), max_length=1, choices=Level.choices, blank=True)
    sensitive = models.BooleanField(_("sensitive"), default=False)
    place = models.CharField(_("place"), max_length=200)
    occurred_at = models.DateTimeField(_("occurred at"), validators=[check_date])
    known_at = models.DateTimeField(_("known at"), validators=[check_date])
    clock_start = models.DateTimeField(_("clock starts"))
    responsible_units = models.ManyToManyField(
        Unit, verbose_name=_("responsible units"), related_name="incidents"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    # The deadline rules of the incident's category as they were when it opened; a later edit
    # of the table applies to it only when re-applied explicitly.
    policy = models.JSONField(_("deadline policy"), default=dict)
    policy_applied_at = models.DateTimeField(_("policy applied at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The archive's duplicate detection (the insight app): a MinHash sketch of the title,
    # place and first report, and the incident this one was merged into as a duplicate.
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
    expected = GenericRelation(
        ExpectedReport,
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="incident",
    )

    class Meta:
        ordering = ["-clock_start"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["status", "-clock_start"], name="incident_status_clock")]

    def __str__(self) -> str:
        return self.title


class ReportKind(models.TextChoices):
    INITIAL = "initial", _("Initial report")  # 首报
    FOLLOWUP = "followup", _("Follow-up report")  # 续报
    FINAL = "final", _("Final report")  # 终报
    SUPPLEMENTARY = "supplement", _("Supplementary report")  # 补报 (Decree 493 art. 13)


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WRITTEN = "written", _("Written")


class ReportState(models.TextChoices):
    AWAITING_SIGNOFF = "awaiting_signoff", _("Awaiting sign-off")
    RECEIVED = "received", _("Received")


class IncidentReport(models.Model):
    """One link of the chain: 首报, 续报一/二/…, 终报. Follow-ups add only what is new."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    sequence = models.PositiveSmallIntegerField(_("follow-up number"), default=0)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=20, choices=ReportState.choices)
    summary = models.TextField(_("what happened"), max_length=5000)
    deaths = models.PositiveIntegerField(
        _("deaths"), null=True, blank=True, validators=bounded(INT_MAX)
    )
    serious_injuries = models.PositiveIntegerField(
        _("seriously injured"), null=True, blank=True, validators=bounded(INT_MAX)
    )
    injuries = models.PositiveIntegerField(
        _("injured"), null=True, blank=True, validators=bounded(INT_MAX)
    )
    missing = models.PositiveIntegerField(
        _("missing"), null=True, blank=True, validators=bounded(INT_MAX)
    )
    direct_loss = models.DecimalField(
        _("direct loss (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cause = models.TextField(_("cause"), max_length=2000, blank=True)
    measures = models.TextField(_("measures taken"), max_length=3000, blank=True)
    trend = models.TextField(_("trend"), max_length=2000, blank=True)
    on_site = models.CharField(_("who is on site"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    caller = models.CharField(_("caller"), max_length=50, blank=True)
    caller_phone = models.CharField(_("caller's number"), max_length=30, blank=True)
    called_at = models.DateTimeField(_("call time"), null=True, blank=True, validators=[check_date])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    # The token of the form that created it: the same form posted again creates nothing.
    form_token = token_field()

    class Meta:
        ordering = ["incident", "created_at", "pk"]
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        constraints = [token_constraint("author", "report_once_per_form")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.sequence}"

    @property
    def label(self) -> str:
        """电话首报 / 书面首报, 续报一…, 终报: what the office calls it (emergencies.labels)."""
        return labels.report_label(self.kind, self.sequence, self.channel)


class ExpectKind(models.TextChoices):
    """The deadlines an incident or a sighting sets, as registered with the deadline engine."""

    PHONE = "phone", _("Phone report")
    WRITTEN = "written", _("Written initial report")
    FOLLOWUP = "followup", _("Follow-up report")
    FORWARD = "forward", _("Forwarding to the province")
    SECTION_PHONE = "sec_phone", _("Section's phone report to the province")  # 向省委电话报告
    SIGHTING = "sighting", _("Report after another channel's sighting")


class SourceKind(models.TextChoices):
    MEDIA = "media", _("Media / internet")
    HOTLINE = "hotline", _("12345 hotline")
    DEPARTMENT = "department", _("Another department")
    OTHER = "other", _("Other")


class SightingStatus(models.TextChoices):
    UNMATCHED = "unmatched", _("Unmatched")
    MATCHED = "matched", _("Matched to an incident")
    DISMISSED = "dismissed", _("Dismissed")


class Sighting(models.Model):
    """The same event seen through another channel (其他渠道信息)."""

    source_kind = models.CharField(_("channel"), max_length=12, choices=SourceKind.choices)
    source = models.CharField(_("source"), max_length=100)
    seen_at = models.DateTimeField(_("seen at"), validators=[check_date])
    text = models.TextField(_("what was seen"), max_length=5000)
    place = models.CharField(_("place"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sightings",
    )
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="sightings"
    )
    status = models.CharField(
        max_length=12, choices=SightingStatus.choices, default=SightingStatus.UNMATCHED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    form_token = token_field()
    expected = GenericRelation(
        ExpectedReport,
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="sighting",
    )

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("sighting")
        verbose_name_plural = _("sightings")
        constraints = [token_constraint("recorded_by", "sighting_once_per_form")]

    def __str__(self) -> str:
        return f"{self.source} {self.seen_at:%Y-%m-%d %H:%M}"


class CandidateKind(models.TextChoices):
    LATE = "late", _("Late report")  # 迟报
    MISSED = "missed", _("Missed report")  # 漏报


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the chief")
    CONFIRMED = "confirmed", _("Confirmed")
    WAIVED = "waived", _("Waived")
    SUPERSEDED = "superseded", _("Superseded: matched to an incident")


class ViolationCandidate(models.Model):
    """A possible late or missed report, with its evidence. Confirming it is accountability's
    work; the record is made here, the moment the engine sees it."""

    kind = models.CharField(_("kind"), max_length=10, choices=CandidateKind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="candidates"
    )
    expected = models.OneToOneField(
        ExpectedReport, on_delete=models.PROTECT, related_name="candidate"
    )
    minutes_late = models.PositiveIntegerField(_("minutes late"), null=True, blank=True)
    evidence = models.TextField(_("evidence"))
    status = models.CharField(
        max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("late or missed candidate")
        verbose_name_plural = _("late and missed candidates")

    def __str__(self) -> str:
        return f"{self.kind} {self.unit_id}"


class LevelChange(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="level_changes")
    old_level = models.CharField(max_length=1, choices=Level.choices, blank=True)
    new_level = models.CharField(max_length=1, choices=Level.choices, blank=True)
    reason = models.TextField(_("reason"), max_length=1000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.old_level}->{self.new_level}"


class Forwarding(models.Model):
    """The incident passed upward (上报) with the edited, signed-off text."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="forwardings")
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("forwarded text"), max_length=20000)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    forwarded_at = models.DateTimeField(_("forwarded at"), auto_now_add=True)
    # When the forwarding travels to the upper office's own system (federation): the moment
    # that system acknowledged receipt, which is when the forwarding deadline is met.
    acknowledged_at = models.DateTimeField(_("acknowledged by the upper office at"), null=True)

    class Meta:
        ordering = ["forwarded_at"]

    def __str__(self) -> str:
        return f"{self.incident_id} -> {self.to_unit_id}"


class SectionCall(models.Model):
    """The section's own phone report upward (向省委电话报告): whom the duty officer called,
    when, and what was said."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="section_calls")
    called_whom = models.CharField(_("called whom"), max_length=100)
    called_at = models.DateTimeField(_("time of the call"), validators=[check_date])
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["called_at", "pk"]
        verbose_name = _("section's call upward")
        verbose_name_plural = _("section's calls upward")

    def __str__(self) -> str:
        return f"{self.incident_id} -> {self.called_whom}"


# Beyond a month apart, a sighting and an incident are not the same event.
MAX_MATCH_WINDOW_HOURS = 30 * 24


class MatchingPolicy(SingletonPolicy):
    """One row: how far apart in time a sighting and an open incident may be and still be
    proposed as the same event. Edited with the deadline table."""

    window_hours = models.PositiveSmallIntegerField(
        _("sightings match incidents within (hours)"),
        default=24,
        validators=bounded(MAX_MATCH_WINDOW_HOURS, low=1),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("matching policy")
        verbose_name_plural = _("matching policy")

    def __str__(self) -> str:
        return str(_("Matching policy"))


class SensitivePolicy(SingletonPolicy):
    """One row: whether a sensitive incident is held to the strictest row of its category's
    deadline table whatever its level. The State Council emergency office's 2015 notice
    (关于切实加强突发事件信息报告工作的通知) asks that sensitive information be reported
    promptly, 不拘泥于分级标准的相关规定. Edited with the level thresholds."""

    strictest_when_sensitive = models.BooleanField(
        _("sensitive events are reported on the strictest deadlines"), default=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sensitive events policy")
        verbose_name_plural = _("sensitive events policy")

    def __str__(self) -> str:
        return str(_("Sensitive events policy"))
