"""The network's people (稳定信息工作机构及队伍): who answers for each unit and since when.

An appointment names a person in one of a unit's three posts (主责信息员, A角, B角) for a period;
an open end means the appointment is current. Changing a post ends the open appointment and
starts another, so the history of who reported for the unit stays. `Unit.officer` is kept as the
denormalised current main officer (`roster.actions.appoint` writes both).

A leave (请假) takes a person off the unit's reminders for its days: the first backup not on
leave gets them instead (`rules.reminder_people`). Training sessions (培训班) list the roster's
people who attended. The turnover threshold is policy: data, edited by the section chief.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import Unit
from xinbao.core.inputs import bounded
from xinbao.core.policy import SingletonPolicy

# A main officer changed more than monthly is unstable whatever the threshold: a higher one
# would flag nothing (and a PostgreSQL smallint stops at 32767 anyway).
MAX_TURNOVER_THRESHOLD = 12


class Post(models.TextChoices):
    MAIN = "main", _("Main information officer")
    A = "a", _("Backup A")
    B = "b", _("Backup B")


class Employment(models.TextChoices):
    FULL_TIME = "full", _("Full-time")
    PART_TIME = "part", _("Part-time")


class Appointment(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="appointments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    post = models.CharField(_("post"), max_length=4, choices=Post.choices)
    # None: the appointment predates the roster (carried over from the unit's named officer).
    started_at = models.DateTimeField(_("from"), null=True, blank=True)
    ended_at = models.DateTimeField(_("to"), null=True, blank=True)
    employment = models.CharField(
        _("full- or part-time"),
        max_length=4,
        choices=Employment.choices,
        default=Employment.PART_TIME,
    )
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["unit", "post", "-started_at"]
        constraints = [
            # One person at a time in each post of a unit.
            models.UniqueConstraint(
                fields=["unit", "post"],
                condition=Q(ended_at__isnull=True),
                name="roster_one_open_per_post",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_post_display()} {self.person}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class Leave(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="leaves",
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leaves")
        ordering = ["-first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="roster_leave_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.first_day}–{self.last_day}"


class TrainingSession(models.Model):
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=100)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendees"),
        related_name="training_sessions",
        blank=True,
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class RosterPolicy(SingletonPolicy):
    """When a unit's team counts as unstable. One row, seeded by a migration, edited by the
    section chief; every change is audited."""

    turnover_threshold = models.PositiveSmallIntegerField(
        _("officer changes a year before a unit is flagged"),
        default=2,
        validators=bounded(MAX_TURNOVER_THRESHOLD),
        help_text=_(
            "A unit whose main officer changed more than this many times in a year is flagged."
        ),
    )

    class Meta:
        verbose_name = _("roster policy")
