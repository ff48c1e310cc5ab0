"""Storing ledger lines: the one writer of `ScoreEntry` and `ScoreTotal`, used by the full
rebuild (`scoring.actions.rebuild`) and by the worker's catch-up (`scoring.live`).

Both replace a slice of the ledger — a year, every year, or some units — in the caller's
transaction, after `serialise()`: on PostgreSQL a transaction-scoped advisory lock keeps two
writers from replacing the same rows at once; on SQLite `BEGIN IMMEDIATE` already does.
"""

import itertools
from collections.abc import Collection, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, F, Max, Q, Value, When

from scoring import rules
from scoring.models import LedgerChange, LedgerState, ScoreEntry, ScoreRule, ScoreTotal

LOCK = 0x73636F72  # "scor"

LABEL_MAX = ScoreEntry._meta.get_field("source_label").max_length or 200
INSERT_BATCH = 5000
ANALYZE_AFTER = 50_000
Row = tuple[int, Decimal | str, int, str, int, str, date | str, int, int]


COLUMNS = "unit_id, points, rule_id, source_kind, source_id, source_label, occurred_on, year, month"


def _rows(lines: list[rules.Line], rule_ids: dict[str, int], as_text: bool) -> Iterator[Row]:
    """The lines as table rows; SQLite's driver is given decimals and dates as text."""
    for line in lines:
        points: Decimal | str = str(line.points) if as_text else line.points
        on: date | str = line.on.isoformat() if as_text else line.on
        yield (
            line.unit,
            points,
            rule_ids[line.rule],
            line.source_kind,
            line.source_id,
            line.label[:LABEL_MAX],
            on,
            line.on.year,
            line.on.month,
        )


def _store(lines: list[rules.Line], rule_ids: dict[str, int]) -> None:
    """Insert the lines. A year can be a million rows: on PostgreSQL they are streamed with
    COPY, elsewhere inserted with executemany — neither builds a model instance per row."""
    table = ScoreEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
                for row in _rows(lines, rule_ids, as_text=False):
                    copy.write_row(row)
            # Fresh statistics after a bulk load, or the planner takes a million rows for a
            # few thousand and the ranking's aggregate gives up its parallel scan.
            if len(lines) >= ANALYZE_AFTER:  # not after a worker's few lines
                cursor.execute(f"ANALYZE {table}")
        else:
            sql = f"INSERT INTO {table} ({COLUMNS}) VALUES ({', '.join(['%s'] * 9)})"
            rows = _rows(lines, rule_ids, as_text=True)
            while batch := list(itertools.islice(rows, INSERT_BATCH)):
                cursor.executemany(sql, batch)


def _totals(lines: list[rules.Line], rule_ids: dict[str, int]) -> list[ScoreTotal]:
    """The lines summed per year, month, unit and rule."""
    sums: dict[tuple[int, int, int, int], list[Any]] = {}
    for line in lines:
        key = (line.on.year, line.on.month, line.unit, rule_ids[line.rule])
        acc = sums.get(key)
        if acc is None:
            sums[key] = [line.points, 1]
        else:
            acc[0] += line.points
            acc[1] += 1
    return [
        ScoreTotal(year=y, month=m, unit_id=u, rule_id=r, points=points, entries=n)
        for (y, m, u, r), (points, n) in sorted(sums.items())
    ]


def serialise(wait: bool = True) -> bool:
    """Inside a transaction: take the ledger's writer lock. With `wait=False`, return False
    at once if another transaction holds it (the worker then leaves the work to that one)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK])
        (taken,) = cursor.fetchone()
    return bool(taken)


def last_change() -> int:
    """The id of the newest queued change (0 if none)."""
    return int(LedgerChange.objects.aggregate(m=Max("pk"))["m"] or 0)


def replace(
    lines: list[rules.Line], year: int | None = None, units: Collection[int] | None = None
) -> int:
    """Make the ledger's slice — `year` (every year if None), restricted to `units` if given —
    hold exactly `lines`, entries and totals. Returns how many entries were deleted."""
    rule_ids = dict(ScoreRule.objects.values_list("code", "pk"))
    entries = ScoreEntry.objects.all()
    totals = ScoreTotal.objects.all()
    if year is not None:
        entries, totals = entries.filter(year=year), totals.filter(year=year)
    if units is not None:
        entries = entries.filter(unit_id__in=list(units))
        totals = totals.filter(unit_id__in=list(units))
    deleted, _ = entries.delete()  # nothing refers to entries: one DELETE statement
    totals.delete()
    _store(lines, rule_ids)
    ScoreTotal.objects.bulk_create(_totals(lines, rule_ids), batch_size=INSERT_BATCH)
    return deleted


def mark_computed(as_of: datetime) -> None:
    """The ledger holds figures as of `as_of` (never moved back by an older computation): one
    UPDATE whatever the stored moment (the migration creates the row)."""
    moved_on = Q(computed_at__isnull=True) | Q(computed_at__lt=as_of)
    updated = LedgerState.objects.filter(pk=1).update(
        computed_at=Case(When(moved_on, then=Value(as_of)), default=F("computed_at"))
    )
    if not updated:
        LedgerState.objects.create(pk=1, computed_at=as_of)
