"""The zero reports owed, as rows of the deadline engine: one per unit and day of a period,
created a day ahead by the worker (and on filing, if the worker has not yet), so the engine
reminds before the due time and records the breach after it like any expected report."""

from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from deadlines import actions as deadlines
from deadlines.models import ExpectedReport, ExpectStatus
from duty import rules
from duty.models import ZeroPeriod
from org.models import Unit

KIND = "zero"


def period_units(period: ZeroPeriod) -> QuerySet[Unit]:
    named = period.units.all()
    if named.exists():
        return named.filter(is_active=True)
    return Unit.objects.filter(is_reporting=True, is_active=True)


def period_on(day: date) -> ZeroPeriod | None:
    return ZeroPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


def owes(period: ZeroPeriod, unit_id: int) -> bool:
    return period_units(period).filter(pk=unit_id).exists()


def _rows(period: ZeroPeriod) -> QuerySet[ExpectedReport]:
    return ExpectedReport.objects.filter(
        subject_type=ContentType.objects.get_for_model(ZeroPeriod), subject_id=period.pk, kind=KIND
    )


def expect_day(period: ZeroPeriod, day: date, now: datetime) -> int:
    """The rows of `day` that are missing (cancelled ones are replaced); returns how many."""
    number = rules.day_number(day, period.starts_on)
    have = set(
        _rows(period)
        .filter(sequence=number)
        .exclude(status=ExpectStatus.CANCELLED)
        .values_list("unit_id", flat=True)
    )
    due = rules.due_at(day, period.due_time)
    start = rules.window_start(due, period.reminder_minutes)
    made = 0
    for unit in period_units(period).exclude(pk__in=have):
        deadlines.expect(
            kind=KIND,
            unit=unit,
            subject=period,
            window_start=start,
            due_at=due,
            cadence=rules.cadence(period.reminder_minutes),
            now=now,
            sequence=number,
        )
        made += 1
    return made


def ensure_due(now: datetime | None = None) -> int:
    """Called by the worker each round: today's and tomorrow's rows of every period."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    made = 0
    for day in (today, today + timedelta(days=1)):
        period = period_on(day)
        if period is not None:
            made += expect_day(period, day, now)
    return made


def withdraw_future(period: ZeroPeriod, now: datetime) -> int:
    """A period edited: its open rows not yet due are cancelled (made again as it now says)."""
    return deadlines.cancel(_rows(period).filter(due_at__gt=now))


def open_row(period: ZeroPeriod, unit_id: int, day: date) -> ExpectedReport | None:
    return (
        _rows(period)
        .filter(unit_id=unit_id, sequence=rules.day_number(day, period.starts_on))
        .exclude(status=ExpectStatus.CANCELLED)
        .first()
    )
