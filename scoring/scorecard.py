"""Reading one unit's scorecard: points by source over the year, adoption rate, emergency
timeliness, quota status per month, violations and the eligibility verdict. Each function
issues a fixed number of queries."""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from accountability.models import CriticismNotice, NoticeStatus, Violation
from accountability.queries import Verdict, eligibility
from bulletins.models import Adoption, FollowUpTask, Instruction
from deadlines.models import ExpectedReport, ExpectStatus
from emergencies.models import ExpectKind, IncidentReport
from org.models import Unit
from scoring import rules
from scoring.facts import month_counts, quota_facts
from scoring.models import ScoreEntry, SourceKind
from scoring.queries import Period
from submissions.models import InfoItem

# The expected reports that measure a unit's emergency reporting: not the office's own duty
# to forward upward, nor the editorial deadlines (feedback, solicitations).
EMERGENCY_KINDS = (ExpectKind.PHONE, ExpectKind.WRITTEN, ExpectKind.FOLLOWUP, ExpectKind.SIGHTING)


def _range(period: Period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime(period.year, period.months[0], 1, tzinfo=tz)
    year, month = rules.next_month(period.year, period.months[-1])
    return start, datetime(year, month, 1, tzinfo=tz)


def entries(unit: Unit, period: Period) -> list[ScoreEntry]:
    rows = ScoreEntry.objects.filter(unit=unit, year=period.year)
    if not period.is_year:
        rows = rows.filter(month__in=period.months)
    return list(
        rows.select_related("rule").order_by(
            "occurred_on", "source_kind", "source_id", "rule__code"
        )
    )


def chart(unit: Unit, year: int) -> dict[str, Any]:
    """Points per month and source over the year, for a stacked bar chart: one query."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0] * 12)
    rows = (
        ScoreEntry.objects.filter(unit=unit, year=year)
        .order_by()
        .values_list("month", "source_kind")
        .annotate(total=Sum("points"))
    )
    for month, kind, total in rows:
        sums[kind][month - 1] = float(total)
    labels = dict(SourceKind.choices)
    kinds = [kind for kind in SourceKind.values if kind in sums]
    cumulative, running = [], 0.0
    for month in range(12):
        running += sum(sums[kind][month] for kind in kinds)
        cumulative.append(round(running, 2))
    series = [{"name": str(labels[kind]), "data": sums[kind]} for kind in kinds]
    return {"months": list(range(1, 13)), "series": series, "cumulative": cumulative}


@dataclass(frozen=True)
class AdoptionRate:
    left: int  # items that left the unit in the period (joint items included)
    adopted: int  # of those, the ones some publication adopted

    @property
    def rate(self) -> float | None:
        return self.adopted / self.left if self.left else None


def adoption_rate(unit: Unit, period: Period) -> AdoptionRate:
    start, end = _range(period)
    joint = InfoItem.joint_units.through.objects.filter(unit=unit).values("infoitem_id")
    items = InfoItem.objects.filter(
        Q(unit=unit) | Q(pk__in=joint), submitted_at__gte=start, submitted_at__lt=end
    ).annotate(used=Exists(Adoption.objects.filter(item=OuterRef("pk"))))
    figures = items.order_by().aggregate(left=Count("pk"), adopted=Count("pk", filter=Q(used=True)))
    return AdoptionRate(figures["left"] or 0, figures["adopted"] or 0)


@dataclass(frozen=True)
class Timeliness:
    incidents: int  # incidents with a report from the unit in the period
    median_minutes: float | None  # clock start → the unit's first report received
    expected: int  # expected reports due by now (or met) in the period
    on_time: int

    @property
    def share(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


def timeliness(unit: Unit, period: Period, now: datetime | None = None) -> Timeliness:
    """Two queries: the unit's first report per incident, and its expected reports."""
    now = now or timezone.now()
    start, end = _range(period)
    firsts = (
        IncidentReport.objects.filter(
            unit=unit,
            received_at__isnull=False,
            incident__clock_start__gte=start,
            incident__clock_start__lt=end,
        )
        .order_by()
        .values("incident_id", "incident__clock_start")
        .annotate(first=Min("received_at"))
        .values_list("incident__clock_start", "first")
    )
    minutes = [max((first - clock).total_seconds(), 0) / 60 for clock, first in firsts]
    rows = (
        ExpectedReport.objects.filter(
            unit=unit, kind__in=EMERGENCY_KINDS, due_at__gte=start, due_at__lt=end
        )
        .exclude(status=ExpectStatus.CANCELLED)
        .values_list("status", "due_at", "met_at")
    )
    counted = [
        (status, due, met) for status, due, met in rows if status == ExpectStatus.MET or due < now
    ]
    on_time = sum(
        1 for status, due, met in counted if status == ExpectStatus.MET and met and met <= due
    )
    return Timeliness(
        incidents=len(minutes),
        median_minutes=statistics.median(minutes) if minutes else None,
        expected=len(counted),
        on_time=on_time,
    )


@dataclass(frozen=True)
class QuotaStatus:
    month: rules.QuotaMonth
    points: Decimal | None  # what the ledger charged for it


def quota_status(unit: Unit, year: int, ledger: list[ScoreEntry]) -> list[QuotaStatus]:
    """The year's months the quota counts in: quota, items that left the unit, shortfall,
    what the ledger charged — three queries."""
    quotas = quota_facts([unit.pk])
    if not quotas:
        return []
    quota = quotas[0]
    index = rules.count_index(month_counts(year, unit.pk))
    charged = {e.source_id: e.points for e in ledger if e.source_kind == SourceKind.QUOTA}
    whole = rules.QuotaFact(quota.unit, quota.quota, quota.since.replace(year=year, month=1))
    since = (quota.since.year, quota.since.month)
    tz = timezone.get_current_timezone()
    return [
        QuotaStatus(row, charged.get(row.source_id))
        for row in rules.quota_months(whole, index, timezone.now(), (year, 12), tz)
        if (row.year, row.month) >= since
    ]


def violations(unit: Unit, year: int) -> QuerySet[Violation]:
    issued = CriticismNotice.objects.filter(status=NoticeStatus.ISSUED).order_by("issued_on", "pk")
    return (
        Violation.objects.filter(unit=unit, occurred_on__year=year)
        .select_related("incident", "item")
        .prefetch_related(Prefetch("notices", queryset=issued, to_attr="issued_notices"))
        .order_by("occurred_on", "pk")
    )


def verdict(unit: Unit, year: int) -> Verdict | None:
    return eligibility(year, [unit.pk]).get(unit.pk)


# Where each kind of ledger line finds the item it was earned on (a line of another kind —
# solicitation, violation, quota — is about no one item and carries no 密级).
_ITEM_SECRECY = {
    SourceKind.ADOPTION: (Adoption, "item__secrecy"),
    SourceKind.INSTRUCTION: (Instruction, "item__secrecy"),
    SourceKind.TASK: (FollowUpTask, "instruction__item__secrecy"),
}


def secrecy_of(entries: list[ScoreEntry]) -> dict[tuple[str, int], str]:
    """The 密级 of the item behind each ledger line, keyed (source kind, source id): one
    query per kind present."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for e in entries:
        if e.source_kind in _ITEM_SECRECY:
            wanted[e.source_kind].add(e.source_id)
    levels: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        model, path = _ITEM_SECRECY[SourceKind(kind)]
        for pk, level in model._default_manager.filter(pk__in=ids).values_list("pk", path):
            levels[kind, pk] = level
    return levels
