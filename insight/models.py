from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinbao.core.inputs import SMALLINT_MAX, bounded
from xinbao.core.policy import SingletonPolicy


class InsightPolicy(SingletonPolicy):
    """The thresholds of the archive's analysis: duplicates, early signs and the 全广新准 report
    (and with it which units count as silent, on the network page too). One row, seeded by a
    migration and edited by the section chief; every change is audited.

    Until the insight app had its own models this was `submissions.ArchivePolicy`; the row moved
    with it (migration insight 0001)."""

    duplicate_window_days = models.PositiveSmallIntegerField(
        _("look for duplicates within (days)"), default=7, validators=bounded(SMALLINT_MAX)
    )
    duplicate_threshold = models.DecimalField(
        _("duplicate similarity threshold"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        help_text=_("Share of shared character pairs, from 0.05 to 0.95."),
    )
    trend_baseline_weeks = models.PositiveSmallIntegerField(
        _("baseline for early signs (weeks)"), default=8, validators=bounded(SMALLINT_MAX)
    )
    trend_min_count = models.PositiveSmallIntegerField(
        _("minimum items in the week for a sign"), default=3, validators=bounded(SMALLINT_MAX)
    )
    trend_z = models.DecimalField(
        _("how far above its baseline a term must rise"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("3.0"),
        help_text=_("In spreads of the term's own weekly counts (z-score)."),
    )
    trend_stop_words = models.TextField(
        _("words never counted as signs"),
        max_length=2000,
        blank=True,
        help_text=_("Separated by spaces or commas."),
    )
    silent_days = models.PositiveSmallIntegerField(
        _("a unit is silent after (days)"), default=30, validators=bounded(SMALLINT_MAX)
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("archive analysis policy")
        verbose_name_plural = _("archive analysis policy")

    def __str__(self) -> str:
        return str(_("Archive analysis policy"))
