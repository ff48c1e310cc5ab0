"""Writes of the archive's analysis: merging duplicates (and undoing it), marking typical
cases, editing the analysis policy. One transaction per call, each audited.

Credit for merged items: every unit behind a merged duplicate becomes a joint unit of the main
item (`rules.merged_credit`), so when the main item is adopted or instructed the points
ledger's joint split credits each of them; undoing the merge takes the unit off again. A
duplicate that has been adopted or instructed itself cannot be merged into another item — its
unit would be credited twice — but it can be the main record.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record, save_change
from emergencies.access import visible_incidents
from emergencies.models import Incident
from insight import rules
from insight.models import InsightPolicy
from insight.queries import (
    IN_SECTION,
    has_own_credit,
    may_merge_incidents,
    may_merge_items,
)
from org.models import User
from org.roles import Capability
from submissions.models import (
    EventKind,
    InfoItem,
    ItemEvent,
    TypicalCase,
)
from submissions.queries import visible_items
from xinbao.core.errors import ActionError as ActionError  # re-exported for callers


def _refusal_message(refusal: rules.MergeRefusal, main_pk: int) -> str:
    messages = {
        rules.MergeRefusal.SAME: _("A record cannot be merged into itself."),
        rules.MergeRefusal.NOT_IN_SECTION: _(
            "Only items that have reached the information section can be merged."
        ),
        rules.MergeRefusal.ALREADY: _("It is already merged into #%(pk)s.") % {"pk": main_pk},
        rules.MergeRefusal.ELSEWHERE: _(
            "It is already merged into another record: undo that merge first."
        ),
        rules.MergeRefusal.OWN_CREDIT: _(
            "It has been adopted or instructed itself: keep it as the main record instead."
        ),
    }
    return messages[refusal]


def _root(model: Any, pk: int) -> int:
    """The main record of the cluster `pk` belongs to (itself if it is a main record)."""
    found = model.objects.filter(pk=pk).values_list("duplicate_of_id", flat=True).first()
    if found is None and not model.objects.filter(pk=pk).exists():
        raise ActionError(_("That record does not exist."))
    return int(found or pk)


def _lock(model: Any, pks: Iterable[int]) -> dict[int, Any]:
    """Lock rows in primary-key order, so two merges at once cannot deadlock."""
    rows = model.objects.select_for_update().filter(pk__in=sorted(set(pks))).order_by("pk")
    return {row.pk: row for row in rows}


@dataclass(frozen=True)
class MergeResult:
    main: Any
    duplicate: Any
    moved: tuple[int, ...]  # records of the duplicate's own cluster that moved along


# --- Items -----------------------------------------------------------------------------------


def _units_of(items: Iterable[InfoItem]) -> set[int]:
    through = InfoItem.joint_units.through
    items = list(items)
    units = {i.unit_id for i in items}
    units.update(
        through.objects.filter(infoitem_id__in=[i.pk for i in items]).values_list(
            "unit_id", flat=True
        )
    )
    return units


def _recredit(main: InfoItem) -> dict[str, list[int]]:
    """Recompute the main item's joint units from its merged duplicates."""
    before = sorted(main.joint_units.values_list("pk", flat=True))
    joint, merged = rules.merged_credit(
        main.unit_id,
        set(before),
        set(main.merged_unit_ids or []),
        _units_of(InfoItem.objects.filter(duplicate_of=main)),
    )
    main.joint_units.set(sorted(joint))
    main.merged_unit_ids = sorted(merged)
    InfoItem.objects.filter(pk=main.pk).update(merged_unit_ids=main.merged_unit_ids)
    return {"before": before, "after": sorted(joint)}


def _item_event(item: InfoItem, kind: str, actor: User, comment: str) -> None:
    ItemEvent.objects.create(
        item=item,
        kind=kind,
        actor=actor,
        from_state=item.state,
        to_state=item.state,
        comment=comment,
    )


def _label(item: Any) -> str:
    return f"#{item.pk}《{item.title}》"


