"""What the duty office's pages read: a shift's log — the lines written in it and what already
happened in its hours, read from its owners — and today's zero-report grid."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duty import rules, schedule
from duty.models import LogEntry, ZeroPeriod, ZeroReport
from emergencies.models import IncidentReport, ReportState, Sighting
from org.models import DutyShift, Unit, User


@dataclass(frozen=True)
class Line:
    at: datetime
    kind: str  # shown as is
    who: str
    unit: str
    phone: str
    summary: str
    url: str  # the incident or sighting the line is about
    link_label: str
    written_by: str
    automatic: bool


def _manual(shift: DutyShift) -> list[Line]:
    rows = LogEntry.objects.filter(shift=shift).select_related("unit", "incident", "written_by")
    return [
        Line(
            at=e.at,
            kind=e.get_kind_display(),
            who=e.caller,
            unit=e.unit.name if e.unit else "",
            phone=e.phone,
            summary=e.summary,
            url=f"/emergencies/{e.incident_id}/" if e.incident_id else "",
            link_label=e.incident.title if e.incident else "",
            written_by=str(e.written_by),
            automatic=False,
        )
        for e in rows
    ]


def _reports(shift: DutyShift) -> list[Line]:
    """Incident reports received in the shift's hours; phone ones with the caller."""
    rows = IncidentReport.objects.filter(
        state=ReportState.RECEIVED,
        received_at__gte=shift.starts_at,
        received_at__lt=shift.ends_at,
    ).select_related("incident", "unit", "author")
    return [
        Line(
            at=r.received_at or r.created_at,
            kind=_("%(kind)s received (%(channel)s)")
            % {"kind": r.get_kind_display(), "channel": r.get_channel_display()},
            who=r.caller,
            unit=r.unit.name,
            phone=r.caller_phone,
            summary=r.summary[:200],
            url=f"/emergencies/{r.incident_id}/",
            link_label=r.incident.title,
            written_by=str(r.author),
            automatic=True,
        )
        for r in rows
    ]


def _sightings(shift: DutyShift) -> list[Line]:
    rows = Sighting.objects.filter(
        recorded_at__gte=shift.starts_at, recorded_at__lt=shift.ends_at
    ).select_related("unit", "recorded_by")
    return [
        Line(
            at=s.recorded_at,
            kind=_("Sighting (%(channel)s)") % {"channel": s.get_source_kind_display()},
            who=s.source,
            unit=s.unit.name if s.unit else "",
            phone="",
            summary=s.text[:200],
            url=f"/emergencies/sightings/{s.pk}/",
            link_label=_("Sighting"),
            written_by=str(s.recorded_by),
            automatic=True,
        )
        for s in rows
    ]


def _zero(shift: DutyShift) -> list[Line]:
    rows = ZeroReport.objects.filter(
        filed_at__gte=shift.starts_at, filed_at__lt=shift.ends_at
    ).select_related("unit", "filed_by")
    return [
        Line(
            at=z.filed_at,
            kind=_("Zero report"),
            who=str(z.filed_by),
            unit=z.unit.name,
            phone="",
            summary=z.text if z.has_matters else _("Nothing to report"),
            url="",
            link_label="",
            written_by=str(z.filed_by),
            automatic=True,
        )
        for z in rows
    ]


def log_lines(shift: DutyShift) -> list[Line]:
    lines = _manual(shift) + _reports(shift) + _sightings(shift) + _zero(shift)
    return sorted(lines, key=lambda line: line.at)


def shift_of(user: User, now: datetime) -> DutyShift | None:
    """The shift a page opens on: the user's running (or just ended) one, else the one running."""
    spans = [
        rules.ShiftSpan(s.pk, s.starts_at, s.ends_at)
        for s in DutyShift.objects.filter(person=user, starts_at__lte=now)
    ]
    own = rules.outgoing_shift(spans, now)
    if own is not None:
        return DutyShift.objects.select_related("person").get(pk=own.pk)
    return (
        DutyShift.objects.filter(starts_at__lte=now, ends_at__gt=now)
        .select_related("person")
        .order_by("is_leader", "starts_at")
        .first()
    )


def recent_shifts(now: datetime, limit: int = 30) -> list[DutyShift]:
    return list(
        DutyShift.objects.filter(starts_at__lte=now)
        .select_related("person")
        .order_by("-starts_at")[:limit]
    )


@dataclass(frozen=True)
class GridRow:
    unit: Unit
    report: ZeroReport | None
    standing: rules.Standing


@dataclass(frozen=True)
class Grid:
    day: date
    period: ZeroPeriod | None
    due: datetime | None
    rows: list[GridRow]

    def _count(self, standing: rules.Standing) -> int:
        return sum(1 for r in self.rows if r.standing == standing)

    @property
    def on_time(self) -> int:
        return self._count(rules.Standing.ON_TIME)

    @property
    def late(self) -> int:
        return self._count(rules.Standing.LATE)

    @property
    def missed(self) -> int:
        return self._count(rules.Standing.MISSED)


def grid(day: date, now: datetime) -> Grid:
    period = schedule.period_on(day)
    if period is None:
        return Grid(day, None, None, [])
    due = rules.due_at(day, period.due_time)
    reports = {z.unit_id: z for z in ZeroReport.objects.filter(day=day).select_related("filed_by")}
    units = schedule.period_units(period).order_by("sort_order", "pk")
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        rows.append(
            GridRow(unit, report, rules.standing(report.filed_at if report else None, due, now))
        )
    order = {rules.Standing.MISSED: 0, rules.Standing.LATE: 1, rules.Standing.WAITING: 2}
    rows.sort(key=lambda r: order.get(r.standing, 3))
    return Grid(day, period, due, rows)


def owed_today(
    user: User, now: datetime | None = None
) -> tuple[ZeroPeriod, ZeroReport | None] | None:
    """For a unit's officer: today's period, if the unit owes a report today, and what it filed."""
    if user.unit_id is None:
        return None
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    period = schedule.period_on(today)
    if period is None or not schedule.owes(period, user.unit_id):
        return None
    filed = ZeroReport.objects.filter(unit_id=user.unit_id, day=today).first()
    return period, filed


def upcoming_periods(today: date) -> list[ZeroPeriod]:
    return list(ZeroPeriod.objects.filter(Q(ends_on__gte=today)).order_by("starts_on"))
