"""Points as pure functions over plain data: no database, no clock.

`ledger_lines(facts, rules, as_of)` turns what happened (adoptions, instructions, feedback
tasks, solicitations, violations, items leaving units) into ledger lines under a point table.
`scoring.actions.rebuild` loads the facts and stores the lines.

Known simplification: a solicitation answered after its deadline counts as answered (no
penalty); only one never answered by `as_of` is a miss.

Violations. A confirmed violation costs the points of the most severe applicable rule for its
kind: the base rule ("confirmed, named in no notice") always applies, the own-level one when an
*issued* notice of this office names it, the upper-level one when an issued notice of the
office above does. One
penalty per violation, however many notices name it. Pending, waived and withdrawn violations
cost nothing. The line is dated the violation's date (the day the report was due).

Quotas. A unit's monthly quota is its class's. What counts: the items that left the unit
(first submitted, after sign-off) in that local month, a joint item counting for its lead unit
and for every joint unit. Only finished months are charged — a month is finished once `as_of`
has reached the first moment of the next month — starting from the month the assignment says.
The line (shortfall × points per missing item) is dated the month's last day, its source is the
unit-month (source id YYYYMM) and its label reads "YYYY-MM: counted/quota".

Zeroing the year. When the zeroing rule is active with threshold N, a unit whose Nth missed
solicitation of a calendar year (misses ordered by deadline) is past by `as_of` gets one line,
dated 31 December of that year and traced to that Nth miss, worth minus the unit's positive
total of every other line of the year — the annual total becomes 0; a negative total is not
forgiven (the line is then worth 0 and still marks the unit as zeroed). The months before
December keep the points as earned, so monthly and quarterly figures stay a faithful record of
the work and sum to the annual total; December (and Q4) carry the zeroing line, and rankings
mark the unit as zeroed in every period of that year. The line is recomputed from the other
lines at every rebuild, so points earned after the Nth miss are zeroed too.
"""

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from accountability.models import Issuer, NoticeStatus, ViolationStatus
from bulletins.rules import is_upper
from scoring.models import RuleKind, SourceKind

BASE = ""  # a violation rule's issuer when no notice names the violation
CENT = Decimal("0.01")
ZERO = Decimal(0)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str
    points: Decimal
    level: str = ""
    publication_id: int | None = None
    forwarded_multiplier: Decimal = Decimal(1)
    violation_kind: str = ""
    threshold: int | None = None


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
class ViolationFact:
    """A violation and the notices naming it, as (issuer, notice status) pairs."""

    id: int
    unit: int
    kind: str
    status: str
    on: date
    notices: tuple[tuple[str, str], ...] = ()
    label: str = ""


@dataclass(frozen=True)
class QuotaFact:
    """A unit's monthly quota (its class's), charged from the month of `since`."""

    unit: int
    quota: int
    since: date


@dataclass(frozen=True)
class MonthCount:
    """How many items left `unit` in one local month (joint items included)."""

    unit: int
    year: int
    month: int
    count: int


@dataclass(frozen=True)
class Facts:
    adoptions: Sequence[AdoptionFact] = ()
    instructions: Sequence[InstructionFact] = ()
    tasks: Sequence[TaskFact] = ()
    solicited: Sequence[SolicitedFact] = ()
    violations: Sequence[ViolationFact] = ()
    quotas: Sequence[QuotaFact] = ()
    counts: Sequence[MonthCount] = ()
    # This instance's own level (bulletins.rules.level_of_office): adoptions above it were
    # forwarded upward (上报) and weigh the forwarded multiplier.
    own_level: str = "city"


@dataclass(frozen=True, slots=True)
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
    by_violation: dict[tuple[str, str], Rule] = field(default_factory=dict)

    @classmethod
    def of(cls, rules: Iterable[Rule]) -> "RuleBook":
        book = cls()
        # Sorted by code, the first rule wins a tie: deterministic whatever the load order.
        for rule in sorted(rules, key=lambda r: r.code):
            if rule.kind == RuleKind.ADOPTION and rule.publication_id is not None:
                book.by_publication.setdefault(rule.publication_id, rule)
            elif rule.kind == RuleKind.VIOLATION:
                book.by_violation.setdefault((rule.violation_kind, rule.level), rule)
            else:
                book.by_kind_level.setdefault((rule.kind, rule.level), rule)
        return book

    def adoption(self, publication_id: int, level: str) -> Rule | None:
        return self.by_publication.get(publication_id) or self.by_kind_level.get(
            (RuleKind.ADOPTION, level)
        )

    def get(self, kind: str, level: str = "") -> Rule | None:
        return self.by_kind_level.get((kind, level))


