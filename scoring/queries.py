"""Reading the ledger: which period a request asks for, the standings per unit, the rankings
per class with their awards."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.http import Http404
from django.utils import timezone

from accountability.models import ViolationKind
from accountability.queries import disqualified_unit_ids
from bulletins.models import AdoptionLevel, own_level
from bulletins.rules import levels_above
from org.models import Unit, User
from org.roles import Capability
from scoring import ranking
from scoring.models import AwardTier, RuleKind, ScoreEntry, ScoreRule, ScoreTotal, UnitClass
from xinbao.core.inputs import parse_int

QUARTERS = {"q1": (1, 2, 3), "q2": (4, 5, 6), "q3": (7, 8, 9), "q4": (10, 11, 12)}


@dataclass(frozen=True)
class Period:
    year: int
    key: str  # "" for the whole year, "q1".."q4", or "1".."12"

    @property
    def months(self) -> tuple[int, ...]:
        if self.key in QUARTERS:
            return QUARTERS[self.key]
        month = parse_int(self.key, 1, 12)
        if month is not None:
            return (month,)
        return tuple(range(1, 13))

    @property
    def is_year(self) -> bool:
        return self.key == ""

    @property
    def first_day(self) -> date:
        return date(self.year, self.months[0], 1)

    @property
    def last_day(self) -> date:
        month = self.months[-1]
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def querystring(self) -> str:
        return f"year={self.year}&period={self.key}"


# --- who reads which ranking and scorecard ---------------------------------------------------


def office_reader(user: User) -> bool:
    """The office's readers see the rankings and every unit's scorecard."""
    return user.can(Capability.READ_RANKINGS)


def unit_people(user: User) -> bool:
    """A unit's officer and head see their own unit's scorecard."""
    return user.unit_id is not None and user.can(Capability.READ_OWN_POINTS)


def scorecard_unit(user: User, pk: int) -> Unit:
    """The unit whose scorecard `user` asks for: any unit for the office's readers; a unit's
    own people their own unit, and any other id is "not found" to them, existing or not;
    anyone else may not read scorecards at all."""
    if office_reader(user):
        found = Unit.objects.filter(pk=pk).first()
    elif unit_people(user):
        found = Unit.objects.filter(pk=pk).first() if user.unit_id == pk else None
    else:
        raise PermissionDenied
    if found is None:
        raise Http404
    return found


def period_of(params: Any) -> Period:
    try:
        year = int(params.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    key = params.get("period") or ""
    if key not in QUARTERS and parse_int(key, 1, 12) is None:
        key = ""
    return Period(year, key)


def entries_in(period: Period) -> QuerySet[ScoreEntry]:
    entries = ScoreEntry.objects.filter(year=period.year)
    return entries if period.is_year else entries.filter(month__in=period.months)


def grand_total(rows: list[dict[str, Any]]) -> Decimal:
    return sum((row["total"] for row in rows), Decimal(0))


# --- the point table ---------------------------------------------------------------------------

KIND_ORDER = {kind: n for n, kind in enumerate(RuleKind.values)}
LEVEL_ORDER = {"": 0, AdoptionLevel.CITY: 1, AdoptionLevel.PROVINCE: 2, AdoptionLevel.CENTRAL: 3}
VIOLATION_ORDER = {kind: n for n, kind in enumerate(ViolationKind.values)}


def rule_order(rule: ScoreRule) -> tuple[int, int, int, bool, str]:
    """The table as it is read: by kind, then violation kind, then level or issuer, rules for
    one publication after their level's default."""
    return (
        KIND_ORDER.get(rule.kind, len(KIND_ORDER)),
        VIOLATION_ORDER.get(rule.violation_kind, -1),
        LEVEL_ORDER.get(rule.level, len(LEVEL_ORDER)),
        rule.publication_id is not None,
        rule.code,
    )


def point_table() -> list[ScoreRule]:
    return sorted(ScoreRule.objects.select_related("publication"), key=rule_order)


# --- standings and rankings ------------------------------------------------------------------


@dataclass(frozen=True)
class RuleIds:
    """Rule ids the ranking aggregates by: comparing integers is cheaper than joining or
    comparing the source's text on every one of a million rows."""

    upper: list[int]  # adoptions above this office's own level (a city's: province, centre)
    adoption: list[int]
    violation: list[int]
    zeroing: list[int]


def rule_ids() -> RuleIds:
    rows = list(ScoreRule.objects.values_list("pk", "kind", "level"))
    above = levels_above(own_level())
    return RuleIds(
        upper=[pk for pk, kind, level in rows if kind == RuleKind.ADOPTION and level in above],
        adoption=[pk for pk, kind, _ in rows if kind == RuleKind.ADOPTION],
        violation=[pk for pk, kind, _ in rows if kind == RuleKind.VIOLATION],
        zeroing=[pk for pk, kind, _ in rows if kind == RuleKind.ZEROING],
    )


