"""Reading violations, notices and eligibility. Each function issues a fixed number of
queries, whatever the number of units, notices or violations.

`eligibility` and `disqualified_unit_ids` are the contract other apps (scoring's awards) call.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When

from accountability import rules
from accountability.models import (
    CriticismNotice,
    EligibilityRule,
    Issuer,
    NoticeStatus,
    Reinstatement,
    Violation,
    ViolationStatus,
)
from accountability.rules import Verdict
from org.models import Unit, User
from org.roles import UNIT_STAFF

__all__ = [
    "Verdict",
    "disqualified_unit_ids",
    "eligibility",
]


def rule_of(row: EligibilityRule) -> rules.Rule:
    return rules.Rule(
        provincial_notices=row.provincial_notices,
        municipal_notices=row.municipal_notices,
        kinds=frozenset(row.kinds or ()),
        serious_only=row.serious_only,
        important_only=row.important_only,
    )


def _notice_facts(year: int, unit_ids: set[int] | None) -> dict[int, list[rules.NoticeFact]]:
    """Per unit, the issued notices of `year` naming its confirmed violations: one query."""
    links = CriticismNotice.violations.through.objects.filter(
        criticismnotice__status=NoticeStatus.ISSUED,
        criticismnotice__year=year,
        violation__status=ViolationStatus.CONFIRMED,
    )
    if unit_ids is not None and len(unit_ids) <= 500:
        links = links.filter(violation__unit_id__in=unit_ids)
    rows = links.values_list(
        "criticismnotice_id",
        "criticismnotice__issuer",
        "criticismnotice__year",
        "violation__unit_id",
        "violation__kind",
        "violation__serious",
        "violation__important",
    ).order_by("criticismnotice_id", "violation_id")
    named: dict[tuple[int, int], list[rules.NamedViolation]] = defaultdict(list)
    heads: dict[int, tuple[str, int]] = {}
    for notice_id, issuer, notice_year, unit_id, kind, serious, important in rows:
        if unit_ids is not None and unit_id not in unit_ids:
            continue
        heads[notice_id] = (issuer, notice_year)
        named[(unit_id, notice_id)].append(rules.NamedViolation(kind, serious, important))
    facts: dict[int, list[rules.NoticeFact]] = defaultdict(list)
    for (unit_id, notice_id), violations in named.items():
        issuer, notice_year = heads[notice_id]
        facts[unit_id].append(
            rules.NoticeFact(
                id=notice_id,
                issuer=issuer,
                year=notice_year,
                status=NoticeStatus.ISSUED,
                violations=tuple(violations),
            )
        )
    return facts


def _reinstated(year: int, unit_ids: set[int] | None) -> set[int]:
    live = Reinstatement.objects.filter(year=year, revoked_at__isnull=True)
    return {u for u in live.values_list("unit_id", flat=True) if unit_ids is None or u in unit_ids}


def eligibility(year: int, unit_ids: Iterable[int] | None = None) -> dict[int, Verdict]:
    """A verdict per unit for the calendar year `year`: the given units, or (None) every
    active reporting unit and every unit a notice of the year names. Four queries: the rule,
    the units (only when None), the notices' violations, the reinstatements."""
    rule = rule_of(EligibilityRule.current())
    wanted = None if unit_ids is None else set(unit_ids)
    facts = _notice_facts(year, wanted)
    reinstated = _reinstated(year, wanted)
    if wanted is None:
        ids = set(
            Unit.objects.filter(is_reporting=True, is_active=True).values_list("pk", flat=True)
        ) | set(facts)
    else:
        ids = wanted
    return {
        uid: rules.verdict(year, facts.get(uid, ()), rule, uid in reinstated) for uid in sorted(ids)
    }


def disqualified_unit_ids(year: int) -> set[int]:
    """Units not eligible for `year`'s award once reinstatements are taken into account.
    Three queries: only units a notice names can be disqualified."""
    rule = rule_of(EligibilityRule.current())
    facts = _notice_facts(year, None)
    reinstated = _reinstated(year, set(facts))
    return {
        uid
        for uid, notices in facts.items()
        if not rules.verdict(year, notices, rule, uid in reinstated).eligible
    }


