"""Every write of the zero reports: the periods (the section chief's policy) and a unit's
report for the day, each in one transaction with its audit row; and the late or missed
candidates the deadline engine's breach and a late filing leave for accountability."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record
from deadlines import actions as deadlines
from deadlines.models import ExpectedReport
from deadlines.rules import minutes_late
from duty import access, schedule
from duty.models import ZeroPeriod, ZeroReport
from emergencies.models import CandidateKind, ViolationCandidate
from org.models import Unit, User
from xinbao.core.errors import ActionError


@dataclass(frozen=True)
class PeriodData:
    name: str
    starts_on: date
    ends_on: date
    due_time: time
    reminder_minutes: int
    units: Sequence[Unit] = ()


# Key of the PostgreSQL advisory lock that serialises saves of zero-report periods ("zero").
_PERIODS_LOCK = 0x7A65726F


def _serialise_periods() -> None:
    """Inside the transaction: wait until no other save of a period is running. There is no
    parent row to lock (a new period overlaps rows that do not exist yet), so on PostgreSQL a
    transaction-scoped advisory lock; SQLite's BEGIN IMMEDIATE already serialises writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PERIODS_LOCK])


def save_period(
    user: User, data: PeriodData, period: ZeroPeriod | None = None, now: datetime | None = None
) -> ZeroPeriod:
    """Add or change a period. Periods may not overlap: a unit owes one report a day."""
    if not access.heads_duty_office(user):
        raise PermissionDenied
    now = now or timezone.now()
    if data.ends_on < data.starts_on:
        raise ActionError(_("The period ends before it begins."))
    with transaction.atomic():
        # The overlap check and the write in one transaction, serialised with every other
        # period's save: two chiefs adding overlapping periods at once cannot both pass.
        _serialise_periods()
        others = ZeroPeriod.objects.all()
        if period is not None:
            others = others.exclude(pk=period.pk)
        other = others.filter(starts_on__lte=data.ends_on, ends_on__gte=data.starts_on).first()
        if other is not None:
            raise ActionError(
                _("The period overlaps “%(name)s” (%(start)s – %(end)s).")
                % {"name": other.name, "start": other.starts_on, "end": other.ends_on}
            )
        created = period is None
        if period is None:
            period = ZeroPeriod()
        else:
            period = ZeroPeriod.objects.select_for_update().get(pk=period.pk)
        period.name, period.starts_on, period.ends_on = data.name, data.starts_on, data.ends_on
        period.due_time, period.reminder_minutes = data.due_time, data.reminder_minutes
        period.save()
        period.units.set(data.units)
        withdrawn = 0 if created else schedule.withdraw_future(period, now)
        made = schedule.ensure_due(now)
        record(
            user,
            "zero_period_added" if created else "zero_period_changed",
            f"zero_period:{period.pk}",
            {
                "name": period.name,
                "from": period.starts_on.isoformat(),
                "to": period.ends_on.isoformat(),
                "due": period.due_time.strftime("%H:%M"),
                "reminder_minutes": period.reminder_minutes,
                "units": sorted(u.pk for u in data.units),
                "withdrawn": withdrawn,
                "expected": made,
            },
        )
    return period


def file_report(
    user: User, has_matters: bool, text: str, now: datetime | None = None
) -> ZeroReport:
    """The unit's report for today: nothing to report, or what there is."""
    if not access.files_zero_reports(user) or user.unit is None:
        raise PermissionDenied
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    period = schedule.period_on(today)
    if period is None or not schedule.owes(period, user.unit.pk):
        raise ActionError(_("No zero report is owed today."))
    if has_matters and not text.strip():
        raise ActionError(_("Say what there is to report, or choose “nothing to report”."))
    with transaction.atomic():
        Unit.objects.select_for_update().get(pk=user.unit.pk)
        if ZeroReport.objects.filter(unit=user.unit, day=today).exists():
            raise ActionError(_("Today's zero report of your unit has already been filed."))
        report = ZeroReport.objects.create(
            period=period,
            unit=user.unit,
            day=today,
            has_matters=has_matters,
            text=text.strip() if has_matters else "",
            filed_by=user,
            filed_at=now,
        )
        row = schedule.open_row(period, user.unit.pk, today)
        if row is None:
            schedule.expect_day(period, today, now)
            row = schedule.open_row(period, user.unit.pk, today)
        # met_by_id names an incident report (accountability reads it as one): a zero report
        # is found by its unit and day instead.
        if row is not None and deadlines.meet(row, now):
            _late_candidate(row, report)
        record(
            user,
            "zero_report_filed",
            f"zero_report:{report.pk}",
            {"unit": user.unit.pk, "day": today.isoformat(), "has_matters": has_matters},
        )
    return report


def _evidence(row: ExpectedReport, filed_at: datetime | None) -> str:
    due = timezone.localtime(row.due_at).strftime("%Y-%m-%d %H:%M")
    if filed_at is None:
        return _("The zero report of %(unit)s was due at %(due)s and was not filed.") % {
            "unit": row.unit.name,
            "due": due,
        }
    return _("The zero report of %(unit)s was due at %(due)s and was filed at %(filed)s.") % {
        "unit": row.unit.name,
        "due": due,
        "filed": timezone.localtime(filed_at).strftime("%Y-%m-%d %H:%M"),
    }


def missed_candidate(row: ExpectedReport) -> None:
    """The engine's breach (inside its transaction): a missed-report candidate."""
    ViolationCandidate.objects.get_or_create(
        expected=row,
        defaults={
            "kind": CandidateKind.MISSED,
            "unit_id": row.unit_id,
            "evidence": _evidence(row, None),
        },
    )


def _late_candidate(row: ExpectedReport, report: ZeroReport) -> None:
    late = minutes_late(row.due_at, report.filed_at)
    if late <= 0:
        return
    ViolationCandidate.objects.update_or_create(
        expected=row,
        defaults={
            "kind": CandidateKind.LATE,
            "unit_id": row.unit_id,
            "minutes_late": late,
            "evidence": _evidence(row, report.filed_at),
        },
    )
