"""Accountability (责任追究): violations with due process, criticism notices, the eligibility rule.

A late or missed report seen by the deadline engine is only a *candidate*
(`emergencies.ViolationCandidate`); false (误报) and concealed (瞒报) reports are entered by an
editor with their evidence. Either way a `Violation` starts PENDING: the unit can see it and
file an explanation (说明), and only the section chief turns it into a CONFIRMED violation —
or WAIVES it, with a reason. Confirmed violations are compiled into numbered criticism notices
(通报批评) issued by the city; notices received from the province are recorded with their own
number and date. Whether a unit keeps its eligibility for the year's award follows from the
notices naming it, under a rule that is data (`EligibilityRule`), and a recorded decision
(`Reinstatement`) can restore it.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from emergencies.models import Incident, IncidentReport, ViolationCandidate
from org.models import Unit
from org.office import office_name
from org.secrecy import secrecy_field
from submissions.models import InfoItem
from xinbao.core.inputs import SMALLINT_MAX, bounded, check_date
from xinbao.core.once import token_constraint, token_field
from xinbao.core.policy import SingletonPolicy


class ViolationKind(models.TextChoices):
    LATE = "late", _("Late report")  # 迟报
    MISSED = "missed", _("Missed report")  # 漏报
    FALSE = "false", _("False report")  # 误报
    CONCEALED = "concealed", _("Concealed report")  # 瞒报


class ViolationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the chief")
    CONFIRMED = "confirmed", _("Confirmed")
    WAIVED = "waived", _("Waived")
    # The engine's missed-report candidate gave way when its sighting was matched to an
    # incident: the incident's own deadlines judge the unit from then on.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Violation(models.Model):
    """One unit's late, missed, false or concealed report, from candidate to decision."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="violations"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ViolationKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ViolationStatus.choices,
        default=ViolationStatus.PENDING,
    )
    # What it is about: an incident (and the report at fault), or a routine item.
    incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
    )
    report = models.ForeignKey(
        IncidentReport,
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
    )
    item = models.ForeignKey(
        InfoItem,
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
    )
    # What it is about in a few words, when no incident or item in xinbao says it.
    summary = models.CharField(_("about"), max_length=200, blank=True)
    # Set when the engine's candidate was taken up; one violation per candidate.
    candidate = models.OneToOneField(
        ViolationCandidate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violation",
    )
    occurred_on = models.DateField(
        _("date"),
        help_text=_("The day the report was due: it decides the year it counts in."),
        validators=[check_date],
    )
    minutes_late = models.PositiveIntegerField(_("minutes late"), null=True, blank=True)
    serious = models.BooleanField(_("serious (情况严重)"), default=False)
    important = models.BooleanField(
        _("important emergency information"),
        default=True,
        help_text=_("Only violations about important emergency information count for eligibility."),
    )
    evidence = models.TextField(_("evidence"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    form_token = token_field()  # the entry form's: posted again, it creates nothing

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        indexes = [models.Index(fields=["unit", "status", "occurred_on"], name="violation_unit")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="waived") | ~Q(decision_reason=""),
                name="violation_waiver_has_reason",
            ),
            token_constraint("entered_by", "violation_once_per_form"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit_id} {self.occurred_on}"

    @property
    def is_pending(self) -> bool:
        return self.status == ViolationStatus.PENDING


class Explanation(models.Model):
    """The unit's side (情况说明), filed before the chief decides."""

    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="explanations")
    text = models.TextField(_("explanation"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    form_token = token_field()  # the creating form's: posted again, it creates nothing

    class Meta:
        ordering = ["filed_at", "pk"]
        verbose_name = _("explanation")
        verbose_name_plural = _("explanations")
        constraints = [token_constraint("filed_by", "explanation_once_per_form")]

    def __str__(self) -> str:
        return f"{self.violation_id} {self.filed_at:%Y-%m-%d}"


class Issuer(models.TextChoices):
    """Whose notice: this office's own (本级通报) or the level above's (上级通报). The values are
    those of the system's first, city-level deployment; their meaning is relative to the
    instance (accountability.issuers names the two offices)."""

    OWN = "city", _("Own-level notice")  # 本级通报
    UPPER = "province", _("Upper-level notice")  # 上级通报


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class CriticismNotice(models.Model):
    """A criticism notice (通报批评). The office's own are numbered 〔year〕N号 from a counter
    when issued; the upper level's are recorded with the number and date printed on them."""

    issuer = models.CharField(_("issued by"), max_length=10, choices=Issuer.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20_000)
    issued_on = models.DateField(_("date"), null=True, blank=True, validators=[check_date])
    # The office whose red header and signature the notice carries (发文机关), and its main
    # recipients (主送机关): copied from the notice policy when an own notice is drafted.
    issuing_office = models.CharField(_("issuing authority"), max_length=60)
    recipients = models.CharField(_("main recipients"), max_length=200, blank=True)
    # The organs the notice is copied to (抄送机关), printed in its 版记: “抄送：…。”.
    copy_to = models.CharField(
        _("copied to"),
        max_length=200,
        blank=True,
        help_text=_("Organs sent a copy, separated by “，”; printed as 抄送 at the foot."),
    )
    violations = models.ManyToManyField(
        Violation, verbose_name=_("violations"), related_name="notices", blank=True
    )
    # The units the notice criticises by name: for an own notice the units of its violations;
    # an upper-level notice is recorded with the units printed on it.
    units = models.ManyToManyField(
        Unit, verbose_name=_("units named"), related_name="criticism_notices", blank=True
    )
    send_to_all = models.BooleanField(_("send to all units"), default=False)
    # 密级 (org/secrecy.py): never above the deployment's ceiling.
    secrecy = secrecy_field()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-issued_on", "-pk"]
        verbose_name = _("criticism notice")
        verbose_name_plural = _("criticism notices")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"],
                condition=Q(number__isnull=False),
                name="notice_number_once",
            )
        ]

    def __str__(self) -> str:
        return self.doc_number or self.title


