"""Writes of the archive's analysis: merging duplicates (and undoing it), marking typical
cases, editing the analysis policy. One transaction per call, each audited.

Credit for merged items: every unit behind a merged duplicate becomes a joint unit of the main
item (`rules.merged_credit`), so when the main item is adopted or instructed the points
ledger's joint split credits each of them; undoing the merge takes the unit off again. A
duplicate that has been adopted or instructed itself cannot be merged into another item — its
unit would be credited twice — but it can be the main record.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.actions import record, save_change
from emergencies.access import visible_incidents
from emergencies.models import Incident
from insight import health, rules
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


# --- Items' credit and history ---------------------------------------------------------------


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


# --- One merge and one unmerge for both kinds -------------------------------------------------


@dataclass(frozen=True)
class MergeableKind:
    """What differs between merging items and merging incidents. The hooks run inside the
    transaction and return what they add to the audit row's details. The three messages are
    msgids (`gettext_noop`), translated when raised."""

    model: Any
    target: str  # the audit target's prefix, `item:12`
    may_merge: Callable[[User], bool]
    visible: Callable[[User], QuerySet[Any]]
    merged_action: str
    unmerged_action: str
    no_access: str
    changed_meanwhile: str
    not_merged: str
    facts: Callable[[Any], rules.MergeFacts]
    main_facts: Callable[[Any], rules.MergeFacts]
    after_merge: Callable[[User, Any, Any, list[Any]], dict[str, Any]]
    after_unmerge: Callable[[User, Any, Any], dict[str, Any]]


def do_merge(kind: MergeableKind, actor: User, duplicate_id: int, main_id: int) -> MergeResult:
    """Merge a record into another one's cluster as a duplicate. If `main_id` is itself merged,
    the duplicate joins its main record; if the duplicate has duplicates of its own, they move
    along. The duplicate keeps its own content and history and the two are linked both ways."""
    if not kind.may_merge(actor):
        raise ActionError(_("Only the information section merges duplicates."))
    model = kind.model
    with transaction.atomic():
        root_id = _root(model, main_id)
        visible = set(
            kind.visible(actor).filter(pk__in=[duplicate_id, root_id]).values_list("pk", flat=True)
        )
        if {duplicate_id, root_id} - visible:
            raise ActionError(_(kind.no_access))
        rows = _lock(model, [duplicate_id, root_id])
        duplicate, main = rows[duplicate_id], rows[root_id]
        if main.duplicate_of_id is not None:
            raise ActionError(_(kind.changed_meanwhile))
        refusal = rules.merge_refusal(kind.facts(duplicate), kind.main_facts(main))
        if refusal is not None:
            raise ActionError(_refusal_message(refusal, main.pk))
        moved = list(_lock(model, duplicate.duplicates.values_list("pk", flat=True)).values())
        now = timezone.now()
        model.objects.filter(pk=duplicate.pk).update(duplicate_of=main, merged_at=now)
        duplicate.duplicate_of, duplicate.merged_at = main, now
        if moved:
            model.objects.filter(pk__in=[m.pk for m in moved]).update(duplicate_of=main)
        details = {"main": main.pk, "moved": [m.pk for m in moved]}
        details.update(kind.after_merge(actor, duplicate, main, moved))
        record(actor, kind.merged_action, f"{kind.target}:{duplicate.pk}", details)
    return MergeResult(main, duplicate, tuple(m.pk for m in moved))


def do_unmerge(kind: MergeableKind, actor: User, pk: int) -> MergeResult:
    """Take a merged record out of its cluster again."""
    if not kind.may_merge(actor):
        raise ActionError(_("Only the information section merges duplicates."))
    model = kind.model
    with transaction.atomic():
        if not kind.visible(actor).filter(pk=pk).exists():
            raise ActionError(_(kind.no_access))
        root_id = _root(model, pk)
        rows = _lock(model, [pk, root_id])
        duplicate, main = rows[pk], rows[root_id]
        if duplicate.duplicate_of_id != main.pk or duplicate.pk == main.pk:
            raise ActionError(_(kind.not_merged))
        model.objects.filter(pk=duplicate.pk).update(duplicate_of=None, merged_at=None)
        duplicate.duplicate_of, duplicate.merged_at = None, None
        details: dict[str, Any] = {"main": main.pk}
        details.update(kind.after_unmerge(actor, duplicate, main))
        record(actor, kind.unmerged_action, f"{kind.target}:{duplicate.pk}", details)
    return MergeResult(main, duplicate, ())


# --- Items: merged units share the main item's credit, and the pages keep a history ---------


def _item_facts(item: InfoItem) -> rules.MergeFacts:
    return rules.MergeFacts(
        item.pk, item.state in IN_SECTION, item.duplicate_of_id, has_own_credit(item.pk)
    )


def _item_merged(
    actor: User, duplicate: InfoItem, main: InfoItem, moved: list[InfoItem]
) -> dict[str, Any]:
    if duplicate.merged_unit_ids:
        _recredit(duplicate)  # no longer a main record: its merged units leave it
    credit = _recredit(main)
    into = _("Merged into %(main)s") % {"main": _label(main)}
    _item_event(duplicate, EventKind.MERGED, actor, into)
    _item_event(
        main,
        EventKind.MERGED,
        actor,
        _("%(dup)s merged into this item") % {"dup": _label(duplicate)},
    )
    for member in moved:
        _item_event(member, EventKind.MERGED, actor, into)
    return {"joint_units": credit}


def _item_unmerged(actor: User, item: InfoItem, main: InfoItem) -> dict[str, Any]:
    credit = _recredit(main)
    _item_event(
        item, EventKind.UNMERGED, actor, _("Taken out of %(main)s") % {"main": _label(main)}
    )
    _item_event(
        main, EventKind.UNMERGED, actor, _("%(dup)s taken out again") % {"dup": _label(item)}
    )
    return {"joint_units": credit}


ITEMS = MergeableKind(
    model=InfoItem,
    target="item",
    may_merge=may_merge_items,
    visible=visible_items,
    merged_action="items_merged",
    unmerged_action="item_unmerged",
    no_access=gettext_noop("You do not have access to this item."),
    changed_meanwhile=gettext_noop(
        "Someone else changed this item just now. Please reload the page."
    ),
    not_merged=gettext_noop("This item is not merged into another one."),
    facts=_item_facts,
    main_facts=lambda main: rules.MergeFacts(main.pk, main.state in IN_SECTION),
    after_merge=_item_merged,
    after_unmerge=_item_unmerged,
)


# --- Incidents: each keeps its own reports and deadlines, so every unit keeps the record of
# what it reported and when; the two pages link to each other. Nothing else changes. ---------

INCIDENTS = MergeableKind(
    model=Incident,
    target="incident",
    may_merge=may_merge_incidents,
    visible=visible_incidents,
    merged_action="incidents_merged",
    unmerged_action="incident_unmerged",
    no_access=gettext_noop("You do not have access to this incident."),
    changed_meanwhile=gettext_noop(
        "Someone else changed this incident just now. Please reload the page."
    ),
    not_merged=gettext_noop("This incident is not merged into another one."),
    facts=lambda incident: rules.MergeFacts(incident.pk, duplicate_of=incident.duplicate_of_id),
    main_facts=lambda main: rules.MergeFacts(main.pk),
    after_merge=lambda actor, duplicate, main, moved: {},
    after_unmerge=lambda actor, duplicate, main: {},
)


def do_merge_items(actor: User, duplicate_id: int, main_id: int) -> MergeResult:
    return do_merge(ITEMS, actor, duplicate_id, main_id)


def do_unmerge_item(actor: User, item_id: int) -> MergeResult:
    return do_unmerge(ITEMS, actor, item_id)


def do_merge_incidents(actor: User, duplicate_id: int, main_id: int) -> MergeResult:
    return do_merge(INCIDENTS, actor, duplicate_id, main_id)


def do_unmerge_incident(actor: User, incident_id: int) -> MergeResult:
    return do_unmerge(INCIDENTS, actor, incident_id)


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
        # The editor's note is content: the log says whether there is one, not what it says.
        record(
            actor,
            "item_typical",
            f"item:{item.pk}",
            {
                "before": {"typical": before["typical"], "note": bool(before["note"])},
                "after": {"typical": after["typical"], "note": bool(after["note"])},
            },
        )
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


def export_network_health(
    actor: User, built: health.Health, rows: list[health.Row], sort: str
) -> bytes:
    """The network health rows as a workbook; recorded as `network_health_exported` (the
    officers' names and phones leave the system)."""
    content = health.workbook(built, rows)
    record(actor, "network_health_exported", "", {"sort": sort, "rows": len(rows)})
    return content
