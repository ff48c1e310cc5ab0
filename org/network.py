"""The holes in the network (专人负责, 拓展信息网络): units nobody answers for, or silent ones.

Org knows the units and their named officers, not what they report: org is the bottom layer
and may not read submissions or the analysis policy. When a unit last reported, and whether that
makes it silent, is the insight app's rule (the 全 of its 全广新准 report, with the policy's
editable `silent_days`), so the network page and the report always agree. Insight registers it
here from its AppConfig.ready() with `register_activity`.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from org.models import Unit, hub_unit


@dataclass(frozen=True)
class Activity:
    """What the app that owns the rule knows of the units' reporting, as of a moment."""

    last_report: Mapping[int, datetime]  # unit id → its last report; missing: never reported
    silent: frozenset[int]  # ids of the units asked about that are silent
    silent_after: int  # days without a report after which a unit is silent


# Given the ids of the reporting units and the moment: their activity.
ActivitySource = Callable[[Collection[int], datetime], Activity]

_activity_source: ActivitySource | None = None


def register_activity(source: ActivitySource) -> None:
    global _activity_source
    _activity_source = source


@dataclass(frozen=True)
class UnitStatus:
    unit: Unit
    last_activity: datetime | None
    has_officer: bool
    silent: bool

    @property
    def is_hole(self) -> bool:
        return not self.has_officer or self.silent


@dataclass(frozen=True)
class Network:
    units: list[UnitStatus]
    silent_after: int  # days

    @property
    def holes(self) -> list[UnitStatus]:
        return [s for s in self.units if s.is_hole]


def reporting_units_status(now: datetime | None = None) -> Network:
    """Every active reporting unit with its last report and whether it is a hole. The municipal
    office itself (`hub_unit`) is where the network reports, not one of its units, whatever its
    `is_reporting` says."""
    if _activity_source is None:
        raise ImproperlyConfigured("No app registered the units' activity (org.network).")
    hub = hub_unit()
    # The office is where the units report, not one of them: never a hole.
    others = Unit.objects.exclude(pk=hub.pk) if hub is not None else Unit.objects.all()
    units = list(
        others.filter(is_reporting=True, is_active=True)
        .select_related("parent", "officer")
        .order_by("sort_order", "code")
    )
    activity = _activity_source([u.pk for u in units], now or timezone.now())
    return Network(
        units=[
            UnitStatus(
                unit=u,
                last_activity=activity.last_report.get(u.pk),
                has_officer=u.officer_id is not None
                and u.officer is not None
                and u.officer.is_active,
                silent=u.pk in activity.silent,
            )
            for u in units
        ],
        silent_after=activity.silent_after,
    )
