"""Points as pure functions over plain data: no database, no clock.

`ledger_lines(facts, rules, as_of)` turns what happened (adoptions, instructions, feedback
tasks, solicitations) into ledger lines under a point table. `scoring.actions.rebuild` loads
the facts and stores the lines.

Known simplification: a solicitation answered after its deadline counts as answered (no
penalty); only one never answered by `as_of` is a miss.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

ADOPTION = "adoption"
INSTRUCTION = "instruction"
FEEDBACK_LATE = "feedback_late"
FEEDBACK_MISSING = "feedback_missing"
SOLICITATION_MISSED = "solicitation_missed"

SOURCE_ADOPTION = "adoption"
SOURCE_INSTRUCTION = "instruction"
SOURCE_TASK = "task"
SOURCE_SOLICITATION = "solicitation"

CITY = "city"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str
    points: Decimal
    level: str = ""
    publication_id: int | None = None
    forwarded_multiplier: Decimal = Decimal(1)


@dataclass(frozen=True)
class AdoptionFact:
    id: int
    units: tuple[int, ...]  # the lead unit first, then the joint units
    publication_id: int
    level: str
    on: date
    forwarded: bool = False
    label: str = ""


@dataclass(frozen=True)
class InstructionFact:
    id: int
    item_id: int
    units: tuple[int, ...]  # the lead unit first, then the joint units
    level: str
    on: date
    label: str = ""


@dataclass(frozen=True)
class TaskFact:
    id: int
    unit: int
    due_at: datetime
    due_on: date  # the local date of `due_at`
    filed_at: datetime | None = None
    label: str = ""


@dataclass(frozen=True)
class SolicitedFact:
    """One unit's expected answer to a solicitation (an ExpectedReport of kind "solicited")."""

    id: int
    unit: int
    due_at: datetime
    due_on: date
    met: bool = False
    cancelled: bool = False
    label: str = ""


@dataclass(frozen=True)
class Facts:
    adoptions: Sequence[AdoptionFact] = ()
    instructions: Sequence[InstructionFact] = ()
    tasks: Sequence[TaskFact] = ()
    solicited: Sequence[SolicitedFact] = ()


@dataclass(frozen=True)
class Line:
    unit: int
    points: Decimal
    rule: str
    source_kind: str
    source_id: int
    label: str
    on: date


@dataclass
class RuleBook:
    """The active rules, indexed the way the functions look them up."""

    by_publication: dict[int, Rule] = field(default_factory=dict)
    by_kind_level: dict[tuple[str, str], Rule] = field(default_factory=dict)

    @classmethod
    def of(cls, rules: Iterable[Rule]) -> "RuleBook":
        book = cls()
        # Sorted by code, the first rule wins a tie: deterministic whatever the load order.
        for rule in sorted(rules, key=lambda r: r.code):
            if rule.kind == ADOPTION and rule.publication_id is not None:
                book.by_publication.setdefault(rule.publication_id, rule)
            else:
                book.by_kind_level.setdefault((rule.kind, rule.level), rule)
        return book

    def adoption(self, publication_id: int, level: str) -> Rule | None:
        return self.by_publication.get(publication_id) or self.by_kind_level.get((ADOPTION, level))

    def get(self, kind: str, level: str = "") -> Rule | None:
        return self.by_kind_level.get((kind, level))


def split(total: Decimal, units: Sequence[int]) -> list[tuple[int, Decimal]]:
    """Equal shares to the cent; the remainder goes to the lead unit so the sum is exact."""
    distinct = list(dict.fromkeys(units))
    share = (total / len(distinct)).quantize(CENT, rounding=ROUND_DOWN)
    lead = total - share * (len(distinct) - 1)
    return [(unit, lead if i == 0 else share) for i, unit in enumerate(distinct)]


def adoption_lines(adoptions: Iterable[AdoptionFact], book: RuleBook) -> list[Line]:
    lines = []
    for fact in adoptions:
        rule = book.adoption(fact.publication_id, fact.level)
        if rule is None:
            continue
        points = rule.points
        if fact.forwarded and fact.level != CITY:
            points *= rule.forwarded_multiplier
        for unit, share in split(points, fact.units):
            lines.append(
                Line(unit, share, rule.code, SOURCE_ADOPTION, fact.id, fact.label, fact.on)
            )
    return lines


def instruction_lines(instructions: Iterable[InstructionFact], book: RuleBook) -> list[Line]:
    """One bonus per item per level: several instructions at one level do not stack."""
    first: dict[tuple[int, str], InstructionFact] = {}
    for fact in sorted(instructions, key=lambda f: (f.on, f.id)):
        first.setdefault((fact.item_id, fact.level), fact)
    lines = []
    for fact in first.values():
        rule = book.get(INSTRUCTION, fact.level)
        if rule is None:
            continue
        for unit, share in split(rule.points, fact.units):
            lines.append(
                Line(unit, share, rule.code, SOURCE_INSTRUCTION, fact.id, fact.label, fact.on)
            )
    return lines


def task_lines(tasks: Iterable[TaskFact], book: RuleBook, as_of: datetime) -> list[Line]:
    late, missing = book.get(FEEDBACK_LATE), book.get(FEEDBACK_MISSING)
    lines = []
    for task in tasks:
        if task.filed_at is None:
            rule = missing if as_of > task.due_at else None
        else:
            rule = late if task.filed_at > task.due_at else None
        if rule is not None:
            lines.append(
                Line(
                    task.unit, rule.points, rule.code, SOURCE_TASK, task.id, task.label, task.due_on
                )
            )
    return lines


def solicitation_lines(
    solicited: Iterable[SolicitedFact], book: RuleBook, as_of: datetime
) -> list[Line]:
    rule = book.get(SOLICITATION_MISSED)
    if rule is None:
        return []
    return [
        Line(row.unit, rule.points, rule.code, SOURCE_SOLICITATION, row.id, row.label, row.due_on)
        for row in solicited
        if not row.met and not row.cancelled and as_of > row.due_at
    ]


def ledger_lines(facts: Facts, rules: Iterable[Rule], as_of: datetime) -> list[Line]:
    book = RuleBook.of(rules)
    lines = [
        *adoption_lines(facts.adoptions, book),
        *instruction_lines(facts.instructions, book),
        *task_lines(facts.tasks, book, as_of),
        *solicitation_lines(facts.solicited, book, as_of),
    ]
    return sorted(lines, key=lambda x: (x.on, x.source_kind, x.source_id, x.rule, x.unit))
