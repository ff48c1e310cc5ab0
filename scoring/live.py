"""Keeping the ledger live: the worker's catch-up step and what pages say about freshness.

Database triggers (`scoring.triggers`) queue a `LedgerChange` naming a unit whose points may
have moved — in the writer's own transaction. `catch_up()` is a step of the worker's round: it
claims the queued changes, recomputes the named units' ledger (every year of theirs: a unit's
history is a few thousand lines even in a province) from the sources under the current point
table, and deletes the changes it handled, all in one transaction. A change naming no unit (the
point table) recomputes every unit. Killed mid-step, the transaction rolls back and the changes
stay queued for the next round. The full rebuild (`scoring.actions.rebuild`) stays as the
proof: after the worker has drained the queue, the ledger equals what it produces.

The claim: one writer of the ledger at a time. On PostgreSQL the step takes the ledger's
advisory lock without waiting — a second worker finding it held skips the step (the first is
doing the work); on SQLite `BEGIN IMMEDIATE` serialises the writers.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from bulletins.deadline_kinds import EditorialKind
from bulletins.models import FollowUpTask
from deadlines.models import ExpectedReport
from scoring import ledger, rules
from scoring.facts import active_rules, load_facts
from scoring.models import ClassAssignment, LedgerChange, LedgerState

BATCH = 500  # queued changes per transaction
COUNT_UP_TO = 1000  # the pages count waiting units up to this many


def recompute(units: set[int] | None, as_of: datetime) -> int:
    """Inside a transaction holding the ledger lock: replace the ledger of `units` (every
    unit if None), every year, with what the sources earn as of `as_of`. Returns the lines
    written."""
    lines = rules.ledger_lines(
        load_facts(None, units), active_rules(), as_of, None, timezone.get_current_timezone()
    )
    if units is not None:
        # A joint item's facts also earn its other units points: those are not ours to write.
        lines = [line for line in lines if line.unit in units]
    ledger.replace(lines, units=units)
    return len(lines)


def passed_units(since: datetime | None, as_of: datetime) -> set[int]:
    """The units whose points moved with time alone between the last computation and
    `as_of` — nothing wrote a row for those: a feedback task or a solicitation whose deadline
    passed unanswered (a month's end is `month_ended`)."""
    if since is None or since >= as_of:
        return set()
    units: set[int] = set()
    units.update(
        FollowUpTask.objects.filter(
            filed_at__isnull=True, due_at__gt=since, due_at__lte=as_of
        ).values_list("unit_id", flat=True)
    )
    units.update(
        ExpectedReport.objects.filter(
            kind=EditorialKind.SOLICITED, due_at__gt=since, due_at__lte=as_of
        ).values_list("unit_id", flat=True)
    )
    return units


def month_ended(since: datetime | None, as_of: datetime) -> bool:
    """Whether a local month ended between the last computation and `as_of`: every unit under
    a quota may then be charged a shortfall (queued as one "every unit" change)."""
    if since is None or since >= as_of:
        return False
    tz = timezone.get_current_timezone()
    before, now = since.astimezone(tz), as_of.astimezone(tz)
    return (before.year, before.month) != (now.year, now.month)


def catch_up(now: datetime | None = None, limit: int = BATCH) -> int:
    """One transaction: count up to `limit` queued changes into the ledger. Returns how many
    were handled (0: nothing to do, or another worker holds the ledger). An idle round reads
    and writes nothing (two or three indexed reads, no write lock)."""
    as_of = now or timezone.now()
    since = LedgerState.objects.values_list("computed_at", flat=True).first()
    passed: list[int | None] = [*sorted(passed_units(since, as_of))]
    if month_ended(since, as_of) and ClassAssignment.objects.exists():
        passed.append(None)
    if not passed and not LedgerChange.objects.exists():
        return 0
    with transaction.atomic():
        if not ledger.serialise(wait=False):
            return 0
        # Queued in this transaction: if it fails they are found again next round.
        LedgerChange.objects.bulk_create([LedgerChange(unit_id=unit) for unit in passed])
        # Read before the facts: a change committed after this is not in `rows` and stays.
        rows = list(LedgerChange.objects.order_by("pk").values_list("pk", "unit_id")[:limit])
        if not rows:
            return 0  # another worker counted them since the look above
        if any(unit is None for _pk, unit in rows):
            # Every unit: the recompute reads every source, so every change queued so far
            # is counted by it.
            covered = ledger.last_change()
            recompute(None, as_of)
            handled = LedgerChange.objects.filter(pk__lte=covered).delete()[0]
        else:
            units = {unit for _pk, unit in rows if unit is not None}
            # Their recompute reads every source of these units, so it counts every change
            # queued for them so far (read before it), not only the first `limit`: an import
            # of 1,000,000 items queues as many changes, which took 2,000 rounds of
            # recomputing the same few units (20 s each at 1,000,000 documents).
            pks = list(LedgerChange.objects.filter(unit_id__in=units).values_list("pk", flat=True))
            recompute(units, as_of)
            handled = sum(
                LedgerChange.objects.filter(pk__in=pks[at : at + BATCH]).delete()[0]
                for at in range(0, len(pks), BATCH)
            )
        # Changes beyond `limit` stay queued (the pages count them); the window of deadlines
        # looked at moves on: what passed in it is queued.
        ledger.mark_computed(as_of)
    return handled


def catch_up_all(now: datetime | None = None) -> int:
    """Drain the queue (a test's or a command's "until nothing is left")."""
    handled = 0
    while done := catch_up(now):
        handled += done
    return handled


@dataclass(frozen=True)
class Freshness:
    """What a ranking page says about its figures: when they were computed, and how many
    queued changes (counting each unit once; an edit of the point table counts every unit)
    they do not include yet."""

    computed_at: datetime | None
    pending_units: int
    pending_all: bool
    more: bool = False  # more units than `pending_units` (the count stops there)

    @property
    def pending(self) -> bool:
        return self.pending_all or self.pending_units > 0

    @property
    def computed_line(self) -> str:
        """ "计算时间：2026-12-01 11:00:05（北京时间）", in local time."""
        if self.computed_at is None:
            return gettext("Figures not computed yet")
        moment = timezone.localtime(self.computed_at).strftime("%Y-%m-%d %H:%M:%S")
        return gettext("Computed at %(moment)s (Beijing time)") % {"moment": moment}

    @property
    def pending_line(self) -> str:
        if self.pending_all:
            return gettext("A point-table change is waiting to be counted (every unit)")
        if self.more:
            return gettext("Changes of more than %(n)s units are waiting to be counted") % {
                "n": self.pending_units
            }
        if self.pending_units:
            return ngettext(
                "Changes of %(n)s unit are waiting to be counted",
                "Changes of %(n)s units are waiting to be counted",
                self.pending_units,
            ) % {"n": self.pending_units}
        return gettext("No changes waiting to be counted")

    def __str__(self) -> str:
        return f"{self.computed_line}; {self.pending_line}"


def freshness() -> Freshness:
    """Three small indexed reads, whatever the queue's length (a bulk import can queue a
    million changes): the state row, the queue's distinct units up to `COUNT_UP_TO`, and
    whether an "every unit" change waits."""
    computed_at = LedgerState.objects.filter(pk=1).values_list("computed_at", flat=True).first()
    units = list(
        LedgerChange.objects.filter(unit_id__isnull=False)
        .order_by("unit_id")
        .values_list("unit_id", flat=True)
        .distinct()[: COUNT_UP_TO + 1]
    )
    return Freshness(
        computed_at=computed_at,
        pending_units=min(len(units), COUNT_UP_TO),
        pending_all=LedgerChange.objects.filter(unit_id__isnull=True).exists(),
        more=len(units) > COUNT_UP_TO,
    )
