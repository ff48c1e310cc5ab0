"""The 全广新准 report: how complete, broad, fresh and accurate the archive is over a period.

Definitions (a period is a range of local dates, both ends included):

- Complete (全): a reporting unit *reported* if an item of which it is the lead or a joint unit
  (not counting the joint units a merge added: their own duplicate counts) was first submitted
  in the period, or the office received an incident report from it. A unit
  is *silent* if its last report of either kind, up to the end of the period, is more than the
  policy's N days before the end of the period (or before now, for a period not over yet).
- Broad (广): items by kind; incidents (not counting merged duplicates: they are one event) by
  category, by when they occurred; districts and counties covered — one reported, or a unit
  below it did; topics: the tags on the period's items.
- Fresh (新): median days from an item's event date to its first submission; median minutes
  from an incident's occurrence to the first report the office received; median hours from an
  item's submission to its first adoption; each unit's newest item and its age.
- Accurate (准): shares of the period's items verified, disputed and corrected by an editor (an
  editor's revision exists); false reports — confirmed 误报 violations dated in the period — as a
  share of all reports received in the period (items and incident reports).

A fixed number of queries (about fifteen), whatever the number of units or items.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from accountability.models import Violation, ViolationKind, ViolationStatus
from emergencies.models import Category, Incident, IncidentReport
from insight import rules
from org.models import Unit, UnitLevel
from submissions.models import (
    InfoItem,
    ItemKind,
    ItemRevision,
    RevisionSource,
    Verification,
)

MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def querystring(self) -> str:
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


@dataclass
class UnitRow:
    unit: Unit
    items: int = 0  # items (lead or joint) first submitted in the period
    incident_reports: int = 0  # incident reports received in the period
    newest_item: datetime | None = None  # up to the end of the period
    last_report: datetime | None = None  # items or incident reports
    newest_item_age: int | None = None  # days, at the report's moment
    silent_days: int | None = None
    silent: bool = False

    @property
    def reported(self) -> bool:
        return bool(self.items or self.incident_reports)


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    n: int


@dataclass
class Report:
    period: Period
    as_of: datetime
    silent_after: int
    # 全
    units: list[UnitRow] = field(default_factory=list)
    # 广
    kinds: list[Tally] = field(default_factory=list)
    categories: list[Tally] = field(default_factory=list)
    districts: list[tuple[Unit, bool]] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)
    tagged_items: int = 0
    # 新
    event_to_report_days: float | None = None
    event_to_report_n: int = 0
    incident_to_report_minutes: float | None = None
    incident_to_report_n: int = 0
    report_to_adoption_hours: float | None = None
    report_to_adoption_n: int = 0
    # 准
    items: int = 0
    incident_reports: int = 0
    verified: int = 0
    disputed: int = 0
    corrected: int = 0
    false_reports: int = 0

    # --- 全
    @property
    def reporting_units(self) -> int:
        return len(self.units)

    @property
    def reported_units(self) -> int:
        return sum(1 for u in self.units if u.reported)

    @property
    def complete_share(self) -> float | None:
        return rules.share(self.reported_units, self.reporting_units)

    @property
    def silent(self) -> list[UnitRow]:
        rows = [u for u in self.units if u.silent]
        rows.sort(key=lambda u: (u.silent_days is not None, -(u.silent_days or 0)))
        return rows

    # --- 广
    @property
    def kinds_covered(self) -> int:
        return sum(1 for k in self.kinds if k.n)

    @property
    def categories_covered(self) -> int:
        return sum(1 for c in self.categories if c.n)

    @property
    def districts_covered(self) -> int:
        return sum(1 for _unit, covered in self.districts if covered)

    @property
    def district_share(self) -> float | None:
        return rules.share(self.districts_covered, len(self.districts))

    @property
    def tagged_share(self) -> float | None:
        return rules.share(self.tagged_items, self.items)

    # --- 准
    @property
    def reports_total(self) -> int:
        return self.items + self.incident_reports

    @property
    def verified_share(self) -> float | None:
        return rules.share(self.verified, self.items)

    @property
    def disputed_share(self) -> float | None:
        return rules.share(self.disputed, self.items)

    @property
    def corrected_share(self) -> float | None:
        return rules.share(self.corrected, self.items)

    @property
    def false_share(self) -> float | None:
        return rules.share(self.false_reports, self.reports_total)


def build(period: Period, silent_after: int, now: datetime | None = None) -> Report:
    now = now or timezone.now()
    since, until = period.since, period.until
    report = Report(period=period, as_of=min(now, until), silent_after=silent_after)
    _complete(report, since, until)
    items = InfoItem.objects.filter(submitted_at__gte=since, submitted_at__lt=until)
    _broad(report, items, since, until)
    _fresh(report, items, since, until)
    _accurate(report, items)
    return report


@dataclass
class UnitActivity:
    """A unit's reports of both kinds: how many in a period, and its latest up to the period's
    end."""

    items: int = 0  # items (lead or joint) first submitted in the period
    incident_reports: int = 0  # incident reports received in the period
    newest_item: datetime | None = None
    last_report: datetime | None = None  # items or incident reports


def unit_activity(since: datetime, until: datetime) -> dict[int, UnitActivity]:
    """Every unit that ever reported before `until`, by id: the report's 全 and the network page
    (`insight.network`) both read units' activity from here. Three queries."""
    in_period = Q(submitted_at__gte=since)
    lead = (
        InfoItem.objects.filter(submitted_at__isnull=False, submitted_at__lt=until)
        .order_by()
        .values("unit_id")
        .annotate(newest=Max("submitted_at"), n=Count("pk", filter=in_period))
    )
    through = InfoItem.joint_units.through
    # A unit that is a joint unit only because its own duplicate was merged in already counts
    # through that duplicate.
    merged_in = InfoItem.objects.filter(duplicate_of=OuterRef("infoitem_id")).filter(
        Q(unit_id=OuterRef("unit_id")) | Q(joint_units=OuterRef("unit_id"))
    )
    joint = (
        through.objects.filter(
            infoitem__submitted_at__isnull=False, infoitem__submitted_at__lt=until
        )
        .exclude(Exists(merged_in))
        .order_by()
        .values("unit_id")
        .annotate(
            newest=Max("infoitem__submitted_at"),
            n=Count("infoitem_id", filter=Q(infoitem__submitted_at__gte=since)),
        )
    )
    received = (
        IncidentReport.objects.filter(received_at__isnull=False, received_at__lt=until)
        .order_by()
        .values("unit_id")
        .annotate(newest=Max("received_at"), n=Count("pk", filter=Q(received_at__gte=since)))
    )
    activity: dict[int, UnitActivity] = {}
    for source in (lead, joint):
        for r in source:
            row = activity.setdefault(r["unit_id"], UnitActivity())
            row.items += r["n"]
            row.newest_item = max(row.newest_item or r["newest"], r["newest"])
    for r in received:
        row = activity.setdefault(r["unit_id"], UnitActivity())
        row.incident_reports = r["n"]
        row.last_report = r["newest"]
    for row in activity.values():
        candidates = [t for t in (row.newest_item, row.last_report) if t is not None]
        row.last_report = max(candidates) if candidates else None
    return activity