def split(total: Decimal, units: Sequence[int]) -> list[tuple[int, Decimal]]:
    """Equal shares to the cent; the remainder goes to the lead unit so the sum is exact."""
    distinct = list(dict.fromkeys(units))
    share = (total / len(distinct)).quantize(CENT, rounding=ROUND_DOWN)
    lead = total - share * (len(distinct) - 1)
    return [(unit, lead if i == 0 else share) for i, unit in enumerate(distinct)]


def adoption_lines(
    adoptions: Iterable[AdoptionFact], book: RuleBook, own_level: str = "city"
) -> list[Line]:
    """Each adoption's points, split between the item's units; one above this office's own
    level (`own_level`) of a forwarded item weighs the forwarded multiplier."""
    lines = []
    for fact in adoptions:
        rule = book.adoption(fact.publication_id, fact.level)
        if rule is None:
            continue
        points = rule.points
        if fact.forwarded and is_upper(fact.level, own_level):
            points = (points * rule.forwarded_multiplier).quantize(CENT)
        for unit, share in split(points, fact.units):
            lines.append(
                Line(unit, share, rule.code, SourceKind.ADOPTION, fact.id, fact.label, fact.on)
            )
    return lines


def instruction_lines(instructions: Iterable[InstructionFact], book: RuleBook) -> list[Line]:
    """One bonus per item per level: several instructions at one level do not stack."""
    first: dict[tuple[int, str], InstructionFact] = {}
    for fact in sorted(instructions, key=lambda f: (f.on, f.id)):
        first.setdefault((fact.item_id, fact.level), fact)
    lines = []
    for fact in first.values():
        rule = book.get(RuleKind.INSTRUCTION, fact.level)
        if rule is None:
            continue
        for unit, share in split(rule.points, fact.units):
            lines.append(
                Line(unit, share, rule.code, SourceKind.INSTRUCTION, fact.id, fact.label, fact.on)
            )
    return lines


def task_lines(tasks: Iterable[TaskFact], book: RuleBook, as_of: datetime) -> list[Line]:
    late, missing = book.get(RuleKind.FEEDBACK_LATE), book.get(RuleKind.FEEDBACK_MISSING)
    lines = []
    for task in tasks:
        if task.filed_at is None:
            rule = missing if as_of > task.due_at else None
        else:
            rule = late if task.filed_at > task.due_at else None
        if rule is not None:
            lines.append(
                Line(
                    task.unit,
                    rule.points,
                    rule.code,
                    SourceKind.TASK,
                    task.id,
                    task.label,
                    task.due_on,
                )
            )
    return lines


def missed(row: SolicitedFact, as_of: datetime) -> bool:
    return not row.met and not row.cancelled and as_of > row.due_at


def solicitation_lines(
    solicited: Iterable[SolicitedFact], book: RuleBook, as_of: datetime
) -> list[Line]:
    rule = book.get(RuleKind.SOLICITATION_MISSED)
    if rule is None:
        return []
    return [
        Line(
            row.unit, rule.points, rule.code, SourceKind.SOLICITATION, row.id, row.label, row.due_on
        )
        for row in solicited
        if missed(row, as_of)
    ]


ISSUER_RANK = {BASE: 0, Issuer.OWN: 1, Issuer.UPPER: 2}


def violation_rule(fact: ViolationFact, book: RuleBook) -> Rule | None:
    """The most severe applicable rule: base always, own or upper-level if an issued notice of
    that issuer names the violation. None when the violation costs nothing."""
    if fact.status != ViolationStatus.CONFIRMED:
        return None
    issuers = {BASE} | {issuer for issuer, status in fact.notices if status == NoticeStatus.ISSUED}
    applicable = [
        rule
        for issuer in sorted(issuers, key=lambda i: ISSUER_RANK.get(i, 0))
        if (rule := book.by_violation.get((fact.kind, issuer))) is not None
    ]
    # Most negative first; at equal points the more senior issuer's rule is the one shown.
    return min(applicable, key=lambda r: (r.points, -ISSUER_RANK.get(r.level, 0)), default=None)


def violation_lines(violations: Iterable[ViolationFact], book: RuleBook) -> list[Line]:
    lines = []
    for fact in violations:
        rule = violation_rule(fact, book)
        if rule is not None:
            line = Line(
                fact.unit,
                rule.points,
                rule.code,
                SourceKind.VIOLATION,
                fact.id,
                fact.label,
                fact.on,
            )
            lines.append(line)
    return lines


def month_start(year: int, month: int, tz: tzinfo) -> datetime:
    return datetime(year, month, 1, tzinfo=tz)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_finished(year: int, month: int, as_of: datetime, tz: tzinfo = SHANGHAI) -> bool:
    return as_of >= month_start(*next_month(year, month), tz)


