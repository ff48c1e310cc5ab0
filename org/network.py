"""The holes in the network (专人负责, 拓展信息网络): units nobody answers for, or silent ones."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, Q
from django.utils import timezone

from org.models import Unit

SILENCE_DAYS = 30


@dataclass(frozen=True)
class UnitStatus:
    unit: Unit
    last_activity: datetime | None
    has_officer: bool

    @property
    def silent(self) -> bool:
        cutoff = timezone.now() - timedelta(days=SILENCE_DAYS)
        return self.last_activity is None or self.last_activity < cutoff

    @property
    def is_hole(self) -> bool:
        return not self.has_officer or self.silent


def reporting_units_status() -> list[UnitStatus]:
    """Every reporting unit with its newest submission; one query."""
    units = (
        Unit.objects.filter(is_reporting=True, is_active=True)
        .select_related("parent", "officer")
        .annotate(
            last_activity=Max("items__submitted_at", filter=Q(items__submitted_at__isnull=False))
        )
        .order_by("sort_order", "code")
    )
    return [
        UnitStatus(
            unit=u,
            last_activity=u.last_activity,
            has_officer=u.officer_id is not None and u.officer is not None and u.officer.is_active,
        )
        for u in units
    ]
