"""The points ledger (积分): a configurable point table and the entries it produces.

Every ScoreEntry names its rule and its source row, so every point can be traced. Entries are
derived data: `scoring.actions.rebuild` recomputes them from adoptions, instructions and
deadlines, so the table may be edited and the ledger rebuilt at any time.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from bulletins.models import AdoptionLevel, Publication
from org.models import Unit


class RuleKind(models.TextChoices):
    ADOPTION = "adoption", _("Adoption")
    INSTRUCTION = "instruction", _("Leader's instruction")
    FEEDBACK_LATE = "feedback_late", _("Feedback filed late")
    FEEDBACK_MISSING = "feedback_missing", _("Feedback missing")
    SOLICITATION_MISSED = "solicitation_missed", _("Solicitation not answered")


class SourceKind(models.TextChoices):
    ADOPTION = "adoption", _("Adoption")
    INSTRUCTION = "instruction", _("Instruction")
    TASK = "task", _("Feedback task")
    SOLICITATION = "solicitation", _("Solicitation")


class ScoreRule(models.Model):
    """One row of the point table (积分规则). Policy is data: cities publish different tables."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=AdoptionLevel.choices, blank=True)
    # A rule for one publication (e.g. 信息专报) overrides the level's default.
    publication = models.ForeignKey(
        Publication,
        verbose_name=_("publication"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    forwarded_multiplier = models.DecimalField(
        _("multiplier for forwarded items"), max_digits=5, decimal_places=2, default=Decimal(1)
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "level", "code"]
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")

    def __str__(self) -> str:
        return self.code


class ScoreEntry(models.Model):
    """One line of the ledger: points for one unit, from one rule, traced to one source row."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="score_entries"
    )
    points = models.DecimalField(_("points"), max_digits=10, decimal_places=2)
    rule = models.ForeignKey(
        ScoreRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="entries"
    )
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField()
    source_label = models.CharField(_("source"), max_length=200)
    occurred_on = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["occurred_on", "pk"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "source_kind", "source_id", "unit"], name="score_entry_once"
            )
        ]
        indexes = [models.Index(fields=["year", "month", "unit"], name="score_year_month_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.points} ({self.rule_id})"
