"""Reading the sources of the ledger as plain facts for `scoring.rules`.

A year of a large province is a million ledger lines, so everything is read with
`values_list` (no model instances) in a fixed number of queries, whatever the number of rows.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from accountability.models import CriticismNotice, Violation
from bulletins.deadline_kinds import EditorialKind
from bulletins.models import Adoption, FollowUpTask, Instruction, own_level, upper_issue_label
from deadlines.models import ExpectedReport, ExpectStatus
from scoring import rules
from scoring.models import ClassAssignment, ScoreRule
from submissions.models import InfoItem

RULE_VALUES = (
    "code",
    "kind",
    "points",
    "level",
    "publication_id",
    "forwarded_multiplier",
    "violation_kind",
    "threshold",
    "active",
)


def rule_of(values: dict[str, Any]) -> rules.Rule:
    return rules.Rule(
        code=values["code"],
        kind=values["kind"],
        points=values["points"],
        level=values["level"],
        publication_id=values["publication_id"],
        forwarded_multiplier=values["forwarded_multiplier"],
        violation_kind=values["violation_kind"],
        threshold=values["threshold"],
    )


def active_rules(overrides: dict[str, dict[str, Any]] | None = None) -> list[rules.Rule]:
    """The active rules of the point table; `overrides` (by code) are proposed values that
    replace the stored ones — a preview's table."""
    result = []
    for values in ScoreRule.objects.values(*RULE_VALUES):
        values = {**values, **(overrides or {}).get(values["code"], {})}
        if values["active"]:
            result.append(rule_of(values))
    return result


