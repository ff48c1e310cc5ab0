"""The points ledger (积分): a configurable point table and the entries it produces; unit
classes with their monthly quotas; award tiers for the annual evaluation.

Every ScoreEntry names its rule and its source row, so every point can be traced. Entries are
derived data, kept live: database triggers queue a `LedgerChange` when a source changes and the
worker recomputes the units concerned (`scoring.live`); `scoring.actions.rebuild` recomputes a
year (or all) from adoptions, instructions, deadlines, violations and quotas — the proof that
the live ledger is right, and the chief's 重算.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accountability.models import Issuer, ViolationKind
from bulletins.models import AdoptionLevel, Publication
from org.models import Unit
from xinbao.core.inputs import SMALLINT_MAX, bounded, check_date
from xinbao.core.policy import SingletonPolicy

# A class's floor for awards when it is created: more than zero points is the rule's own
# minimum; the section chief raises the floor per class on the classes page.
AWARD_FLOOR_DEFAULT = "0"


class RuleKind(models.TextChoices):
    ADOPTION = "adoption", _("Adoption")
    INSTRUCTION = "instruction", _("Leader's instruction")
    FEEDBACK_LATE = "feedback_late", _("Feedback filed late")
    FEEDBACK_MISSING = "feedback_missing", _("Feedback missing")
    SOLICITATION_MISSED = "solicitation_missed", _("Solicitation not answered")
    VIOLATION = "violation", _("Confirmed violation")
    QUOTA_SHORTFALL = "quota_shortfall", _("Monthly quota shortfall, per missing item")
    ZEROING = "zeroing", _("Year zeroed after missed solicitations")


class SourceKind(models.TextChoices):
    ADOPTION = "adoption", _("Adoption")
    INSTRUCTION = "instruction", _("Instruction")
    TASK = "task", _("Feedback task")
    SOLICITATION = "solicitation", _("Solicitation")
    VIOLATION = "violation", _("Violation")
    QUOTA = "quota", _("Monthly quota")


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
    # Violation rules: the kind they punish; `level` is then the issuer of the most senior
    # issued notice naming the violation (an Issuer: own or upper-level), blank for "confirmed, in
    # no notice".
    violation_kind = models.CharField(
        _("violation kind"), max_length=10, choices=ViolationKind.choices, blank=True
    )
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    # The zeroing rule: how many missed solicitations in a calendar year zero the year.
    threshold = models.PositiveSmallIntegerField(
        _("missed solicitations"), null=True, blank=True, validators=bounded(SMALLINT_MAX)
    )
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

    @property
    def label(self) -> str:
        """What the rule is about, e.g. "Confirmed violation · Late report · Province"."""
        parts = [str(self.get_kind_display())]
        if self.violation_kind:
            parts.append(str(self.get_violation_kind_display()))
        if self.kind == RuleKind.VIOLATION and not self.level:
            parts.append(gettext("named in no notice"))
        elif self.kind == RuleKind.VIOLATION and self.level in Issuer.values:
            # A violation rule's level is the issuer of a notice (本级/上级), not a publication's.
            parts.append(str(Issuer(self.level).label))
        elif self.level:
            parts.append(str(self.get_level_display()))
        if self.publication_id is not None and self.publication is not None:
            parts.append(self.publication.name)
        return " · ".join(parts)


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
        # The rankings aggregate a year (or some months of it) by unit: this index covers
        # that query, so SQLite answers it from the index alone, in unit order (measured at a
        # million rows: 1.4 s → 0.25 s for a year, 2.6 s → 0.15 s for a quarter).
        indexes = [
            models.Index(fields=["year", "unit", "month", "rule", "points"], name="score_ranking")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.points} ({self.rule_id})"


class ScoreTotal(models.Model):
    """The ledger summed per unit, month and rule: what rankings read.

    Written by `scoring.ledger.replace` in the same transaction as the entries it sums (the
    ledger has no other writer), so it never disagrees with them; a year of a million entries
    is a few thousand totals, and a ranking reads those instead of the million."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(ScoreRule, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(max_digits=12, decimal_places=2)
    entries = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "unit", "rule"], name="score_total_once"
            )
        ]
        indexes = [
            # Covers the rankings' one grouped read (scoring.queries.unit_figures): the year's
            # totals summed per unit straight from the index, without visiting the table.
            models.Index(
                fields=["year", "unit", "rule", "month", "points", "entries"],
                name="score_total_ranking",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month} {self.unit_id} {self.rule_id}: {self.points}"


class UnitClass(models.Model):
    """A class of reporting units (一类/二类/…): ranked together, with one monthly quota."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    monthly_quota = models.PositiveSmallIntegerField(
        _("monthly quota"),
        help_text=_("Items that must leave the unit each month."),
        validators=bounded(SMALLINT_MAX),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=bounded(SMALLINT_MAX)
    )
    # Below it no award of the class is given, whatever the tiers say; a unit with no points
    # never gets one (scoring.ranking.may_be_awarded).
    award_floor = models.DecimalField(
        _("no award below (points)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal(AWARD_FLOOR_DEFAULT),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("A unit needs more than zero points, and at least this many, for any award."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("unit class")
        verbose_name_plural = _("unit classes")

    def __str__(self) -> str:
        return self.name


class ClassAssignment(models.Model):
    """Which class a reporting unit belongs to, and from which month its quota counts.

    Kept in scoring so that org does not depend on scoring. The ledger is derived data: a
    changed class applies to every month once the worker has recomputed the unit."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="score_class"
    )
    unit_class = models.ForeignKey(
        UnitClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="assignments"
    )
    quota_from = models.DateField(
        _("quota counts from"),
        help_text=_("The first month whose shortfall costs points."),
        validators=[check_date],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit_class", "unit"]
        verbose_name = _("class assignment")
        verbose_name_plural = _("class assignments")

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.unit_class_id}"


