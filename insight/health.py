"""The network's health (稳定信息工作机构及队伍): one row per reporting unit — its named officer
and backup, last submission, adoptions this year, the share of its emergency reports in on time,
which of its officers (main and backups) were ever trained, how often the main officer changed
in the last twelve months — and the whole
network's coverage month by month. The network page (`org:units`) shows the holes; this page is
the chief's view of how alive each unit's team is.

Also what an officer produced in an appointment, for the roster's history (`roster.queries`
asks through `register_output`): counted by author and period, never by who holds the post now.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from bulletins.models import Adoption
from deadlines.models import ExpectedReport, ExpectStatus
from emergencies.models import ExpectKind, IncidentReport
from insight.export import PERCENT, XLSX_TYPE, _naive, _put, _sheet
from org.models import Unit, User, hub_unit
from org.network import reporting_units_status
from roster import rules as roster_rules
from roster.models import Appointment, Post, RosterPolicy, TrainingSession
from submissions.models import InfoItem
from xinbao.core.downloads import set_workbook_properties

# The deadlines a unit owes for an incident (the office's own are not the unit's record).
UNIT_OWED = (ExpectKind.PHONE, ExpectKind.WRITTEN, ExpectKind.FOLLOWUP, ExpectKind.SIGHTING)


@dataclass(frozen=True)
class Row:
    unit: Unit
    officer: User | None
    backup: User | None
    last_submission: datetime | None
    silent: bool
    adoptions: int
    reports_due: int
    reports_on_time: int
    team: list[User]  # the current officers, main first, then A角 and B角
    untrained: list[User]  # of them, those who never attended a training session
    changes: int  # main-officer changes in the twelve months up to now
    unstable: bool

    @property
    def on_time(self) -> float | None:
        return roster_rules.share(self.reports_on_time, self.reports_due)

    @property
    def trained(self) -> int:
        """How many of the unit's current officers were trained at least once."""
        return len(self.team) - len(self.untrained)

    @property
    def trained_share(self) -> float | None:
        return roster_rules.share(self.trained, len(self.team))


@dataclass(frozen=True)
class Month:
    start: date
    units: int
    with_officer: int
    submitted: int


@dataclass(frozen=True)
class Health:
    year: int
    rows: list[Row]
    threshold: int
    months: list[Month]


def _year_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return datetime.combine(date(local.year, 1, 1), time.min, tzinfo=local.tzinfo)


def build(now: datetime | None = None) -> Health:
    now = now or timezone.now()
    since = _year_start(now)
    year = since.year
    network = reporting_units_status(now)
    ids = [s.unit.pk for s in network.units]
    threshold = RosterPolicy.current().turnover_threshold
    backups: dict[int, list[User]] = {}
    for a in (
        Appointment.objects.filter(
            unit_id__in=ids, ended_at__isnull=True, post__in=[Post.A, Post.B]
        )
        .select_related("person")
        .order_by("post")  # A角 before B角
    ):
        if a.person.is_active:
            backups.setdefault(a.unit_id, []).append(a.person)
    adoptions = dict(
        Adoption.objects.filter(item__unit_id__in=ids, recorded_at__gte=since, recorded_at__lt=now)
        .order_by()
        .values("item__unit_id")
        .annotate(n=Count("pk"))
        .values_list("item__unit_id", "n")
    )
    due = {
        r["unit_id"]: (r["due"], r["on_time"])
        for r in ExpectedReport.objects.filter(
            unit_id__in=ids, kind__in=UNIT_OWED, due_at__gte=since, due_at__lt=now
        )
        .exclude(status=ExpectStatus.CANCELLED)
        .order_by()
        .values("unit_id")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(met_at__isnull=False, met_at__lte=F("due_at"))),
        )
    }
    today = timezone.localdate(now)
    trained = set(
        TrainingSession.objects.filter(held_on__lte=today).values_list("attendees", flat=True)
    )
    window = roster_rules.turnover_window_start(now)
    ends: dict[int, list[datetime | None]] = {}
    for unit_id, end in Appointment.objects.filter(
        unit_id__in=ids, post=Post.MAIN, ended_at__gte=window
    ).values_list("unit_id", "ended_at"):
        ends.setdefault(unit_id, []).append(end)
    rows = []
    for s in network.units:
        u = s.unit
        officer = u.officer if s.has_officer else None
        changes = roster_rules.changes_between(ends.get(u.pk, []), window, now)
        reports_due, on_time = due.get(u.pk, (0, 0))
        team = [p for p in [officer, *backups.get(u.pk, [])] if p is not None]
        team = list({p.pk: p for p in team}.values())  # one person in two posts counts once
        rows.append(
            Row(
                unit=u,
                officer=officer,
                backup=next(iter(backups.get(u.pk, [])), None),
                last_submission=s.last_activity,
                silent=s.silent,
                adoptions=adoptions.get(u.pk, 0),
                reports_due=reports_due,
                reports_on_time=on_time,
                team=team,
                untrained=[p for p in team if p.pk not in trained],
                changes=changes,
                unstable=roster_rules.unstable(changes, threshold),
            )
        )
    return Health(year, rows, threshold, _months(network.units, since, now))


def _month_ends(since: datetime, now: datetime) -> list[tuple[date, datetime]]:
    """Each month of the year up to now: its first day and its last moment (now, this month)."""
    out = []
    local_now = timezone.localtime(now)
    for month in range(1, local_now.month + 1):
        start = date(since.year, month, 1)
        following = date(since.year + (month == 12), month % 12 + 1, 1)
        end = datetime.combine(following, time.min, tzinfo=since.tzinfo) - timedelta(microseconds=1)
        out.append((start, min(end, now)))
    return out


