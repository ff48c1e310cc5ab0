"""The deadlines of the editorial loop, registered with the deadline engine
(deadlines.registry) from BulletinsConfig.ready(): a source unit's feedback on a leader's
instruction, and a target unit's answer to a solicitation. They run under the editorial
policy's reminders, without escalation; a breach is the section's business in office hours."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from bulletins.models import EditorialPolicy, FollowUpTask, Solicitation
from deadlines import registry
from deadlines.models import ExpectedReport
from deadlines.rules import Cadence
from emergencies import rules as deadline_rules


class EditorialKind(models.TextChoices):
    FEEDBACK = "feedback", _("Feedback on a leader's instruction")
    SOLICITED = "solicited", _("Answer to a solicitation")


def editorial_rule(window: timedelta) -> deadline_rules.Rule:
    policy = EditorialPolicy.current()
    return deadline_rules.Rule(
        written_minutes=max(1, int(window.total_seconds() // 60)),
        reminder_fractions=tuple(deadline_rules.parse_fractions(policy.reminder_fractions)),
    )


def _cadence(row: ExpectedReport) -> Cadence:
    return editorial_rule(row.due_at - row.window_start)


def _task_title(row: ExpectedReport) -> str:
    task = row.subject
    assert isinstance(task, FollowUpTask)
    return task.instruction.item.title


def _task_url(row: ExpectedReport) -> str:
    return "/bulletins/instructions/"


def _solicitation_topic(row: ExpectedReport) -> str:
    solicitation = row.subject
    assert isinstance(solicitation, Solicitation)
    return solicitation.topic


def _solicitation_url(row: ExpectedReport) -> str:
    return f"/bulletins/solicitations/{row.subject_id}/"


def register() -> None:
    registry.register(
        registry.Kind(
            code=EditorialKind.FEEDBACK.value,
            label=EditorialKind.FEEDBACK.label,
            cadence=_cadence,
            subject_label=_task_title,
            subject_url=_task_url,
            breach_to_section=True,
        ),
        registry.Kind(
            code=EditorialKind.SOLICITED.value,
            label=EditorialKind.SOLICITED.label,
            cadence=_cadence,
            subject_label=_solicitation_topic,
            subject_url=_solicitation_url,
            breach_to_section=True,
        ),
    )
