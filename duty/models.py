"""The duty office's records: the log of a shift (值班日志), the handover between shifts
(交接班), and the zero reports (零报告) units owe each day of a holiday or sensitive period.

What already happens during a shift — reports received, sightings logged, zero reports filed —
is not copied here: the log page reads it from its owners by the shift's times."""

from datetime import time

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from deadlines.models import ExpectedReport
from emergencies.models import Incident
from org.models import DutyShift, Unit


class EntryKind(models.TextChoices):
    CALL_IN = "call_in", _("Incoming call")
    CALL_OUT = "call_out", _("Outgoing call")
    REPORT = "report", _("Report received")
    ACTION = "action", _("Action taken")
    OTHER = "other", _("Other")


class LogEntry(models.Model):
    """A line the duty officer wrote in a shift's log."""

    shift = models.ForeignKey(DutyShift, on_delete=models.PROTECT, related_name="log_entries")
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    caller = models.CharField(_("who"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    summary = models.TextField(_("summary"), max_length=2000)
    incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.shift_id} {self.kind} {self.at:%H:%M}"


class Handover(models.Model):
    """The outgoing officer's handover of a shift, confirmed by the incoming one. What was
    carried over (open incidents, the next reports due) is a snapshot taken at the start."""

    outgoing_shift = models.OneToOneField(
        DutyShift, on_delete=models.PROTECT, related_name="handover"
    )
    outgoing = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    carried = models.JSONField(default=list)
    matters = models.TextField(_("matters to hand over"), max_length=3000, blank=True)
    incoming = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"handover {self.outgoing_shift_id}"


def default_due_time() -> time:
    return time(9, 0)


class ZeroPeriod(models.Model):
    """A holiday or sensitive period during which each unit owes a report every day by
    `due_time`, "nothing to report" included. No units named: every reporting unit."""

    name = models.CharField(_("name"), max_length=50)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    due_time = models.TimeField(_("due each day by"), default=default_due_time)
    reminder_minutes = models.PositiveSmallIntegerField(_("reminder, minutes before"), default=60)
    units = models.ManyToManyField(
        Unit,
        verbose_name=_("units"),
        blank=True,
        related_name="+",
        help_text=_("None ticked: every reporting unit."),
    )
    expected = GenericRelation(
        ExpectedReport, content_type_field="subject_type", object_id_field="subject_id"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="zero_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ZeroReport(models.Model):
    """A unit's report for one day of a period: nothing to report, or what there is."""

    period = models.ForeignKey(ZeroPeriod, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    has_matters = models.BooleanField(default=False)
    text = models.TextField(_("what there is to report"), max_length=2000, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "unit__sort_order"]
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="zero_once_a_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"