def _months(statuses: Iterable[Any], since: datetime, now: datetime) -> list[Month]:
    units = [s.unit for s in statuses]
    ids = [u.pk for u in units]
    periods: dict[int, list[tuple[datetime | None, datetime | None]]] = {}
    for unit_id, start, end in Appointment.objects.filter(
        unit_id__in=ids, post=Post.MAIN
    ).values_list("unit_id", "started_at", "ended_at"):
        periods.setdefault(unit_id, []).append((start, end))
    for u in units:
        if u.pk not in periods and u.officer_id is not None:
            periods[u.pk] = [(None, None)]  # named before the roster was kept
    submitted: dict[date, set[int]] = {}
    for unit_id, month in (
        InfoItem.objects.filter(unit_id__in=ids, submitted_at__gte=since, submitted_at__lte=now)
        .annotate(month=TruncMonth("submitted_at", tzinfo=since.tzinfo))
        .order_by()
        .values_list("unit_id", "month")
        .distinct()
    ):
        submitted.setdefault(timezone.localtime(month).date(), set()).add(unit_id)
    return [
        Month(
            start=start,
            units=len(ids),
            with_officer=sum(
                1 for i in ids if roster_rules.month_coverage(periods.get(i, []), end)
            ),
            submitted=len(submitted.get(start, set())),
        )
        for start, end in _month_ends(since, now)
    ]


# --- sorting ---------------------------------------------------------------------------------

_KEYS: dict[str, Callable[[Row], Any]] = {
    "unit": lambda r: (r.unit.sort_order, r.unit.code),
    "officer": lambda r: r.officer.full_name if r.officer else None,
    "backup": lambda r: r.backup.full_name if r.backup else None,
    "last": lambda r: r.last_submission,
    "adoptions": lambda r: r.adoptions,
    "on_time": lambda r: r.on_time,
    "trained": lambda r: r.trained_share,
    "changes": lambda r: r.changes,
}
SORTS = tuple(_KEYS)


def sort(rows: list[Row], spec: str) -> tuple[list[Row], str]:
    """Rows ordered by `spec` (a column, '-' first for descending; unknown: by unit). Rows
    without a value go last either way. Returns the rows and the spec applied."""
    name = spec.removeprefix("-")
    if name not in _KEYS:
        return list(rows), "unit"
    key = _KEYS[name]
    known = [r for r in rows if key(r) is not None]
    unknown = [r for r in rows if key(r) is None]
    ordered = sorted(known, key=key, reverse=spec.startswith("-"))
    return ordered + unknown, spec


# --- attribution -----------------------------------------------------------------------------


def output(unit_id: int) -> list[roster_rules.Written]:
    """What the unit's people wrote for it: its submitted items (adopted or not) and its
    emergency reports, by author and when written. Two queries, however many roster lines."""
    items = (
        InfoItem.objects.filter(unit_id=unit_id, submitted_at__isnull=False)
        .annotate(adopted=Exists(Adoption.objects.filter(item_id=OuterRef("pk"))))
        .order_by()
        .values_list("author_id", "created_at", "adopted")
    )
    reports = (
        IncidentReport.objects.filter(unit_id=unit_id)
        .order_by()
        .values_list("author_id", "created_at")
    )
    return [
        roster_rules.Written(author, moment, adopted=adopted) for author, moment, adopted in items
    ] + [roster_rules.Written(author, moment, report=True) for author, moment in reports]


# --- the workbook ----------------------------------------------------------------------------


__all__ = ["XLSX_TYPE", "Health", "Row", "build", "output", "sort", "workbook"]


def workbook(health: Health, rows: list[Row] | None = None) -> bytes:
    """The rows as one sheet a spreadsheet can sort and filter, then the monthly coverage."""
    book = Workbook()
    sheet = _sheet(
        book,
        _("Network health"),
        [
            _("Unit"),
            _("Named officer"),
            _("Backup"),
            _("Last submission"),
            _("Adoptions this year"),
            _("Emergency reports due"),
            _("On time"),
            _("Officers trained"),
            _("Never trained"),
            _("Officer changes in the last 12 months"),
            _("Above the threshold"),
        ],
        first=True,
    )
    yes, no = _("yes"), _("no")
    for r in health.rows if rows is None else rows:
        _put(
            sheet,
            [
                r.unit.name,
                r.officer.full_name if r.officer else "",
                r.backup.full_name if r.backup else "",
                _naive(r.last_submission),
                r.adoptions,
                r.reports_due,
                r.on_time,
                f"{r.trained}/{len(r.team)}",
                "、".join(p.full_name or p.username for p in r.untrained),
                r.changes,
                yes if r.unstable else no,
            ],
        )
        sheet.cell(row=sheet.max_row, column=7).number_format = PERCENT
        sheet.cell(row=sheet.max_row, column=4).number_format = "yyyy-mm-dd hh:mm"
    months = _sheet(
        book,
        _("Coverage by month"),
        [_("Month"), _("Reporting units"), _("With a named officer"), _("Submitted")],
    )
    for m in health.months:
        _put(months, [m.start.strftime("%Y-%m"), m.units, m.with_officer, m.submitted])
    hub = hub_unit()
    set_workbook_properties(
        book, _("Network health %(year)s") % {"year": health.year}, hub.name if hub else ""
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