def _complete(report: Report, since: datetime, until: datetime) -> None:
    units = list(
        Unit.objects.filter(is_reporting=True, is_active=True).order_by("sort_order", "code")
    )
    activity = unit_activity(since, until)
    rows = {u.pk: UnitRow(u) for u in units}
    for unit_id, row in rows.items():
        seen = activity.get(unit_id, UnitActivity())
        row.items, row.incident_reports = seen.items, seen.incident_reports
        row.newest_item, row.last_report = seen.newest_item, seen.last_report
        if row.newest_item is not None:
            row.newest_item_age = rules.days_between(row.newest_item, report.as_of)
        if row.last_report is not None:
            row.silent_days = rules.days_between(row.last_report, report.as_of)
        row.silent = rules.is_silent(row.last_report, report.as_of, report.silent_after)
    report.units = list(rows.values())
    report.incident_reports = sum(a.incident_reports for a in activity.values())


def _broad(report: Report, items: QuerySet[InfoItem], since: datetime, until: datetime) -> None:
    by_kind = dict(items.order_by().values_list("kind").annotate(n=Count("pk")))
    report.kinds = [Tally(k, str(label), by_kind.get(k, 0)) for k, label in ItemKind.choices]
    by_category = dict(
        Incident.objects.filter(
            occurred_at__gte=since, occurred_at__lt=until, duplicate_of__isnull=True
        )
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
    )
    report.categories = [
        Tally(c, str(label), by_category.get(c, 0)) for c, label in Category.choices
    ]
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    covered = rules.covered_units(parents, {r.unit.pk for r in report.units if r.reported})
    report.districts = [
        (r.unit, r.unit.pk in covered) for r in report.units if r.unit.level == UnitLevel.COUNTY
    ]
    tag_rows = (
        InfoItem.tags.through.objects.filter(infoitem__in=items)
        .order_by()
        .values_list("tag__name")
        .annotate(n=Count("infoitem_id", distinct=True))
    )
    report.tags = sorted(((name, n) for name, n in tag_rows), key=lambda t: (-t[1], t[0]))