def do_merge_items(actor: User, duplicate_id: int, main_id: int) -> MergeResult:
    """Merge an item into another one's cluster as a duplicate. If `main_id` is itself merged,
    the duplicate joins its main record; if the duplicate has duplicates of its own, they move
    along. The duplicate keeps its text, state and history and is linked both ways."""
    if not may_merge_items(actor):
        raise ActionError(_("Only the information section merges duplicates."))
    with transaction.atomic():
        root_id = _root(InfoItem, main_id)
        visible = set(
            visible_items(actor).filter(pk__in=[duplicate_id, root_id]).values_list("pk", flat=True)
        )
        if {duplicate_id, root_id} - visible:
            raise ActionError(_("You do not have access to this item."))
        rows = _lock(InfoItem, [duplicate_id, root_id])
        duplicate, main = rows[duplicate_id], rows[root_id]
        if main.duplicate_of_id is not None:
            raise ActionError(_("Someone else changed this item just now. Please reload the page."))
        refusal = rules.merge_refusal(
            rules.MergeFacts(
                duplicate.pk,
                duplicate.state in IN_SECTION,
                duplicate.duplicate_of_id,
                has_own_credit(duplicate.pk),
            ),
            rules.MergeFacts(main.pk, main.state in IN_SECTION),
        )
        if refusal is not None:
            raise ActionError(_refusal_message(refusal, main.pk))
        moved = list(_lock(InfoItem, duplicate.duplicates.values_list("pk", flat=True)).values())
        now = timezone.now()
        InfoItem.objects.filter(pk=duplicate.pk).update(duplicate_of=main, merged_at=now)
        duplicate.duplicate_of, duplicate.merged_at = main, now
        if moved:
            InfoItem.objects.filter(pk__in=[m.pk for m in moved]).update(duplicate_of=main)
        if duplicate.merged_unit_ids:
            _recredit(duplicate)  # no longer a main record: its merged units leave it
        credit = _recredit(main)
        _item_event(
            duplicate, EventKind.MERGED, actor, _("Merged into %(main)s") % {"main": _label(main)}
        )
        _item_event(
            main,
            EventKind.MERGED,
            actor,
            _("%(dup)s merged into this item") % {"dup": _label(duplicate)},
        )
        for member in moved:
            _item_event(
                member, EventKind.MERGED, actor, _("Merged into %(main)s") % {"main": _label(main)}
            )
        record(
            actor,
            "items_merged",
            f"item:{duplicate.pk}",
            {"main": main.pk, "moved": [m.pk for m in moved], "joint_units": credit},
        )
    return MergeResult(main, duplicate, tuple(m.pk for m in moved))


def do_unmerge_item(actor: User, item_id: int) -> MergeResult:
    """Take a merged item out of its cluster again; its unit's credit on the main item goes."""
    if not may_merge_items(actor):
        raise ActionError(_("Only the information section merges duplicates."))
    with transaction.atomic():
        if not visible_items(actor).filter(pk=item_id).exists():
            raise ActionError(_("You do not have access to this item."))
        root_id = _root(InfoItem, item_id)
        rows = _lock(InfoItem, [item_id, root_id])
        item, main = rows[item_id], rows[root_id]
        if item.duplicate_of_id != main.pk or item.pk == main.pk:
            raise ActionError(_("This item is not merged into another one."))
        InfoItem.objects.filter(pk=item.pk).update(duplicate_of=None, merged_at=None)
        item.duplicate_of, item.merged_at = None, None
        credit = _recredit(main)
        _item_event(
            item, EventKind.UNMERGED, actor, _("Taken out of %(main)s") % {"main": _label(main)}
        )
        _item_event(
            main, EventKind.UNMERGED, actor, _("%(dup)s taken out again") % {"dup": _label(item)}
        )
        record(actor, "item_unmerged", f"item:{item.pk}", {"main": main.pk, "joint_units": credit})
    return MergeResult(main, item, ())


# --- Incidents -------------------------------------------------------------------------------