class NoticePolicy(SingletonPolicy):
    """How the office's own notices are headed and numbered. One row, seeded; the chief edits it."""

    doc_prefix = models.CharField(
        _("document number prefix"),
        max_length=20,
        help_text=_("The office's abbreviation before 〔year〕N号, e.g. 江委办通."),
    )
    recipients = models.CharField(
        _("main recipients"),
        max_length=200,
        help_text=_("The line the notice is addressed to, e.g. 各区、县委办公室，市直各单位."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notice policy")
        verbose_name_plural = _("notice policy")

    def __str__(self) -> str:
        return self.doc_prefix

    @classmethod
    def seed(cls) -> dict[str, Any]:
        return dict(DEFAULT_NOTICE_POLICY)

    def doc_number(self, year: int, number: int) -> str:
        return f"{self.doc_prefix}〔{year}〕{number}号"

    @property
    def office_name(self) -> str:
        """The issuing authority a new notice starts with: the office's one name (org.office),
        the same its bulletins print."""
        return office_name()


# The seed, until the chief enters the office's own abbreviation.
DEFAULT_NOTICE_POLICY = {
    "doc_prefix": "市委办通",
    "recipients": "各区、县（市）委办公室，市直各单位",
}


class NoticeCounter(models.Model):
    """The last number given to an own notice in a year; locked while the next one is taken."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class EligibilityRule(SingletonPolicy):
    """When a unit loses its eligibility for the year's excellence award. One row, seeded with
    the founding document's rule: ≥ 1 upper-level or ≥ 2 own notices naming the unit for
    late, missed or false reporting of important emergency information (serious cases). The
    columns keep the names of the first, city-level deployment: `provincial_notices` counts
    upper-level notices, `municipal_notices` the office's own."""

    provincial_notices = models.PositiveSmallIntegerField(
        _("upper-level notices that disqualify"), default=1, validators=bounded(SMALLINT_MAX)
    )
    municipal_notices = models.PositiveSmallIntegerField(
        _("own-level notices that disqualify"), default=2, validators=bounded(SMALLINT_MAX)
    )
    kinds = models.JSONField(
        _("violation kinds that count"),
        default=list,
        help_text=_(
            "Codes of the violation kinds a notice must name: late, missed, false, concealed."
        ),
    )
    serious_only = models.BooleanField(_("only serious cases count"), default=True)
    important_only = models.BooleanField(
        _("only important emergency information counts"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def __str__(self) -> str:
        return f"upper ≥ {self.provincial_notices}, own ≥ {self.municipal_notices}"

    @classmethod
    def seed(cls) -> dict[str, Any]:
        return {"kinds": list(DEFAULT_COUNTED_KINDS)}


# The founding document's rule counts late, missed and false reporting (DESIGN §2.5).
DEFAULT_COUNTED_KINDS = ("late", "missed", "false")


class Reinstatement(models.Model):
    """A recorded decision that gives a disqualified unit its eligibility back for a year."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reinstatements"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("reinstatement")
        verbose_name_plural = _("reinstatements")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=Q(revoked_at__isnull=True),
                name="reinstatement_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"
