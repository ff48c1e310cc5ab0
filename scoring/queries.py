"""Reading the ledger: which period a request asks for, and the totals per unit."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from scoring.models import ScoreEntry

QUARTERS = {"q1": (1, 2, 3), "q2": (4, 5, 6), "q3": (7, 8, 9), "q4": (10, 11, 12)}


@dataclass(frozen=True)
class Period:
    year: int
    key: str  # "" for the whole year, "q1".."q4", or "1".."12"

    @property
    def months(self) -> tuple[int, ...]:
        if self.key in QUARTERS:
            return QUARTERS[self.key]
        if self.key.isdigit() and 1 <= int(self.key) <= 12:
            return (int(self.key),)
        return tuple(range(1, 13))

    def querystring(self) -> str:
        return f"year={self.year}&period={self.key}"


def period_of(params: Any) -> Period:
    try:
        year = int(params.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    key = params.get("period") or ""
    if key not in QUARTERS and not (key.isdigit() and 1 <= int(key) <= 12):
        key = ""
    return Period(year, key)


def entries_in(period: Period) -> QuerySet[ScoreEntry]:
    return ScoreEntry.objects.filter(year=period.year, month__in=period.months)


def unit_totals(period: Period) -> list[dict[str, Any]]:
    """Totals per unit, highest first: one aggregate query."""
    return list(
        entries_in(period)
        .values("unit_id", "unit__name")
        .annotate(total=Sum("points"))
        .order_by("-total", "unit__name")
    )


def grand_total(rows: list[dict[str, Any]]) -> Decimal:
    return sum((row["total"] for row in rows), Decimal(0))
