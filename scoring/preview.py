"""What a change of the point table would do to a year, before it is applied.

The year's facts are loaded once and the ledger is computed twice in memory — under the table
as it is and under the proposed values — with the same pure functions `rebuild` uses; nothing
is written. "Before" is therefore the current table applied to today's facts (not whatever an
older rebuild left on the board), so the comparison shows the rule change and nothing else.
Applying the change saves it and rebuilds the year, which stores exactly the "after" lines.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accountability.queries import disqualified_unit_ids
from scoring import ranking, rules
from scoring.facts import active_rules, load_facts
from scoring.queries import classes_with_tiers, tier_of, unit_infos

ZERO = Decimal(0)
LineKey = tuple[int, str, str, int]


@dataclass(frozen=True)
class LineChange:
    unit: int
    rule: str
    source_kind: str
    source_id: int
    label: str
    on: Any
    before: Decimal | None  # None: the line does not exist under the current table
    after: Decimal | None  # None: the line disappears under the proposed table

    @property
    def delta(self) -> Decimal:
        return (self.after or ZERO) - (self.before or ZERO)


def _key(line: rules.Line) -> LineKey:
    return (line.unit, line.rule, line.source_kind, line.source_id)


def line_changes(before: Sequence[rules.Line], after: Sequence[rules.Line]) -> list[LineChange]:
    """The lines that appear, disappear or change their points."""
    old = {_key(line): line for line in before}
    new = {_key(line): line for line in after}
    changes = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a.points == b.points:
            continue
        line = b or a
        assert line is not None
        changes.append(
            LineChange(
                unit=line.unit,
                rule=line.rule,
                source_kind=line.source_kind,
                source_id=line.source_id,
                label=line.label,
                on=line.on,
                before=a.points if a else None,
                after=b.points if b else None,
            )
        )
    changes.sort(key=lambda c: (c.on, c.source_kind, c.source_id, c.rule, c.unit))
    return changes


@dataclass(frozen=True)
class UnitChange:
    unit: int
    name: str
    class_id: int | None
    before: Decimal
    after: Decimal
    rank_before: int
    rank_after: int
    award_before: str
    award_after: str

    @property
    def delta(self) -> Decimal:
        return self.after - self.before

    @property
    def rank_delta(self) -> int:
        """Places gained (positive) or lost (negative)."""
        return self.rank_before - self.rank_after


def _places(boards: list[ranking.ClassRanking]) -> dict[int, ranking.Place]:
    return {place.standing.unit: place for board in boards for place in board.places}


def unit_changes(
    before: list[ranking.Standing],
    after: list[ranking.Standing],
    class_order: list[int],
    tiers: dict[int, list[ranking.Tier]],
    floors: dict[int, Decimal] | None = None,
) -> list[UnitChange]:
    """Every unit whose points, place or award would change, by class and new place."""
    old = _places(ranking.by_class(before, class_order, tiers, floors))
    new = _places(ranking.by_class(after, class_order, tiers, floors))
    changes = []
    for unit, place in new.items():
        was = old[unit]
        award_before = was.award.name if was.award else ""
        award_after = place.award.name if place.award else ""
        if (was.standing.total, was.rank, award_before) == (
            place.standing.total,
            place.rank,
            award_after,
        ):
            continue
        changes.append(
            UnitChange(
                unit=unit,
                name=place.standing.name,
                class_id=place.standing.class_id,
                before=was.standing.total,
                after=place.standing.total,
                rank_before=was.rank,
                rank_after=place.rank,
                award_before=award_before,
                award_after=award_after,
            )
        )
    order = {class_id: n for n, class_id in enumerate(class_order)}
    changes.sort(key=lambda c: (order.get(c.class_id or 0, len(order)), c.rank_after))
    return changes


@dataclass(frozen=True)
class Preview:
    year: int
    as_of: datetime
    before: list[rules.Line]
    after: list[rules.Line]
    lines: list[LineChange]
    units: list[UnitChange]
    names: dict[int, str]

    @property
    def total_before(self) -> Decimal:
        return sum((line.points for line in self.before), ZERO)

    @property
    def total_after(self) -> Decimal:
        return sum((line.points for line in self.after), ZERO)


def preview(
    year: int, overrides: dict[str, dict[str, Any]], as_of: datetime | None = None
) -> Preview:
    """The year's ledger under the current and the proposed table (`overrides` by rule
    code), compared. Reads only."""
    as_of = as_of or timezone.now()
    tz = timezone.get_current_timezone()
    facts = load_facts(year)
    current, proposed = active_rules(), active_rules(overrides)
    before = rules.ledger_lines(facts, current, as_of, year, tz)
    after = rules.ledger_lines(facts, proposed, as_of, year, tz)
    infos = unit_infos({line.unit for line in (*before, *after)})
    disqualified = disqualified_unit_ids(year)
    classes = classes_with_tiers()
    tiers = {c.pk: [tier_of(t) for t in c.award_tiers.all()] for c in classes}
    order = [c.pk for c in classes]
    return Preview(
        year=year,
        as_of=as_of,
        before=before,
        after=after,
        lines=line_changes(before, after),
        units=unit_changes(
            ranking.standings_from_lines(before, current, infos, disqualified, facts.own_level),
            ranking.standings_from_lines(after, proposed, infos, disqualified, facts.own_level),
            order,
            tiers,
            {c.pk: c.award_floor for c in classes},
        ),
        names={info.unit: info.name for info in infos},
    )