def _fresh(report: Report, items: QuerySet[InfoItem], since: datetime, until: datetime) -> None:
    event_delays = [
        max((timezone.localtime(submitted).date() - occurred).days, 0)
        for submitted, occurred in items.filter(occurred_on__isnull=False).values_list(
            "submitted_at", "occurred_on"
        )
        if submitted is not None and occurred is not None
    ]
    report.event_to_report_days = rules.median(event_delays)
    report.event_to_report_n = len(event_delays)
    adopted = (
        items.annotate(first=Min("adoptions__recorded_at"))
        .filter(first__isnull=False)
        .values_list("submitted_at", "first")
    )
    adoption_hours = [
        max((first - submitted).total_seconds() / 3600, 0.0)
        for submitted, first in adopted
        if submitted is not None
    ]
    report.report_to_adoption_hours = _round(rules.median(adoption_hours))
    report.report_to_adoption_n = len(adoption_hours)
    incidents = (
        Incident.objects.filter(
            occurred_at__gte=since, occurred_at__lt=until, duplicate_of__isnull=True
        )
        .annotate(first=Min("reports__received_at"))
        .filter(first__isnull=False)
        .values_list("occurred_at", "first")
    )
    minutes = [max((first - occurred).total_seconds() / 60, 0.0) for occurred, first in incidents]
    report.incident_to_report_minutes = _round(rules.median(minutes))
    report.incident_to_report_n = len(minutes)


def _accurate(report: Report, items: QuerySet[InfoItem]) -> None:
    edited = ItemRevision.objects.filter(item=OuterRef("pk"), source=RevisionSource.EDITOR)
    tagged = InfoItem.tags.through.objects.filter(infoitem_id=OuterRef("pk"))
    figures = items.aggregate(
        n=Count("pk"),
        verified=Count("pk", filter=Q(verification=Verification.VERIFIED)),
        disputed=Count("pk", filter=Q(verification=Verification.DISPUTED)),
        corrected=Count("pk", filter=Exists(edited)),
        tagged=Count("pk", filter=Exists(tagged)),
    )
    report.items = figures["n"]
    report.verified = figures["verified"]
    report.disputed = figures["disputed"]
    report.corrected = figures["corrected"]
    report.tagged_items = figures["tagged"]
    report.false_reports = Violation.objects.filter(
        kind=ViolationKind.FALSE,
        status=ViolationStatus.CONFIRMED,
        occurred_on__gte=report.period.start,
        occurred_on__lte=report.period.end,
    ).count()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def unit_ages(report: Report) -> list[UnitRow]:
    """Reporting units by the age of their newest item, oldest first (never-reported last)."""
    rows = list(report.units)
    rows.sort(key=lambda r: (r.newest_item_age is None, -(r.newest_item_age or 0)))
    return rows