# --- pages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityRow:
    unit: Unit
    verdict: Verdict


def eligibility_table(year: int) -> list[EligibilityRow]:
    """Every unit's verdict, the disqualified first, then the reinstated, then by how close
    each came (counting notices), then in the network's order."""
    verdicts = eligibility(year)
    units = Unit.objects.in_bulk(list(verdicts))
    rows = [EligibilityRow(units[uid], v) for uid, v in verdicts.items() if uid in units]
    rows.sort(
        key=lambda r: (
            r.verdict.eligible,
            not r.verdict.reinstated,
            -(r.verdict.upper + r.verdict.own),
            r.unit.sort_order,
            r.unit.code,
        )
    )
    return rows


@dataclass(frozen=True)
class NoticeBehind:
    """A notice naming the unit, with the unit's violations it names and whether it counts."""

    notice: CriticismNotice
    violations: list[Violation]
    counts: bool


def notices_naming(unit: Unit, year: int, verdict: Verdict) -> list[NoticeBehind]:
    """The issued notices of `year` naming the unit (counting or not), each with the unit's
    violations it names: two queries."""
    notices = (
        CriticismNotice.objects.filter(status=NoticeStatus.ISSUED, year=year, units=unit)
        .prefetch_related(
            Prefetch(
                "violations",
                queryset=Violation.objects.filter(unit=unit).select_related("incident"),
                to_attr="unit_violations",
            )
        )
        .order_by("issued_on", "pk")
    )
    counting = set(verdict.notice_ids)
    return [NoticeBehind(n, list(n.unit_violations), n.pk in counting) for n in notices]


def reinstatements_of(unit: Unit, year: int) -> QuerySet[Reinstatement]:
    return Reinstatement.objects.filter(unit=unit, year=year).select_related(
        "decided_by", "revoked_by"
    )


PENDING_FIRST = Case(
    When(status=ViolationStatus.PENDING, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


def queue(violations: QuerySet[Violation], filters: dict[str, Any]) -> QuerySet[Violation]:
    """The violations a list shows: pending first, newest first, with what the rows need."""
    rows = violations
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("unit"):
        rows = rows.filter(unit=filters["unit"])
    if filters.get("year"):
        rows = rows.filter(occurred_on__year=filters["year"])
    return (
        rows.select_related("unit", "incident", "item")
        .annotate(pending_first=PENDING_FIRST, explained=Count("explanations"))
        .order_by("pending_first", "-occurred_on", "-pk")
    )


def status_counts(violations: QuerySet[Violation]) -> dict[str, int]:
    counts = dict(
        violations.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {s: counts.get(s, 0) for s in ViolationStatus.values}


def compilable(year: int | None = None) -> QuerySet[Violation]:
    """Confirmed violations no own notice has taken up yet (a draft holds its violations)."""
    rows = Violation.objects.filter(status=ViolationStatus.CONFIRMED).exclude(
        notices__issuer=Issuer.OWN
    )
    if year:
        rows = rows.filter(occurred_on__year=year)
    return rows.select_related("unit", "incident", "item").order_by(
        "unit__sort_order", "occurred_on"
    )


def notice_units(notice: CriticismNotice) -> list[Unit]:
    return list(notice.units.order_by("sort_order", "code"))


def notice_violations(notice: CriticismNotice) -> list[Violation]:
    return list(
        notice.violations.select_related("unit", "incident", "report", "item").order_by(
            "unit__sort_order", "occurred_on", "pk"
        )
    )


def unit_people(unit_ids: Sequence[int]) -> list[User]:
    """The active staff of the units, to whom what concerns their unit is sent."""
    return list(User.objects.filter(unit_id__in=unit_ids, role__in=UNIT_STAFF, is_active=True))
