"""Writes to the points ledger and its policy. The ledger is derived data, kept live by the
worker (`scoring.live`); `rebuild` recomputes a year's entries from the facts under the current
point table, in one transaction — the chief's 重算, and the proof the live ledger is checked
against.
Every change of policy (point table, classes, assignments, award tiers) is audited."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit.actions import plain, record, save_change
from bulletins.models import Publication
from org.models import Unit, User
from org.roles import Capability
from scoring import ledger, rules
from scoring.facts import active_rules, load_facts
from scoring.models import (
    AwardTier,
    ClassAssignment,
    LedgerChange,
    RuleKind,
    ScoreRule,
    UnitClass,
)

__all__ = ["load_facts", "rebuild"]


@dataclass(frozen=True)
class RebuildResult:
    year: int | None
    entries: int
    total: Decimal
    deleted: int


def rebuild(
    year: int | None = None, as_of: datetime | None = None, actor: User | None = None
) -> RebuildResult:
    """Recompute the ledger for `year` (every year if None) as of `as_of` (now if None).
    Idempotent: rebuilding twice gives the same rows. A fixed number of queries."""
    as_of = as_of or timezone.now()
    with transaction.atomic():
        ledger.serialise()
        # Changes committed before the facts are read are counted by a rebuild of every year:
        # their outbox rows go with it (later ones stay for the worker).
        covered = ledger.last_change() if year is None else 0
        lines = rules.ledger_lines(
            load_facts(year), active_rules(), as_of, year, timezone.get_current_timezone()
        )
        total = sum((line.points for line in lines), Decimal(0))
        deleted = ledger.replace(lines, year=year)
        if year is None:
            LedgerChange.objects.filter(pk__lte=covered).delete()
        ledger.mark_computed(as_of)
        record(
            actor,
            "ledger_rebuilt",
            f"year:{year}" if year is not None else "year:all",
            {"entries": len(lines), "total": str(total), "as_of": as_of.isoformat()},
        )
    return RebuildResult(year=year, entries=len(lines), total=total, deleted=deleted)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: plain(v) for k, v in values.items()}


RULE_FIELDS = ("points", "forwarded_multiplier", "threshold", "active", "note")


def _need_point_table(actor: User) -> None:
    """The view asks first; the action holds the rule too, whoever calls it."""
    if not actor.can(Capability.EDIT_POINT_TABLE):
        raise PermissionDenied


def update_rules(actor: User, changes: list[tuple[ScoreRule, dict[str, Any]]]) -> int:
    """Apply validated edits to point-table rows, all or nothing, one audit entry per changed
    row. The ledger is not rebuilt here: the rows' trigger queues every unit, and the worker
    recomputes them within a round."""
    _need_point_table(actor)
    changed = 0
    with transaction.atomic():
        for rule, values in changes:
            # A bound ModelForm has already copied its values onto `rule`: read the row.
            stored = ScoreRule.objects.select_for_update().get(pk=rule.pk)
            after = {k: values.get(k, getattr(stored, k)) for k in RULE_FIELDS}
            changed += save_change(actor, "score_rule_changed", stored, after)
    return changed


def add_publication_rule(
    actor: User,
    publication: Publication,
    points: Decimal,
    forwarded_multiplier: Decimal = Decimal(1),
    note: str = "",
) -> ScoreRule:
    """An adoption rule for one publication, which overrides its level's default."""
    _need_point_table(actor)
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


def apply_rules(
    actor: User,
    changes: list[tuple[ScoreRule, dict[str, Any]]],
    year: int,
    as_of: datetime | None = None,
) -> tuple[int, RebuildResult]:
    """Save the previewed edits (audited, as `update_rules`) and rebuild `year` under them,
    in one transaction: the ledger never shows a table that was not applied."""
    _need_point_table(actor)
    with transaction.atomic():
        changed = update_rules(actor, changes)
        result = rebuild(year, as_of, actor)
    return changed, result


# --- unit classes, assignments and award tiers ---------------------------------------------

CLASS_FIELDS = ("name", "monthly_quota", "sort_order", "award_floor")
TIER_FIELDS = ("name", "position", "places", "min_points")