def year_range(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def _days(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _joint_units(item_ids: Iterable[QuerySet[Any]]) -> dict[int, list[int]]:
    """Joint units per item, for the items the subqueries select: one query."""
    through = InfoItem.joint_units.through
    condition = Q()
    for subquery in item_ids:
        condition |= Q(infoitem_id__in=subquery)
    joint: dict[int, list[int]] = defaultdict(list)
    pairs = (
        through.objects.filter(condition).order_by("unit_id").values_list("infoitem_id", "unit_id")
    )
    for item_id, unit_id in pairs:
        joint[item_id].append(unit_id)
    return joint


def month_counts(
    year: int | None, unit_id: int | None = None, unit_ids: Collection[int] | None = None
) -> list[rules.MonthCount]:
    """Items that left each unit (or one, or some) per local month, joint units included: two
    queries."""
    items = InfoItem.objects.filter(submitted_at__isnull=False)
    through: QuerySet[Any] = InfoItem.joint_units.through.objects.filter(
        infoitem__submitted_at__isnull=False
    )
    if unit_id is not None:
        items = items.filter(unit_id=unit_id)
        through = through.filter(unit_id=unit_id)
    if unit_ids is not None:
        items = items.filter(unit_id__in=list(unit_ids))
        through = through.filter(unit_id__in=list(unit_ids))
    if year is not None:
        start, end = year_range(year)
        items = items.filter(submitted_at__gte=start, submitted_at__lt=end)
        through = through.filter(infoitem__submitted_at__gte=start, infoitem__submitted_at__lt=end)
    lead = (
        items.order_by()
        .annotate(y=ExtractYear("submitted_at"), m=ExtractMonth("submitted_at"))
        .values("unit_id", "y", "m")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "y", "m", "n")
    )
    joint = (
        through.exclude(unit_id=F("infoitem__unit_id"))
        .order_by()
        .annotate(y=ExtractYear("infoitem__submitted_at"), m=ExtractMonth("infoitem__submitted_at"))
        .values("unit_id", "y", "m")
        .annotate(n=Count("infoitem_id"))
        .values_list("unit_id", "y", "m", "n")
    )
    return [rules.MonthCount(u, y, m, n) for rows in (lead, joint) for u, y, m, n in rows]


def quota_facts(unit_ids: Iterable[int] | None = None) -> list[rules.QuotaFact]:
    assignments = ClassAssignment.objects.all()
    if unit_ids is not None:
        assignments = assignments.filter(unit_id__in=list(unit_ids))
    return [
        rules.QuotaFact(unit, quota, since)
        for unit, quota, since in assignments.order_by("unit_id").values_list(
            "unit_id", "unit_class__monthly_quota", "quota_from"
        )
    ]


def _issue(number: str, on: date | None) -> str:
    """A provincial or central adoption's issue in its ledger line's label, then a space."""
    label = upper_issue_label(number, on)
    return f"{label} " if label else ""


def load_facts(year: int | None, only: Collection[int] | None = None) -> rules.Facts:
    """Everything the rules need, in a fixed number of queries (ten). With `only` (unit
    ids), the facts that can earn those units points (an item's facts whole, with every unit
    it is shared with): the worker's recompute of a few units."""
    adoptions = Adoption.objects.all()
    # Instructions are loaded for every year: whether one earns a bonus depends on whether an
    # earlier one at the same level exists, possibly in an earlier year.
    instructions = Instruction.objects.all()
    tasks = FollowUpTask.objects.all()
    solicited = ExpectedReport.objects.filter(kind=EditorialKind.SOLICITED)
    violations = Violation.objects.all()
    links = CriticismNotice.violations.through.objects.all()
    if only is not None:
        ids = list(only)
        # Two IN terms on the same indexed column, so the database answers each from an
        # index (an OR inside one subquery over the items would scan them all).
        theirs = Q(item_id__in=InfoItem.objects.filter(unit_id__in=ids).values("pk")) | Q(
            item_id__in=InfoItem.joint_units.through.objects.filter(unit_id__in=ids).values(
                "infoitem_id"
            )
        )
        adoptions = adoptions.filter(theirs)
        instructions = instructions.filter(theirs)
        tasks = tasks.filter(unit_id__in=ids)
        solicited = solicited.filter(unit_id__in=ids)
        violations = violations.filter(unit_id__in=ids)
        links = links.filter(violation__unit_id__in=ids)
    if year is not None:
        first, last = _days(year)
        start, end = year_range(year)
        adoptions = adoptions.filter(adopted_on__gte=first, adopted_on__lte=last)
        tasks = tasks.filter(due_at__gte=start, due_at__lt=end)
        solicited = solicited.filter(due_at__gte=start, due_at__lt=end)
        violations = violations.filter(occurred_on__gte=first, occurred_on__lte=last)
        links = links.filter(violation__occurred_on__gte=first, violation__occurred_on__lte=last)

    joint = _joint_units([adoptions.values("item_id"), instructions.values("item_id")])

    def units(item_id: int, lead: int) -> tuple[int, ...]:
        return (lead, *(u for u in joint.get(item_id, ()) if u != lead))

    notices: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for violation_id, issuer, status in links.order_by("criticismnotice_id").values_list(
        "violation_id", "criticismnotice__issuer", "criticismnotice__status"
    ):
        notices[violation_id].append((issuer, status))

    local = timezone.localtime
    return rules.Facts(
        own_level=own_level(),
        adoptions=[
            rules.AdoptionFact(
                id=pk,
                units=units(item_id, lead),
                publication_id=publication_id,
                level=level,
                on=on,
                forwarded=forwarded_at is not None,
                label=f"《{publication}》{_issue(number, issue_on)}{title}",
            )
            for (
                pk,
                item_id,
                lead,
                publication_id,
                level,
                on,
                forwarded_at,
                publication,
                title,
                number,
                issue_on,
            ) in (
                adoptions.order_by().values_list(
                    "pk",
                    "item_id",
                    "item__unit_id",
                    "publication_id",
                    "level",
                    "adopted_on",
                    "item__forwarded_at",
                    "publication__name",
                    "item__title",
                    "upper_issue_number",
                    "upper_issue_date",
                )
            )
        ],
        instructions=[
            rules.InstructionFact(
                id=pk,
                item_id=item_id,
                units=units(item_id, lead),
                level=level,
                on=on,
                label=f"{leader}：{title}",
            )
            for pk, item_id, lead, level, on, leader, title in instructions.order_by().values_list(
                "pk",
                "item_id",
                "item__unit_id",
                "level",
                "instructed_on",
                "leader_name",
                "item__title",
            )
        ],
        tasks=[
            rules.TaskFact(
                id=pk,
                unit=unit,
                due_at=due_at,
                due_on=local(due_at).date(),
                filed_at=filed_at,
                label=title,
            )
            for pk, unit, due_at, filed_at, title in tasks.order_by().values_list(
                "pk", "unit_id", "due_at", "filed_at", "instruction__item__title"
            )
        ],
        solicited=[
            rules.SolicitedFact(
                id=pk,
                unit=unit,
                due_at=due_at,
                due_on=local(due_at).date(),
                met=status == ExpectStatus.MET,
                cancelled=status == ExpectStatus.CANCELLED,
                label=topic or "",
            )
            for pk, unit, due_at, status, topic in solicited.order_by().values_list(
                "pk", "unit_id", "due_at", "status", "solicitation__topic"
            )
        ],
        violations=[
            rules.ViolationFact(
                id=pk,
                unit=unit,
                kind=kind,
                status=status,
                on=on,
                notices=tuple(notices.get(pk, ())),
                label=summary or incident or item or "",
            )
            for pk, unit, kind, status, on, summary, incident, item in (
                violations.order_by().values_list(
                    "pk",
                    "unit_id",
                    "kind",
                    "status",
                    "occurred_on",
                    "summary",
                    "incident__title",
                    "item__title",
                )
            )
        ],
        quotas=quota_facts(only),
        counts=month_counts(year, unit_ids=only),
    )
