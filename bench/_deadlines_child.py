"""The part of the deadline benchmark that runs inside Django, one process per database.

    python -m bench._deadlines_child COMMAND META.json ['{"arg": ...}']

with XINBAO_VAR_DIR (and so the database) set by bench/deadlines.py. `base` builds the org and
the open rows and writes META; `history` adds the history; `serve` times engine passes on request;
`profile` profiles them; `explain` shows the query plans. Progress goes to stderr; the
command's result, one JSON object, is the last line on stdout.
"""

import cProfile
import io
import json
import os
import pstats
import random
import re
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench import _common
from bench._common import log


def _db() -> Path:
    from django.conf import settings

    return Path(settings.DATABASES["default"]["NAME"])


def _meta(path: Path) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads(path.read_text())
    return meta


def _now(meta: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(meta["now"])


def cmd_base(meta_path: Path, args: dict[str, Any]) -> dict[str, Any]:
    from bench import _deadlines_corpus as corpus

    sizes = corpus.Sizes(**args["sizes"])
    now = corpus.simulated_now()
    t0 = time.perf_counter()
    org = corpus.build_org(sizes.units, now)
    conn = corpus.connect_for_build(_db())
    open_ids = corpus.build_open(conn, sizes, org, now)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    meta = {"now": now.isoformat(), "sizes": args["sizes"], "org": org, "open_ids": open_ids}
    # An open GRAVE-level incident for the real-time test (the policy's first row).
    meta["breach_incident"] = sizes.history_incidents + 1
    meta_path.write_text(json.dumps(meta))
    took = time.perf_counter() - t0
    log(f"base: org and {len(open_ids):,} open rows in {took:.1f} s")
    return {"seconds": took}


def cmd_history(meta_path: Path, args: dict[str, Any]) -> dict[str, Any]:
    from bench import _deadlines_corpus as corpus

    meta = _meta(meta_path)
    sizes = corpus.Sizes(**meta["sizes"])
    t0 = time.perf_counter()
    conn = corpus.connect_for_build(_db())
    counts = corpus.build_history(conn, sizes, meta["org"], _now(meta))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    took = time.perf_counter() - t0
    log(f"history built in {took:.1f} s")
    return {"seconds": took, **counts}


def cmd_counts(meta_path: Path, args: dict[str, Any]) -> dict[str, Any]:
    from bench import _deadlines_corpus as corpus

    conn = sqlite3.connect(_db())
    counts = corpus.table_counts(
        conn,
        [
            "emergencies_incident",
            "emergencies_expectedreport",
            "emergencies_deadlineflip",
            "notify_notification",
            "org_unit",
            "org_user",
        ],
    )
    (open_rows,) = conn.execute(
        "SELECT count(*) FROM emergencies_expectedreport WHERE status = 'open'"
    ).fetchone()
    conn.close()
    return {**counts, "open_rows": int(open_rows), "db_mb": _db().stat().st_size / 2**20}


# --- arming a slice of open rows -------------------------------------------------------------


class Armer:
    """Makes exactly `per_pass` open rows due at `now`, then puts them back.

    Each slice is a different set of rows (a fixed shuffle of the open rows; the same in both
    databases). A row keeps its window length and is shifted in time so that the step chosen
    for it — first or second reminder, breach, or one of the escalations — fell due up to two
    minutes before `now`. The writes are made through a separate connection, as the web
    process's writes would be; after the pass the rows get their old times and stage back and
    the flips, notifications and deliveries the pass created are deleted, so every pass sees
    the same database.
    """

    def __init__(self, meta: dict[str, Any], per_pass: int) -> None:
        from bench import _deadlines_corpus as corpus

        self.now = _now(meta)
        self.per_pass = per_pass
        self.conn = sqlite3.connect(_db(), isolation_level=None, timeout=20)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            self.conn.execute(f"PRAGMA {pragma}")
        rows = self.conn.execute(
            "SELECT e.id, e.window_start, e.due_at, e.stage, e.next_check_at, i.level, i.category"
            " FROM emergencies_expectedreport e JOIN emergencies_incident i"
            f" ON i.id = e.subject_id AND e.subject_type_id = {corpus.INCIDENT_TYPE_SQL}"
            " WHERE e.status = 'open' AND e.id IN"
            " (SELECT value FROM json_each(?)) ORDER BY e.id",
            (json.dumps(meta["open_ids"]),),
        ).fetchall()
        self.rows = {r[0]: r for r in rows}
        self.order = sorted(self.rows)
        random.Random(3).shuffle(self.order)
        snaps = corpus.policies()
        self.rules = {
            (c, lv): corpus.rule_of(snaps[c], lv)
            for c in corpus.CATEGORIES
            for lv in corpus.levels(c)
        }
        self.kinds: Counter[str] = Counter()

    def _target(self, all_steps: list[Any], j: int) -> int:
        """Which step (its index) to make due for the j-th row of a slice: 60% reminders,
        20% breaches, 20% escalations (fewer when a rule lacks the kind)."""
        from deadlines import rules

        by_kind: dict[str, list[int]] = {}
        for i, s in enumerate(all_steps):
            by_kind.setdefault(s.kind, []).append(i)
        share = j / self.per_pass
        kind = rules.REMINDER if share < 0.6 else rules.BREACH if share < 0.8 else rules.ESCALATION
        choices = by_kind.get(kind) or by_kind[rules.BREACH]
        return choices[j % len(choices)]

    @contextmanager
    def armed(self, slice_no: int) -> Iterator[None]:
        from bench._deadlines_corpus import EPOCH, parse_dt, sql_dt
        from deadlines import rules

        n = len(self.order)
        ids = [self.order[(slice_no * self.per_pass + j) % n] for j in range(self.per_pass)]
        rng = random.Random(slice_no)
        before = self._high_water()
        updates, restore = [], []
        for j, pk in enumerate(ids):
            _, ws, due, stage, check, level, category = self.rows[pk]
            window = parse_dt(due) - parse_dt(ws)
            rule = self.rules[(category, level)]
            all_steps = rules.steps(EPOCH, EPOCH + window, rule)
            target = self._target(all_steps, j)
            self.kinds[all_steps[target].kind] += 1
            at = self.now - timedelta(seconds=rng.uniform(1, 120))
            start = at - (all_steps[target].at - EPOCH)
            updates.append((sql_dt(start), sql_dt(start + window), target, sql_dt(at), pk))
            restore.append((ws, due, stage, check, pk))
        sql = (
            "UPDATE emergencies_expectedreport SET window_start = ?, due_at = ?, stage = ?,"
            " next_check_at = ? WHERE id = ?"
        )
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany(sql, updates)
        self.conn.execute("COMMIT")
        try:
            yield
        finally:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany(sql, restore)
            for table, high in before.items():
                self.conn.execute(f"DELETE FROM {table} WHERE id > ?", (high,))
            self.conn.execute("COMMIT")

    def _high_water(self) -> dict[str, int]:
        tables = (
            "notify_delivery",
            "notify_notification",
            "emergencies_violationcandidate",
            "emergencies_deadlineflip",
        )
        return {
            t: int(self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0])
            for t in tables
        }


