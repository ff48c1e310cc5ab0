"""Writes to the points ledger. The ledger is derived data: `rebuild` recomputes a year's
entries from the facts under the current point table, in one transaction."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.actions import record
from bulletins.models import FollowUpTask, Instruction, Publication
from emergencies.models import ExpectedReport, ExpectKind, ExpectStatus
from org.models import User
from scoring import rules
from scoring.models import RuleKind, ScoreEntry, ScoreRule
from submissions.models import Adoption, InfoItem


@dataclass(frozen=True)
class RebuildResult:
    year: int | None
    entries: int
    total: Decimal
    deleted: int


def _rules() -> list[rules.Rule]:
    return [
        rules.Rule(
            code=r.code,
            kind=r.kind,
            points=r.points,
            level=r.level,
            publication_id=r.publication_id,
            forwarded_multiplier=r.forwarded_multiplier,
        )
        for r in ScoreRule.objects.filter(active=True)
    ]


def _joint_units(item_filter: Q) -> dict[int, list[int]]:
    """Joint units per item, in one query."""
    through = InfoItem.joint_units.through
    joint: dict[int, list[int]] = defaultdict(list)
    pairs = (
        through.objects.filter(item_filter)
        .order_by("unit_id")
        .values_list("infoitem_id", "unit_id")
    )
    for item_id, unit_id in pairs:
        joint[item_id].append(unit_id)
    return joint


def _year_range(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def load_facts(year: int | None) -> rules.Facts:
    """Everything the rules need, in a fixed number of queries (five)."""
    adoptions = Adoption.objects.select_related("item", "publication")
    if year is not None:
        adoptions = adoptions.filter(adopted_on__year=year)
    # Instructions are loaded for every year: whether one earns a bonus depends on whether an
    # earlier one at the same level exists, possibly in an earlier year.
    instructions = Instruction.objects.select_related("item")
    tasks = FollowUpTask.objects.select_related("instruction__item")
    solicited = ExpectedReport.objects.filter(kind=ExpectKind.SOLICITED).select_related(
        "solicitation"
    )
    if year is not None:
        start, end = _year_range(year)
        tasks = tasks.filter(due_at__gte=start, due_at__lt=end)
        solicited = solicited.filter(due_at__gte=start, due_at__lt=end)
    adoption_rows = list(adoptions)
    instruction_rows = list(instructions)
    item_ids = {a.item_id for a in adoption_rows} | {i.item_id for i in instruction_rows}
    joint = _joint_units(Q(infoitem_id__in=item_ids)) if item_ids else {}

    def units(item: InfoItem) -> tuple[int, ...]:
        return (item.unit_id, *(u for u in joint.get(item.pk, []) if u != item.unit_id))

    local: Callable[[datetime], datetime] = timezone.localtime
    return rules.Facts(
        adoptions=[
            rules.AdoptionFact(
                id=a.pk,
                units=units(a.item),
                publication_id=a.publication_id,
                level=a.level,
                on=a.adopted_on,
                forwarded=a.item.forwarded_at is not None,
                label=f"《{a.publication.name}》{a.item.title}",
            )
            for a in adoption_rows
        ],
        instructions=[
            rules.InstructionFact(
                id=i.pk,
                item_id=i.item_id,
                units=units(i.item),
                level=i.level,
                on=i.instructed_on,
                label=f"{i.leader_name}：{i.item.title}",
            )
            for i in instruction_rows
        ],
        tasks=[
            rules.TaskFact(
                id=t.pk,
                unit=t.unit_id,
                due_at=t.due_at,
                due_on=local(t.due_at).date(),
                filed_at=t.filed_at,
                label=t.instruction.item.title,
            )
            for t in tasks
        ],
        solicited=[
            rules.SolicitedFact(
                id=s.pk,
                unit=s.unit_id,
                due_at=s.due_at,
                due_on=local(s.due_at).date(),
                met=s.status == ExpectStatus.MET,
                cancelled=s.status == ExpectStatus.CANCELLED,
                label=s.solicitation.topic if s.solicitation else "",
            )
            for s in solicited
        ],
    )


def rebuild(
    year: int | None = None, as_of: datetime | None = None, actor: User | None = None
) -> RebuildResult:
    """Recompute the ledger for `year` (every year if None) as of `as_of` (now if None).
    Idempotent: rebuilding twice gives the same rows."""
    as_of = as_of or timezone.now()
    rule_ids = dict(ScoreRule.objects.values_list("code", "pk"))
    lines = rules.ledger_lines(load_facts(year), _rules(), as_of)
    if year is not None:
        lines = [line for line in lines if line.on.year == year]
    entries = [
        ScoreEntry(
            unit_id=line.unit,
            points=line.points,
            rule_id=rule_ids[line.rule],
            source_kind=line.source_kind,
            source_id=line.source_id,
            source_label=line.label[:200],
            occurred_on=line.on,
            year=line.on.year,
            month=line.on.month,
        )
        for line in lines
    ]
    with transaction.atomic():
        stale = ScoreEntry.objects.all() if year is None else ScoreEntry.objects.filter(year=year)
        deleted, _ = stale.delete()
        ScoreEntry.objects.bulk_create(entries, batch_size=1000)
        total = sum((e.points for e in entries), Decimal(0))
        record(
            actor,
            "ledger_rebuilt",
            f"year:{year}" if year is not None else "year:all",
            {"entries": len(entries), "total": str(total), "as_of": as_of.isoformat()},
        )
    return RebuildResult(year=year, entries=len(entries), total=total, deleted=deleted)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v if isinstance(v, bool | int | str | type(None)) else str(v))
        for k, v in values.items()
    }


RULE_FIELDS = ("points", "forwarded_multiplier", "active", "note")


def update_rules(actor: User, changes: list[tuple[ScoreRule, dict[str, Any]]]) -> int:
    """Apply validated edits to point-table rows, all or nothing, one audit entry per changed
    row. The ledger is not rebuilt: the new values apply at the next rebuild."""
    changed = 0
    with transaction.atomic():
        for rule, values in changes:
            # A bound ModelForm has already copied its values onto `rule`: read the row.
            stored = ScoreRule.objects.select_for_update().get(pk=rule.pk)
            before = {k: getattr(stored, k) for k in RULE_FIELDS}
            after = {k: values.get(k, before[k]) for k in RULE_FIELDS}
            if after == before:
                continue
            for k, v in after.items():
                setattr(stored, k, v)
            stored.save()
            record(
                actor,
                "score_rule_changed",
                str(stored),
                {"before": _plain(before), "after": _plain(after)},
            )
            changed += 1
    return changed


def add_publication_rule(
    actor: User,
    publication: Publication,
    points: Decimal,
    forwarded_multiplier: Decimal = Decimal(1),
    note: str = "",
) -> ScoreRule:
    """An adoption rule for one publication, which overrides its level's default."""
    code = f"adoption-{publication.code}"[:40]
    with transaction.atomic():
        if ScoreRule.objects.filter(code=code).exists():
            code = f"adoption-publication-{publication.pk}"
        rule = ScoreRule.objects.create(
            code=code,
            kind=RuleKind.ADOPTION,
            level=publication.level,
            publication=publication,
            points=points,
            forwarded_multiplier=forwarded_multiplier,
            note=note,
        )
        after = {k: getattr(rule, k) for k in RULE_FIELDS}
        record(
            actor,
            "score_rule_added",
            str(rule),
            {"publication": publication.code, "after": _plain(after)},
        )
    return rule