class AwardTier(models.Model):
    """One award of a class's annual evaluation (一等奖/二等奖/三等奖).

    Tiers are handed out in `position` order to the eligible units in ranking order: a tier
    takes the next units whose points reach `min_points` (if set), at most `places` of them (if
    set). Places alone is "top N"; a threshold alone is "everyone with ≥ X points"."""

    unit_class = models.ForeignKey(
        UnitClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="award_tiers"
    )
    name = models.CharField(_("award"), max_length=30)
    position = models.PositiveSmallIntegerField(_("order"), validators=bounded(SMALLINT_MAX))
    places = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, validators=bounded(SMALLINT_MAX)
    )
    min_points = models.DecimalField(
        _("at least (points)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit_class", "position", "pk"]
        verbose_name = _("award tier")
        verbose_name_plural = _("award tiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(places__isnull=False) | Q(min_points__isnull=False),
                name="award_tier_has_a_rule",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def rule_text(self) -> str:
        """How the tier is given, e.g. "2 place(s), at least 80 points"."""
        values = {"n": self.places, "p": self.min_points}
        if self.places is not None and self.min_points is not None:
            return gettext("%(n)s place(s), at least %(p)s points") % values
        if self.places is not None:
            return gettext("%(n)s place(s)") % values
        return gettext("at least %(p)s points") % values


class LedgerChange(models.Model):
    """A change to a source of the ledger not yet counted in it: the ledger's outbox.

    Written by database triggers (`scoring.triggers`) in the writer's own transaction, so a
    committed adoption, instruction, violation or policy edit always leaves one and a
    rolled-back one leaves none; removed by the transaction that recomputes the unit
    (`scoring.live.catch_up`), so a worker killed mid-step loses nothing. `unit` is the unit
    whose points may change; None means every unit (a point-table or quota change)."""

    unit_id = models.BigIntegerField(null=True)

    class Meta:
        # The pages count the waiting units (distinct, up to a cap) and look for an "every
        # unit" change: both answered from this index, however long the queue.
        indexes = [models.Index(fields=["unit_id"], name="ledger_change_unit")]

    def __str__(self) -> str:
        return f"unit {self.unit_id}" if self.unit_id is not None else "every unit"


class LedgerState(models.Model):
    """One row: when the ledger's figures were last computed (the `as_of` of the latest
    recompute, by the worker or the full rebuild). Pages state it beside the pending count."""

    computed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"computed at {self.computed_at}"


class CircularKind(models.TextChoices):
    ADOPTION = "adoption", _("Adoption circular")  # 信息采用情况通报
    COMMENDATION = "commendation", _("Commendation circular")  # 表彰通报
    EVALUATION = "evaluation", _("Annual evaluation")  # 年度考核评比情况


class ReportPolicy(SingletonPolicy):
    """What the section's circulars print beyond the ledger: how many outstanding information
    officers (优秀信息员) the year-end commendation names. One row, seeded; the chief edits it."""

    officer_places = models.PositiveSmallIntegerField(
        _("outstanding officers named"),
        default=10,
        validators=bounded(SMALLINT_MAX),
        help_text=_("At most this many officers, the highest points first; 0 names none."),
    )
    officer_min_points = models.DecimalField(
        _("officer needs at least (points)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Leave empty for no threshold; an officer always needs more than zero."),
    )
    copy_to = models.CharField(
        _("copy to"),
        max_length=200,
        blank=True,
        help_text=_("The 抄送 line of the circulars' imprint, e.g. 省委办公厅信息处."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("circular policy")
        verbose_name_plural = _("circular policy")

    def __str__(self) -> str:
        return f"top {self.officer_places}, ≥ {self.officer_min_points}"


class Circular(models.Model):
    """An issued circular of the section: its number, taken when the chief issues it from the
    office's sequence of 通 documents (`accountability.NoticeCounter`, shared with criticism
    notices), so a download prints the same 文号 every time."""

    kind = models.CharField(_("kind"), max_length=20, choices=CircularKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=4, blank=True)  # "", "q1".., "1"..
    number = models.PositiveIntegerField(_("number"))
    doc_number = models.CharField(_("document number"), max_length=60)
    issued_on = models.DateField(_("date"))
    issued_by = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("circular")
        verbose_name_plural = _("circulars")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "period"], name="circular_once")
        ]

    def __str__(self) -> str:
        return self.doc_number
