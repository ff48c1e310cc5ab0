"""The figures of the section's circulars (通报), read from the ledger and its sources.

The 信息采用情况通报 of a month or quarter gives each unit's items sent, adoptions by level,
leaders' instructions, confirmed violations and points, in ranking order. The year-end
表彰通报 names the award winners (先进单位) of the annual ranking and the outstanding
information officers (优秀信息员): the officers whose written items earned the most points.

An officer is credited with the ledger lines of the adoptions and instructions of the items
they wrote (the item's author, whoever is the unit's officer now) — the lead unit's share of a
joint item, since that is the share their unit was given for it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet

from accountability.models import NoticePolicy, Violation, ViolationStatus
from bulletins.models import Adoption, AdoptionLevel, Instruction
from org.models import User
from scoring import facts, queries, ranking
from scoring.models import Circular, ReportPolicy, SourceKind
from submissions.models import InfoItem

ZERO = Decimal(0)
LEVELS = (AdoptionLevel.CITY, AdoptionLevel.PROVINCE, AdoptionLevel.CENTRAL)


# --- per officer -------------------------------------------------------------------------------


@dataclass
class OfficerTally:
    user: int
    name: str = ""
    unit: str = ""
    adoptions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    instructions: int = 0
    points: Decimal = ZERO

    @property
    def adopted(self) -> int:
        return sum(self.adoptions.values())


def officer_tally(period: queries.Period) -> list[OfficerTally]:
    """Every officer with ledger points from the adoptions and instructions of the items
    they wrote in the period, the most points first (then more adoptions, then name)."""
    entries = queries.entries_in(period).filter(
        source_kind__in=(SourceKind.ADOPTION, SourceKind.INSTRUCTION)
    )
    adoption_ids = entries.filter(source_kind=SourceKind.ADOPTION).values("source_id")
    instruction_ids = entries.filter(source_kind=SourceKind.INSTRUCTION).values("source_id")
    # source id → (author, the item's lead unit, level)
    sources: dict[tuple[str, int], tuple[int, int, str]] = {}
    source_rows: tuple[tuple[str, QuerySet[Any]], ...] = (
        (SourceKind.ADOPTION, Adoption.objects.filter(pk__in=adoption_ids)),
        (SourceKind.INSTRUCTION, Instruction.objects.filter(pk__in=instruction_ids)),
    )
    for source_kind, rows in source_rows:
        for pk, author, unit, level in rows.values_list(
            "pk", "item__author_id", "item__unit_id", "level"
        ):
            sources[(source_kind, pk)] = (author, unit, level)
    tallies: dict[int, OfficerTally] = {}
    counted: set[tuple[str, int]] = set()
    for kind, source_id, unit_id, points in entries.values_list(
        "source_kind", "source_id", "unit_id", "points"
    ):
        source = sources.get((kind, source_id))
        if source is None or source[1] != unit_id:
            continue  # a joint unit's share: not the writer's unit
        author, _unit, level = source
        tally = tallies.setdefault(author, OfficerTally(author))
        tally.points += points
        if (kind, source_id) not in counted:
            counted.add((kind, source_id))
            if kind == SourceKind.ADOPTION:
                tally.adoptions[level] = tally.adoptions.get(level, 0) + 1
            else:
                tally.instructions += 1
    for user_id, name, unit_name in User.objects.filter(pk__in=list(tallies)).values_list(
        "pk", "full_name", "unit__name"
    ):
        tallies[user_id].name, tallies[user_id].unit = name or "", unit_name or ""
    return sorted(tallies.values(), key=lambda t: (-t.points, -t.adopted, t.name, t.user))


def outstanding_officers(
    tally: list[OfficerTally], policy: ReportPolicy | None = None
) -> list[OfficerTally]:
    """The officers the commendation names: more than zero points, at least the policy's
    threshold if it has one, at most its number of places, in tally order."""
    policy = policy or ReportPolicy.current()
    floor = policy.officer_min_points
    named = [t for t in tally if t.points > ZERO and (floor is None or t.points >= floor)]
    return named[: policy.officer_places]


# --- per unit ----------------------------------------------------------------------------------


@dataclass
class UnitLine:
    rank: int
    unit: int
    name: str
    sent: int = 0
    adoptions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    instructions: int = 0
    violations: int = 0
    points: Decimal = ZERO


@dataclass(frozen=True)
class ClassLines:
    name: str
    lines: list[UnitLine]


def _per_unit_item_counts(
    rows: list[tuple[int, int, str]], joint: dict[int, list[int]]
) -> dict[tuple[int, str], int]:
    """(unit, level) → count, each row (item, lead unit, level) counted for its lead unit and
    each of the item's joint units once."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for item_id, lead, level in rows:
        for unit in dict.fromkeys([lead, *joint.get(item_id, [])]):
            counts[(unit, level)] += 1
    return counts


def _joint(item_ids: set[int]) -> dict[int, list[int]]:
    through = InfoItem.joint_units.through.objects.filter(infoitem_id__in=item_ids)
    joint: dict[int, list[int]] = defaultdict(list)
    for item_id, unit_id in through.values_list("infoitem_id", "unit_id"):
        joint[item_id].append(unit_id)
    return joint


def period_lines(period: queries.Period) -> list[ClassLines]:
    """Each class's units in ranking order with their figures for the period."""
    first, last = period.first_day, period.last_day
    adoptions = list(
        Adoption.objects.filter(adopted_on__gte=first, adopted_on__lte=last).values_list(
            "item_id", "item__unit_id", "level"
        )
    )
    instructions = list(
        Instruction.objects.filter(instructed_on__gte=first, instructed_on__lte=last).values_list(
            "item_id", "item__unit_id", "level"
        )
    )
    joint = _joint({row[0] for row in adoptions} | {row[0] for row in instructions})
    adopted = _per_unit_item_counts(adoptions, joint)
    instructed = _per_unit_item_counts(instructions, joint)
    violations = dict(
        Violation.objects.filter(
            status=ViolationStatus.CONFIRMED, occurred_on__gte=first, occurred_on__lte=last
        )
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
        .order_by()
    )
    sent: dict[int, int] = defaultdict(int)
    for count in facts.month_counts(period.year):
        if count.month in period.months:
            sent[count.unit] += count.count
    result = []
    for board in queries.rankings(period):
        if not board.places:
            continue  # a class with no units: no table
        lines = []
        for place in board.places:
            s: ranking.Standing = place.standing
            lines.append(
                UnitLine(
                    rank=place.rank,
                    unit=s.unit,
                    name=s.name,
                    sent=sent.get(s.unit, 0),
                    adoptions={level: adopted.get((s.unit, level), 0) for level in LEVELS},
                    instructions=sum(instructed.get((s.unit, level), 0) for level in LEVELS),
                    violations=violations.get(s.unit, 0),
                    points=s.total,
                )
            )
        name = board.unit_class.name if board.unit_class else ""
        result.append(ClassLines(name, lines))
    return result


# --- numbers -----------------------------------------------------------------------------------


def number_line(kind: str, period: queries.Period, policy: NoticePolicy) -> str:
    """The 文号 of the issued circular; a blank number to fill in by hand before it is."""
    issued = Circular.objects.filter(kind=kind, year=period.year, period=period.key).first()
    if issued is not None:
        return issued.doc_number
    return f"{policy.doc_prefix}〔{period.year}〕\u3000\u3000号"