@dataclass(frozen=True)
class QuotaMonth:
    """One unit-month under its quota: what the scorecard shows and the ledger charges."""

    unit: int
    year: int
    month: int
    quota: int
    count: int
    finished: bool

    @property
    def shortfall(self) -> int:
        return max(self.quota - self.count, 0) if self.finished else 0

    @property
    def source_id(self) -> int:
        return self.year * 100 + self.month

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}: {self.count}/{self.quota}"

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


def quota_months(
    quota: QuotaFact,
    counts: dict[tuple[int, int, int], int],
    as_of: datetime,
    until: tuple[int, int],
    tz: tzinfo = SHANGHAI,
) -> list[QuotaMonth]:
    """The unit's months from its quota's start through `until` (year, month)."""
    months = []
    year, month = quota.since.year, quota.since.month
    while (year, month) <= until:
        months.append(
            QuotaMonth(
                unit=quota.unit,
                year=year,
                month=month,
                quota=quota.quota,
                count=counts.get((quota.unit, year, month), 0),
                finished=month_finished(year, month, as_of, tz),
            )
        )
        year, month = next_month(year, month)
    return months


def count_index(counts: Iterable[MonthCount]) -> dict[tuple[int, int, int], int]:
    index: dict[tuple[int, int, int], int] = defaultdict(int)
    for row in counts:
        index[(row.unit, row.year, row.month)] += row.count
    return index


def quota_lines(
    quotas: Iterable[QuotaFact],
    counts: Iterable[MonthCount],
    book: RuleBook,
    as_of: datetime,
    tz: tzinfo = SHANGHAI,
) -> list[Line]:
    """A shortfall line for each finished month a unit sent fewer items than its quota."""
    rule = book.get(RuleKind.QUOTA_SHORTFALL)
    if rule is None:
        return []
    index = count_index(counts)
    local = as_of.astimezone(tz)
    lines = []
    for quota in quotas:
        for row in quota_months(quota, index, as_of, (local.year, local.month), tz):
            if row.shortfall:
                lines.append(
                    Line(
                        row.unit,
                        rule.points * row.shortfall,
                        rule.code,
                        SourceKind.QUOTA,
                        row.source_id,
                        row.label,
                        row.last_day,
                    )
                )
    return lines


def zeroing_lines(
    lines: Iterable[Line],
    solicited: Iterable[SolicitedFact],
    book: RuleBook,
    as_of: datetime,
    year: int | None = None,
) -> list[Line]:
    """One line per unit-year that reached the threshold of missed solicitations, bringing a
    positive annual total to 0 (see the module docstring)."""
    rule = book.get(RuleKind.ZEROING)
    if rule is None or not rule.threshold:
        return []
    misses: dict[tuple[int, int], list[SolicitedFact]] = defaultdict(list)
    for row in solicited:
        if missed(row, as_of) and year in (None, row.due_on.year):
            misses[(row.unit, row.due_on.year)].append(row)
    reached = {
        key: sorted(rows, key=lambda r: (r.due_at, r.id))[rule.threshold - 1]
        for key, rows in misses.items()
        if len(rows) >= rule.threshold
    }
    if not reached:
        return []
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for line in lines:
        if (line.unit, line.on.year) in reached:
            totals[(line.unit, line.on.year)] += line.points
    return [
        Line(
            unit,
            ZERO - max(totals[(unit, year)], ZERO),
            rule.code,
            SourceKind.SOLICITATION,
            nth.id,
            nth.label,
            date(year, 12, 31),
        )
        for (unit, year), nth in sorted(reached.items())
    ]


def line_key(line: Line) -> tuple[date, str, int, str, int]:
    return (line.on, line.source_kind, line.source_id, line.rule, line.unit)


def ledger_lines(
    facts: Facts,
    rules: Iterable[Rule],
    as_of: datetime,
    year: int | None = None,
    tz: tzinfo = SHANGHAI,
) -> list[Line]:
    """Every line the facts earn under the rules as of `as_of`, for one year (or all), in a
    stable order."""
    book = RuleBook.of(rules)
    lines = [
        *adoption_lines(facts.adoptions, book, facts.own_level),
        *instruction_lines(facts.instructions, book),
        *task_lines(facts.tasks, book, as_of),
        *solicitation_lines(facts.solicited, book, as_of),
        *violation_lines(facts.violations, book),
        *quota_lines(facts.quotas, facts.counts, book, as_of, tz),
    ]
    if year is not None:
        lines = [line for line in lines if line.on.year == year]
    lines.extend(zeroing_lines(lines, facts.solicited, book, as_of, year))
    lines.sort(key=line_key)
    return lines
