"""Rankings and awards as pure functions over plain data: no database, no clock.

A ranking orders the units of one class by their points in a period. Ties are broken, in this
order, by (1) more points from upper-level adoptions, (2) more adoptions, (3) fewer
confirmed violations, (4) the units' order in the directory — so no two units ever share a
place. `tie_key` is that rule; the ranking page states it.

Awards are given on the annual ranking. A class's tiers are handed out in their order to the
units that may receive one — not disqualified for the year (accountability's eligibility rule)
and not zeroed, with more than zero points and at least the class's floor (`award_floor`, policy
data) — in ranking order: a tier takes the next units whose points reach its minimum (if it has
one), at most its number of places (if it has one). A unit passed over keeps its place in the
list, and the award goes to the next unit: "top three" never crowns a unit that earned nothing.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from bulletins.rules import levels_above
from scoring import rules
from scoring.models import RuleKind, SourceKind

ZERO = Decimal(0)


class Standing(NamedTuple):
    """One unit's figures for a period. (A named tuple, not a dataclass: a ranking builds one
    per unit, and a tuple is built in half the time.)"""

    unit: int
    name: str = ""
    order: tuple[int, str] = (0, "")  # the directory's order: sort order, then code
    class_id: int | None = None
    total: Decimal = ZERO
    upper_points: Decimal = ZERO  # from adoptions above this instance's level
    adoptions: int = 0
    violations: int = 0
    zeroed: bool = False
    disqualified: bool = False


@dataclass(frozen=True)
class Tier:
    id: int
    name: str
    position: int
    places: int | None = None
    min_points: Decimal | None = None


class Place(NamedTuple):
    """A unit's line in a class ranking."""

    rank: int
    standing: Standing
    award: Tier | None = None

    @property
    def excluded(self) -> bool:
        return self.standing.disqualified or self.standing.zeroed


@dataclass(frozen=True)
class ClassRanking:
    class_id: int | None
    places: list[Place] = field(default_factory=list)


def tie_key(s: Standing) -> tuple[Decimal, Decimal, int, int, tuple[int, str]]:
    """Sort key: more points, then more provincial/central adoption points, then more
    adoptions, then fewer violations, then directory order."""
    return (-s.total, -s.upper_points, -s.adoptions, s.violations, s.order)


def ranked(standings: Iterable[Standing]) -> list[Standing]:
    return sorted(standings, key=tie_key)


def may_be_awarded(standing: Standing, floor: Decimal = ZERO) -> bool:
    """Whether a unit can receive any award: not disqualified, not zeroed, more than zero
    points, and at least `floor` (the class's floor)."""
    if standing.disqualified or standing.zeroed:
        return False
    return standing.total > ZERO and standing.total >= floor


def awards(
    ordered: Sequence[Standing], tiers: Iterable[Tier], floor: Decimal = ZERO
) -> dict[int, Tier]:
    """Which unit gets which tier. `ordered` is a class's ranking (see `ranked`); `floor` the
    class's fewest points for any award."""
    remaining = [s for s in ordered if may_be_awarded(s, floor)]
    given: dict[int, Tier] = {}
    for tier in sorted(tiers, key=lambda t: (t.position, t.id)):
        if tier.places is None and tier.min_points is None:
            continue  # a tier with no rule gives nothing
        taken: list[Standing] = []
        for standing in remaining:
            if tier.places is not None and len(taken) >= tier.places:
                break
            if tier.min_points is not None and standing.total < tier.min_points:
                break  # ranking order: nobody after this one reaches the minimum either
            taken.append(standing)
        for standing in taken:
            given[standing.unit] = tier
        remaining = remaining[len(taken) :]
    return given


def by_class(
    standings: Iterable[Standing],
    class_order: Sequence[int],
    tiers: dict[int, list[Tier]] | None = None,
    floors: dict[int, Decimal] | None = None,
) -> list[ClassRanking]:
    """One ranking per class in `class_order`, then the unclassified units (never awarded).
    With `tiers` (per class id) the awards are given, to units at or above the class's floor
    in `floors` (none: only more than zero); without, none are."""
    groups: dict[int | None, list[Standing]] = defaultdict(list)
    for standing in standings:
        groups[standing.class_id if standing.class_id in class_order else None].append(standing)
    result = []
    for class_id in [*class_order, None]:
        ordered = ranked(groups.get(class_id, []))
        if class_id is None and not ordered:
            continue
        floor = (floors or {}).get(class_id, ZERO) if class_id else ZERO
        given = awards(ordered, tiers.get(class_id, []), floor) if tiers and class_id else {}
        result.append(
            ClassRanking(
                class_id,
                [Place(n, s, given.get(s.unit)) for n, s in enumerate(ordered, start=1)],
            )
        )
    return result


@dataclass(frozen=True)
class UnitInfo:
    """What a ranking needs to know about a unit besides its points."""

    unit: int
    name: str
    order: tuple[int, str]
    class_id: int | None


def standings_from_lines(
    lines: Iterable[rules.Line],
    rule_list: Iterable[rules.Rule],
    units: Iterable[UnitInfo],
    disqualified: frozenset[int] | set[int] = frozenset(),
    own_level: str = "city",
) -> list[Standing]:
    """Standings computed from ledger lines in memory (the preview); the same figures
    `scoring.queries.standings` reads from the stored ledger."""
    by_code = {r.code: r for r in rule_list}
    above = levels_above(own_level)
    upper = {
        code for code, r in by_code.items() if r.kind == RuleKind.ADOPTION and r.level in above
    }
    zeroing = {code for code, r in by_code.items() if r.kind == RuleKind.ZEROING}
    total: dict[int, Decimal] = defaultdict(Decimal)
    upper_points: dict[int, Decimal] = defaultdict(Decimal)
    adoptions: dict[int, int] = defaultdict(int)
    violations: dict[int, int] = defaultdict(int)
    zeroed: set[int] = set()
    for line in lines:
        total[line.unit] += line.points
        if line.rule in upper:
            upper_points[line.unit] += line.points
        if line.source_kind == SourceKind.ADOPTION:
            adoptions[line.unit] += 1
        elif line.source_kind == SourceKind.VIOLATION:
            violations[line.unit] += 1
        if line.rule in zeroing:
            zeroed.add(line.unit)
    return [
        Standing(
            unit=u.unit,
            name=u.name,
            order=u.order,
            class_id=u.class_id,
            total=total.get(u.unit, ZERO),
            upper_points=upper_points.get(u.unit, ZERO),
            adoptions=adoptions.get(u.unit, 0),
            violations=violations.get(u.unit, 0),
            zeroed=u.unit in zeroed,
            disqualified=u.unit in disqualified,
        )
        for u in units
    ]
