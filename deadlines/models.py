"""The deadline engine's rows: reports some app expects by a deadline, and the steps the worker
took on them. A row points to its subject (an incident, a sighting, a solicitation, ...)
generically; the owning app registers the row's kind (deadlines.registry) and reaches its rows
back through a GenericRelation named `expected`."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines import registry
from org.models import Unit


class ExpectStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    CANCELLED = "cancelled", _("Cancelled")


class ExpectedReport(models.Model):
    """A report the office expects by `due_at`. The worker looks at a row again at
    `next_check_at` (reminders, the breach, escalations); status is computed from stored times,
    and only open/met/cancelled is stored (the healthchecks model)."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="expected_reports")
    kind = models.CharField(max_length=10)  # a code in deadlines.registry
    sequence = models.PositiveSmallIntegerField(default=0)
    window_start = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ExpectStatus.choices, default=ExpectStatus.OPEN
    )
    stage = models.PositiveSmallIntegerField(default=0)  # steps already taken, see rules.steps
    next_check_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    # The owner's record that met the row, if one did (an incident report for emergencies).
    met_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "emergencies_expectedreport"  # the engine began in emergencies
        ordering = ["due_at"]
        indexes = [
            # Only open rows are ever due: the worker's cost follows them, not history.
            models.Index(fields=["next_check_at"], name="expected_due", condition=Q(status="open")),
            models.Index(fields=["subject_type", "subject_id", "kind"], name="expected_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.unit_id} by {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"

    @property
    def kind_label(self) -> str:
        return registry.label(self.kind)

    @property
    def what(self) -> str:
        """The report owed as the owner names it (续报二), the kind's label if it says no more."""
        try:
            return registry.kind(self.kind).what(self)
        except LookupError:
            return self.kind


class FlipKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    BREACH = "breach", _("Deadline passed")
    ESCALATION = "escalation", _("Escalation")


class DeadlineFlip(models.Model):
    """A step the worker took on an expected report; notifications are sent from these rows."""

    expected = models.ForeignKey(ExpectedReport, on_delete=models.CASCADE, related_name="flips")
    kind = models.CharField(max_length=12, choices=FlipKind.choices)
    stage = models.PositiveSmallIntegerField()
    due_moment = models.DateTimeField()  # when the step fell due
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "emergencies_deadlineflip"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["expected", "stage"], name="flip_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.expected_id} {self.kind} {self.stage}"