def do_merge_incidents(actor: User, duplicate_id: int, main_id: int) -> MergeResult:
    """Merge an incident into another one's cluster as a duplicate report of the same event.
    Each keeps its own reports and deadlines, so every unit keeps the record of what it
    reported and when; the two pages link to each other."""
    if not may_merge_incidents(actor):
        raise ActionError(_("Only the information section merges duplicates."))
    with transaction.atomic():
        root_id = _root(Incident, main_id)
        visible = set(
            visible_incidents(actor)
            .filter(pk__in=[duplicate_id, root_id])
            .values_list("pk", flat=True)
        )
        if {duplicate_id, root_id} - visible:
            raise ActionError(_("You do not have access to this incident."))
        rows = _lock(Incident, [duplicate_id, root_id])
        duplicate, main = rows[duplicate_id], rows[root_id]
        if main.duplicate_of_id is not None:
            raise ActionError(
                _("Someone else changed this incident just now. Please reload the page.")
            )
        refusal = rules.merge_refusal(
            rules.MergeFacts(duplicate.pk, duplicate_of=duplicate.duplicate_of_id),
            rules.MergeFacts(main.pk),
        )
        if refusal is not None:
            raise ActionError(_refusal_message(refusal, main.pk))
        moved = list(_lock(Incident, duplicate.duplicates.values_list("pk", flat=True)))
        now = timezone.now()
        Incident.objects.filter(pk=duplicate.pk).update(duplicate_of=main, merged_at=now)
        duplicate.duplicate_of, duplicate.merged_at = main, now
        if moved:
            Incident.objects.filter(pk__in=moved).update(duplicate_of=main)
        record(
            actor,
            "incidents_merged",
            f"incident:{duplicate.pk}",
            {"main": main.pk, "moved": sorted(moved)},
        )
    return MergeResult(main, duplicate, tuple(sorted(moved)))


def do_unmerge_incident(actor: User, incident_id: int) -> MergeResult:
    if not may_merge_incidents(actor):
        raise ActionError(_("Only the information section merges duplicates."))
    with transaction.atomic():
        if not visible_incidents(actor).filter(pk=incident_id).exists():
            raise ActionError(_("You do not have access to this incident."))
        root_id = _root(Incident, incident_id)
        rows = _lock(Incident, [incident_id, root_id])
        incident, main = rows[incident_id], rows[root_id]
        if incident.duplicate_of_id != main.pk or incident.pk == main.pk:
            raise ActionError(_("This incident is not merged into another one."))
        Incident.objects.filter(pk=incident.pk).update(duplicate_of=None, merged_at=None)
        incident.duplicate_of, incident.merged_at = None, None
        record(actor, "incident_unmerged", f"incident:{incident.pk}", {"main": main.pk})
    return MergeResult(main, incident, ())


# --- Typical cases ---------------------------------------------------------------------------


def do_mark_typical(actor: User, item_id: int, kind: str, note: str = "") -> InfoItem:
    """Mark an item as a good or bad typical case (正面/反面典型), or clear the mark."""
    if not actor.can(Capability.REVIEW):
        raise ActionError(_("Only the information section marks typical cases."))
    if kind and kind not in TypicalCase.values:
        raise ActionError(_("Choose a good or a bad typical case."))
    note = note.strip()[:200]
    with transaction.atomic():
        if not visible_items(actor).filter(pk=item_id).exists():
            raise ActionError(_("You do not have access to this item."))
        item = InfoItem.objects.select_for_update().get(pk=item_id)
        if item.state not in IN_SECTION:
            raise ActionError(
                _("Only items that have reached the information section can be marked.")
            )
        before = {"typical": item.typical, "note": item.typical_note}
        after = {"typical": kind, "note": note if kind else ""}
        if before == after:
            raise ActionError(_("Nothing was changed."))
        InfoItem.objects.filter(pk=item.pk).update(
            typical=after["typical"], typical_note=after["note"]
        )
        item.typical, item.typical_note = after["typical"], after["note"]
        label = item.get_typical_display() if kind else _("mark cleared")
        _item_event(
            item, EventKind.TYPICAL, actor, f"{label}{'：' + note if note and kind else ''}"
        )
        record(actor, "item_typical", f"item:{item.pk}", {"before": before, "after": after})
    return item


# --- The policy row --------------------------------------------------------------------------

POLICY_FIELDS = (
    "duplicate_window_days",
    "duplicate_threshold",
    "trend_baseline_weeks",
    "trend_min_count",
    "trend_z",
    "trend_stop_words",
    "silent_days",
)


def do_update_policy(actor: User, values: dict[str, Any]) -> bool:
    """Apply validated values to the analysis policy; audited with before and after. Returns
    whether anything changed."""
    if not actor.can(Capability.EDIT_ANALYSIS_POLICY):
        raise ActionError(_("Only the section chief edits the analysis policy."))
    with transaction.atomic():
        policy = InsightPolicy.locked()
        after = {k: values.get(k, getattr(policy, k)) for k in POLICY_FIELDS}
        return save_change(actor, "archive_policy_changed", policy, after, "archive_policy")
