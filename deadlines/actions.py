"""Every write to expected reports: a new deadline, a deadline met, cancelled or moved.

The owning app calls these inside its own transaction (and writes its own audit row); a row
is met with a conditional UPDATE open → met, so the worker and a late answer can never both
win.
"""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from deadlines import rules
from deadlines.models import ExpectedReport, ExpectStatus
from org.models import Unit


def _schedule(row: ExpectedReport, cadence: rules.Cadence, now: datetime) -> None:
    """Set stage and next_check_at for a row whose window or deadline was (re)computed."""
    all_steps = rules.steps(row.window_start, row.due_at, cadence)
    row.stage = rules.scheduled_stage(all_steps, row.stage, now)
    row.next_check_at = rules.next_check(all_steps, row.stage)


def expect(
    *,
    kind: str,
    unit: Unit,
    subject: Model,
    window_start: datetime,
    due_at: datetime,
    cadence: rules.Cadence,
    now: datetime,
    sequence: int = 0,
) -> ExpectedReport:
    """A new deadline row for `subject` (an incident, a solicitation, ...), scheduled."""
    row = ExpectedReport(
        subject=subject,
        unit=unit,
        kind=kind,
        sequence=sequence,
        window_start=window_start,
        due_at=due_at,
    )
    _schedule(row, cadence, now)
    row.save()
    return row


def meet(row: ExpectedReport, at: datetime, met_by_id: int | None = None) -> bool:
    """Close an open row as met at `at`. False if someone (the worker, another answer) changed
    it first."""
    done = ExpectedReport.objects.filter(pk=row.pk, status=ExpectStatus.OPEN).update(
        status=ExpectStatus.MET, met_at=at, met_by_id=met_by_id, next_check_at=None
    )
    if done:
        row.status, row.met_at, row.met_by_id, row.next_check_at = (
            ExpectStatus.MET,
            at,
            met_by_id,
            None,
        )
    return bool(done)


def meet_open(subject: Model, unit_id: int, at: datetime) -> int:
    """Close as met every open row the unit owes on `subject`; returns how many."""
    rows = ExpectedReport.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        unit_id=unit_id,
        status=ExpectStatus.OPEN,
    )
    return sum(meet(row, at) for row in rows)


def cancel(rows: QuerySet[ExpectedReport]) -> int:
    """Nothing more is expected: close the open ones among `rows` as cancelled."""
    return rows.filter(status=ExpectStatus.OPEN).update(
        status=ExpectStatus.CANCELLED, next_check_at=None
    )


def reschedule(
    row: ExpectedReport,
    *,
    window_start: datetime,
    due_at: datetime,
    cadence: rules.Cadence | None,
    now: datetime,
) -> None:
    """Move a row's window or deadline. An open row is scheduled again under `cadence`; a met
    one (cadence None) only keeps the new times, against which its answer is judged."""
    row.window_start, row.due_at = window_start, due_at
    fields = ["window_start", "due_at"]
    if cadence is not None and row.status == ExpectStatus.OPEN:
        _schedule(row, cadence, now)
        fields += ["stage", "next_check_at"]
    row.save(update_fields=fields)