def _timed_passes(
    meta: dict[str, Any],
    args: dict[str, Any],
    around: Callable[[Callable[[], int]], int] | None = None,
) -> tuple[list[float], list[float], Counter[str]]:
    from deadlines.engine import run_pass

    now = _now(meta)
    per_pass = int(args["per_pass"])
    armer = Armer(meta, per_pass)
    warmup, reps, offset = int(args["warmup"]), int(args["reps"]), int(args["offset"])
    due_ms: list[float] = []
    for k in range(warmup + reps):
        with armer.armed(offset + k):
            t0 = time.perf_counter()
            taken = around(lambda: run_pass(now)) if around else run_pass(now)
            elapsed = (time.perf_counter() - t0) * 1000
        if taken != per_pass:
            raise RuntimeError(f"pass took {taken} steps, expected {per_pass}")
        if k >= warmup:
            due_ms.append(elapsed)
    idle_ms: list[float] = []
    for _ in range(int(args.get("idle", 0))):
        t0 = time.perf_counter()
        taken = run_pass(now)
        idle_ms.append((time.perf_counter() - t0) * 1000)
        if taken:
            raise RuntimeError(f"an idle pass took {taken} steps")
    return due_ms, idle_ms, armer.kinds


def cmd_serve(meta_path: Path, args: dict[str, Any]) -> dict[str, Any]:
    """Take requests, one JSON object a line on stdin, and answer each with one line on stdout:
    {"op": "pass", "slice": n} arms slice n, times one pass and puts the rows back → {"ms": t};
    {"op": "idle", "n": k} times k passes with nothing due → {"ms": [t, ...]};
    {"op": "quit"} ends. The parent drives two of these, one per database, alternately."""
    from deadlines.engine import run_pass

    meta = _meta(meta_path)
    now = _now(meta)
    per_pass = int(args["per_pass"])
    armer = Armer(meta, per_pass)
    _reply({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "pass":
            with armer.armed(int(request["slice"])):
                t0 = time.perf_counter()
                taken = run_pass(now)
                elapsed = (time.perf_counter() - t0) * 1000
            if taken != per_pass:
                raise RuntimeError(f"pass took {taken} steps, expected {per_pass}")
            _reply({"ms": elapsed})
        elif request["op"] == "idle":
            times = []
            for _ in range(int(request["n"])):
                t0 = time.perf_counter()
                taken = run_pass(now)
                times.append((time.perf_counter() - t0) * 1000)
                if taken:
                    raise RuntimeError(f"an idle pass took {taken} steps")
            _reply({"ms": times})
        else:
            break
    return {"kinds": dict(armer.kinds)}


def _reply(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', re.IGNORECASE)


def _statement(sql: str) -> str:
    """'SELECT org_user', 'INSERT notify_notification', 'SAVEPOINT', ... for counting."""
    verb = sql.lstrip().split(None, 1)[0].upper()
    match = _TABLE.search(sql)
    return f"{verb} {match.group(1)}" if match else verb


def cmd_profile(meta_path: Path, args: dict[str, Any]) -> dict[str, Any]:
    """Warm up, then the same passes with every SQL statement timed and counted, then more of
    them under cProfile."""
    from django.db import connection

    meta = _meta(meta_path)
    offset, reps = int(args["offset"]), int(args["reps"])
    _timed_passes(meta, {**args, "reps": 0, "idle": 0})
    offset += int(args["warmup"])
    queries: Counter[str] = Counter()
    sql_s = [0.0]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_s[0] += time.perf_counter() - t0
            queries[_statement(sql)] += 1

    commit_s = [0.0]
    wrapped: Any = connection  # Django's private _commit: where the COMMIT (and fsync) happens
    plain_commit = wrapped._commit

    def timed_commit() -> None:
        t0 = time.perf_counter()
        try:
            plain_commit()
        finally:
            commit_s[0] += time.perf_counter() - t0

    wrapped._commit = timed_commit
    try:
        with connection.execute_wrapper(wrapper):
            due_ms, _, kinds = _timed_passes(
                meta, {**args, "warmup": 0, "offset": offset, "idle": 0}
            )
    finally:
        wrapped._commit = plain_commit
    steps = reps * int(args["per_pass"])
    pass_s = sum(due_ms) / 1000
    per_step = {k: v / steps for k, v in queries.most_common()}

    profiler = cProfile.Profile()

    def profiled(fn: Callable[[], int]) -> int:
        result: int = profiler.runcall(fn)
        return result

    profiled_reps = int(args.get("profiled_reps", reps))
    _timed_passes(
        meta,
        {**args, "warmup": 0, "reps": profiled_reps, "offset": offset + reps, "idle": 0},
        profiled,
    )
    cumulative, tottime = io.StringIO(), io.StringIO()
    pstats.Stats(profiler, stream=cumulative).sort_stats("cumulative").print_stats(45)
    pstats.Stats(profiler, stream=tottime).sort_stats("tottime").print_stats(30)
    return {
        "queries_per_step": sum(per_step.values()),
        "by_statement": per_step,
        "sql_share": sql_s[0] / pass_s if pass_s else 0.0,
        "commit_share": commit_s[0] / pass_s if pass_s else 0.0,
        "sql_ms_per_step": 1000 * sql_s[0] / steps,
        "commit_ms_per_step": 1000 * commit_s[0] / steps,
        "ms_per_step": 1000 * pass_s / steps,
        "cumulative": cumulative.getvalue(),
        "tottime": tottime.getvalue(),
        "kinds": dict(kinds),
    }


def cmd_explain(meta_path: Path, args: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection

    from deadlines.models import ExpectedReport, ExpectStatus
    from notify.models import Notification

    now = _now(_meta(meta_path))
    due = (
        ExpectedReport.objects.filter(status=ExpectStatus.OPEN, next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:1000]
    )
    step = ExpectedReport.objects.select_related("unit__officer").filter(
        pk=1, status=ExpectStatus.OPEN
    )[:1]
    inbox = Notification.objects.filter(key="flip:1", recipient__in=[1, 2, 3]).values_list(
        "recipient_id", flat=True
    )
    plans: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        analysed = bool(cursor.fetchone()[0])
        for label, qs in (("due", due), ("take_step", step), ("inbox_dedupe", inbox)):
            sql, params = qs.query.sql_with_params()
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plans[label] = [str(row[3]) for row in cursor.fetchall()]
        sql, params = due.query.sql_with_params()
    table = 'FROM "emergencies_expectedreport"'
    return {
        "plans": plans,
        "due_sql": sql,
        "analysed": analysed,
        "due_query_ms": _time_sql(sql, params),
        "due_query_full_scan_ms": _time_sql(
            sql.replace(table, f"{table} NOT INDEXED", 1), params, runs=5
        ),
    }


def _time_sql(sql: str, params: Any, runs: int = 50) -> float:
    """Median milliseconds of the statement through Django's cursor, cache warm."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()
        for _ in range(runs):
            t0 = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)[len(times) // 2]


COMMANDS: dict[str, Callable[[Path, dict[str, Any]], dict[str, Any]]] = {
    "base": cmd_base,
    "history": cmd_history,
    "counts": cmd_counts,
    "serve": cmd_serve,
    "profile": cmd_profile,
    "explain": cmd_explain,
}


def main(argv: list[str]) -> int:
    if os.environ.get("BENCH_T0"):
        _common._T0 = float(os.environ["BENCH_T0"])  # progress times continue the parent's
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinbao.settings")
    import django

    django.setup()
    command, meta_path = argv[0], Path(argv[1])
    args = json.loads(argv[2]) if len(argv) > 2 else {}
    result = COMMANDS[command](meta_path, args)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
