"""Read side of the editorial loop's deadlines: who works on which side of an instruction or a
solicitation, and how an answer stands against its deadline (by `rules.answer_status`)."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bulletins.models import FollowUpTask, Instruction, Solicitation, TaskStatus
from bulletins.rules import AnswerStatus, answer_status
from deadlines.models import ExpectedReport, ExpectStatus
from org.models import Unit, User
from org.roles import Capability
from submissions.models import InfoItem


class Seat(StrEnum):
    """Which side of the editorial loop a user sits on."""

    SECTION = "section"  # issues solicitations, records instructions, watches every deadline
    UNIT = "unit"  # owes feedback and answers
    LEADER = "leader"  # writes instructions, reads the feedback on them


def instruction_seat(user: User) -> Seat | None:
    if not user.is_active:
        return None
    if user.can(Capability.REVIEW):
        return Seat.SECTION
    if user.can(Capability.WRITE_INSTRUCTIONS):
        return Seat.LEADER
    if user.unit_id is not None and user.can(Capability.ANSWER_FOR_UNIT):
        return Seat.UNIT
    return None


def solicitation_seat(user: User) -> Seat | None:
    seat = instruction_seat(user)
    return None if seat == Seat.LEADER else seat


ANSWER_LABELS = {
    AnswerStatus.ON_TIME: _("Answered on time"),
    AnswerStatus.LATE: _("Answered late"),
    AnswerStatus.PENDING: _("Not yet"),
    AnswerStatus.MISSED: _("Missed"),
    AnswerStatus.CANCELLED: _("Cancelled"),
}


# The same statuses as a unit's feedback on an instruction reads them.
FEEDBACK_LABELS = {
    AnswerStatus.ON_TIME: _("Feedback on time"),
    AnswerStatus.LATE: _("Feedback late"),
    AnswerStatus.PENDING: _("Feedback due"),
    AnswerStatus.MISSED: _("Feedback missing"),
    AnswerStatus.CANCELLED: _("Cancelled"),
}


def task_status(task: FollowUpTask, now: datetime) -> AnswerStatus:
    answered = task.filed_at if task.status == TaskStatus.ANSWERED else None
    return answer_status(answered, task.due_at, now)


def feedback_line(task: FollowUpTask, now: datetime) -> tuple[FollowUpTask, AnswerStatus, Any]:
    """A task with its status and the status's label, for the screens."""
    status = task_status(task, now)
    return task, status, FEEDBACK_LABELS[status]


def row_status(row: ExpectedReport, now: datetime) -> AnswerStatus:
    answered = row.met_at if row.status == ExpectStatus.MET else None
    return answer_status(answered, row.due_at, now, cancelled=row.status == ExpectStatus.CANCELLED)


# --- instructions ----------------------------------------------------------------------------


def tasks() -> QuerySet[FollowUpTask]:
    return FollowUpTask.objects.select_related(
        "unit", "filed_by", "instruction", "instruction__item"
    )


TASK_FILTERS = ("open", "overdue", "answered", "late")


def filter_tasks(
    qs: QuerySet[FollowUpTask],
    now: datetime,
    *,
    state: str = "",
    unit_id: int | None = None,
    level: str = "",
    q: str = "",
) -> QuerySet[FollowUpTask]:
    if state == "open":
        qs = qs.filter(status=TaskStatus.OPEN)
    elif state == "overdue":
        qs = qs.filter(status=TaskStatus.OPEN, due_at__lt=now)
    elif state == "answered":
        qs = qs.filter(status=TaskStatus.ANSWERED)
    elif state == "late":
        qs = qs.filter(status=TaskStatus.ANSWERED, filed_at__gt=F("due_at"))
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if level:
        qs = qs.filter(instruction__level=level)
    if q:
        qs = qs.filter(Q(instruction__text__contains=q) | Q(instruction__item__title__contains=q))
    return qs


def instructions_of_leader(user: User) -> QuerySet[Instruction]:
    return (
        Instruction.objects.filter(leader=user)
        .select_related("item")
        .prefetch_related(Prefetch("tasks", tasks().order_by("unit__sort_order", "unit__code")))
    )


def instructions_on(item: InfoItem) -> list[Instruction]:
    return list(
        Instruction.objects.filter(item=item)
        .select_related("entry__issue__publication")
        .prefetch_related(Prefetch("tasks", tasks().order_by("unit__sort_order", "unit__code")))
    )


# --- solicitations ---------------------------------------------------------------------------


def solicitations_with_counts() -> QuerySet[Solicitation]:
    """Every solicitation with how many target units answered on time, late, or not yet."""
    met = Q(expected__status=ExpectStatus.MET)
    return Solicitation.objects.annotate(
        n_units=Count("expected", distinct=True),
        n_on_time=Count("expected", filter=met & Q(expected__met_at__lte=F("due_at"))),
        n_late=Count("expected", filter=met & Q(expected__met_at__gt=F("due_at"))),
        n_open=Count("expected", filter=Q(expected__status=ExpectStatus.OPEN)),
    ).select_related("issued_by")


def open_solicitations(unit_id: int) -> list[tuple[int, str]]:
    """The solicitations addressed to the unit and still open, soonest due first: what its
    item form offers under “in answer to a solicitation” (registered in `BulletinsConfig`)."""
    rows = Solicitation.objects.filter(units=unit_id, due_at__gte=timezone.now())
    return [(s.pk, str(s)) for s in rows.order_by("due_at")]


def solicitations_for_unit(unit_id: int) -> QuerySet[Solicitation]:
    return Solicitation.objects.filter(expected__unit_id=unit_id).prefetch_related(
        Prefetch("expected", ExpectedReport.objects.filter(unit_id=unit_id), to_attr="own_rows")
    )


@dataclass
class UnitAnswer:
    """One target unit's line on a solicitation's page."""

    unit: Unit
    status: AnswerStatus
    answered_at: datetime | None
    items: list[InfoItem] = field(default_factory=list)

    @property
    def label(self) -> Any:
        return ANSWER_LABELS[self.status]


def answers(
    solicitation: Solicitation,
    items: QuerySet[InfoItem],
    now: datetime,
    unit_id: int | None = None,
) -> list[UnitAnswer]:
    """Per target unit, from its deadline row; `items` (already narrowed to what the viewer
    may see) are the linked items to show against each unit."""
    rows = solicitation.expected.select_related("unit").order_by("unit__sort_order", "unit__code")
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    by_unit: dict[int, list[InfoItem]] = {}
    for item in items.filter(solicitation_id=solicitation.pk).order_by("submitted_at", "pk"):
        by_unit.setdefault(item.unit_id, []).append(item)
    return [
        UnitAnswer(
            unit=row.unit,
            status=row_status(row, now),
            answered_at=row.met_at,
            items=by_unit.get(row.unit_id, []),
        )
        for row in rows
    ]