def _changed_rows(
    model: type[UnitClass] | type[AwardTier],
    fields: tuple[str, ...],
    changes: list[tuple[Any, dict[str, Any]]],
    actor: User,
    action: str,
) -> int:
    changed = 0
    for row, values in changes:
        stored = model.objects.select_for_update().get(pk=row.pk)
        after = {k: values.get(k, getattr(stored, k)) for k in fields}
        changed += save_change(actor, action, stored, after)
    return changed


def save_classes(
    actor: User,
    changes: list[tuple[UnitClass, dict[str, Any]]],
    new: dict[str, Any] | None = None,
) -> int:
    """Edit the classes (name, quota, order) and add one, all or nothing, each audited."""
    _need_point_table(actor)
    with transaction.atomic():
        changed = _changed_rows(UnitClass, CLASS_FIELDS, changes, actor, "unit_class_changed")
        if new:
            added = UnitClass.objects.create(**{k: new[k] for k in CLASS_FIELDS})
            record(actor, "unit_class_added", str(added), {"after": _plain(new)})
            changed += 1
    return changed


def remove_class(actor: User, unit_class: UnitClass) -> None:
    """Remove a class no unit belongs to (its award tiers go with it)."""
    _need_point_table(actor)
    with transaction.atomic():
        stored = UnitClass.objects.select_for_update().get(pk=unit_class.pk)
        if stored.assignments.exists():
            raise ValueError("class in use")
        record(
            actor,
            "unit_class_removed",
            str(stored),
            {"before": _plain({k: getattr(stored, k) for k in CLASS_FIELDS})},
        )
        stored.delete()


def save_tiers(
    actor: User,
    unit_class: UnitClass,
    changes: list[tuple[AwardTier, dict[str, Any]]],
    removed: list[AwardTier],
    new: dict[str, Any] | None = None,
) -> int:
    """Edit, remove and add a class's award tiers, all or nothing, each audited."""
    _need_point_table(actor)
    with transaction.atomic():
        changed = _changed_rows(AwardTier, TIER_FIELDS, changes, actor, "award_tier_changed")
        for tier in removed:
            before = {k: getattr(tier, k) for k in TIER_FIELDS}
            AwardTier.objects.filter(pk=tier.pk, unit_class=unit_class).delete()
            record(
                actor,
                "award_tier_removed",
                f"{unit_class}:{tier}",
                {"before": _plain(before)},
            )
            changed += 1
        if new:
            tier = AwardTier.objects.create(
                unit_class=unit_class, **{k: new[k] for k in TIER_FIELDS}
            )
            record(actor, "award_tier_added", f"{unit_class}:{tier}", {"after": _plain(new)})
            changed += 1
    return changed


def assign_units(actor: User, rows: list[tuple[Unit, UnitClass | None, date | None]]) -> int:
    """Put units in classes (None: in no class) with the month their quota counts from,
    all or nothing; one audit entry per unit whose class or start month changed."""
    _need_point_table(actor)
    changed = 0
    with transaction.atomic():
        current = {
            a.unit_id: a
            for a in ClassAssignment.objects.select_for_update().filter(
                unit_id__in=[unit.pk for unit, _, _ in rows]
            )
        }
        for unit, unit_class, since in rows:
            row = current.get(unit.pk)
            before = (
                {"class": str(row.unit_class), "quota_from": str(row.quota_from)} if row else None
            )
            if unit_class is None or since is None:
                if row is None:
                    continue
                row.delete()
                after = None
            else:
                since = since.replace(day=1)
                if row is None:
                    ClassAssignment.objects.create(
                        unit=unit, unit_class=unit_class, quota_from=since
                    )
                elif (row.unit_class_id, row.quota_from) == (unit_class.pk, since):
                    continue
                else:
                    row.unit_class, row.quota_from = unit_class, since
                    row.save()
                after = {"class": str(unit_class), "quota_from": str(since)}
            record(actor, "unit_class_assigned", unit.code, {"before": before, "after": after})
            changed += 1
    return changed