def unit_figures(period: Period, ids: RuleIds) -> dict[int, dict[str, Any]]:
    """Per unit: total, points from provincial/central adoptions, adoptions, violations, and
    whether its year is zeroed — summed by the database over the ledger's totals (a few
    thousand rows, not the period's million entries), one row per unit back."""
    in_period = Q() if period.is_year else Q(month__in=period.months)
    none = Value(None, output_field=DecimalField())

    def total(field: str, rules: list[int] | None) -> Sum | Value:
        if rules == []:
            return none
        where = in_period if rules is None else in_period & Q(rule_id__in=rules)
        return Sum(field, filter=where or None)

    rows = (
        ScoreTotal.objects.filter(year=period.year)
        .values("unit_id")
        .annotate(
            total=total("points", None),
            upper=total("points", ids.upper),
            adoptions=total("entries", ids.adoption),
            violations=total("entries", ids.violation),
            # a zeroed year is marked in every period of it
            zeroings=Count("pk", filter=Q(rule_id__in=ids.zeroing)) if ids.zeroing else none,
            in_period_rows=Count("pk", filter=in_period or None),
        )
        .order_by()
        .values_list(
            "unit_id", "total", "upper", "adoptions", "violations", "zeroings", "in_period_rows"
        )
    )
    zero = Decimal(0)
    return {
        unit_id: {
            "total": total_ or zero,
            "upper": upper or zero,
            "adoptions": adoptions or 0,
            "violations": violations or 0,
            "zeroed": bool(zeroings),
            "in_period": bool(rows_in_period),
        }
        for unit_id, total_, upper, adoptions, violations, zeroings, rows_in_period in rows
    }


def unit_infos(extra_ids: set[int] | None = None) -> list[ranking.UnitInfo]:
    """Every active reporting unit and any other unit in `extra_ids` (units with points), with
    its class. The others are asked for by id only when there are some (rarely: a unit that
    stopped reporting), not as a thousand ids bound into the main query."""
    fields = ("pk", "name", "sort_order", "code", "score_class__unit_class_id")
    rows = list(Unit.objects.filter(is_reporting=True, is_active=True).values_list(*fields))
    others = (extra_ids or set()) - {row[0] for row in rows}
    if others:
        rows += Unit.objects.filter(pk__in=sorted(others)).values_list(*fields)
    return [
        ranking.UnitInfo(pk, name, (order, code), class_id)
        for pk, name, order, code, class_id in rows
    ]


def standings(period: Period) -> list[ranking.Standing]:
    """Every unit's standing in the period. A fixed number of queries: the ledger is read
    once, with one aggregate."""
    figures = unit_figures(period, rule_ids())
    zeroed = {unit for unit, row in figures.items() if row["zeroed"]}
    disqualified = disqualified_unit_ids(period.year)
    zero = Decimal(0)
    result = []
    for info in unit_infos({unit for unit, row in figures.items() if row["in_period"]}):
        row = figures.get(info.unit, {})
        result.append(
            ranking.Standing(
                unit=info.unit,
                name=info.name,
                order=info.order,
                class_id=info.class_id,
                total=row.get("total") or zero,
                upper_points=row.get("upper") or zero,
                adoptions=row.get("adoptions") or 0,
                violations=row.get("violations") or 0,
                zeroed=info.unit in zeroed,
                disqualified=info.unit in disqualified,
            )
        )
    return result


def tier_of(tier: AwardTier) -> ranking.Tier:
    return ranking.Tier(tier.pk, tier.name, tier.position, tier.places, tier.min_points)


def classes_with_tiers() -> list[UnitClass]:
    return list(UnitClass.objects.prefetch_related("award_tiers"))


@dataclass(frozen=True)
class ClassBoard:
    unit_class: UnitClass | None
    places: list[ranking.Place]

    @property
    def awarded(self) -> int:
        return sum(1 for p in self.places if p.award is not None)


def rankings(period: Period) -> list[ClassBoard]:
    """The period's ranking of each class, awards on the annual one."""
    classes = classes_with_tiers()
    by_id = {c.pk: c for c in classes}
    tiers = (
        {c.pk: [tier_of(t) for t in c.award_tiers.all()] for c in classes}
        if period.is_year
        else None
    )
    floors = {c.pk: c.award_floor for c in classes}
    boards = ranking.by_class(standings(period), [c.pk for c in classes], tiers, floors)
    return [
        ClassBoard(by_id.get(board.class_id) if board.class_id else None, board.places)
        for board in boards
    ]


def year_is_over(year: int) -> bool:
    return timezone.localdate() > date(year, 12, 31)
