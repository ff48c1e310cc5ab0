"""Issue 5: the annual ranking and the ledger rebuild at the size of a province's year.

A year with BENCH_RANKING_UNITS reporting units (1,000) and about BENCH_RANKING_LINES ledger
rows (1,000,000), on the embedded default (SQLite, WAL), in a fresh temporary var dir:

- `rebuild_s`: `scoring.actions.rebuild(year)` recomputing the whole year from its sources
  (adoptions, joint units, instructions, tasks, solicitations, violations, quotas) and replacing
  every row, the second time (the first, onto an empty ledger, is reported too). Target ≤ 60 s.
- `ranking_ms` (the page reads `ScoreTotal`, the ledger summed per unit, month and rule, which
  the rebuild writes in the same transaction as the entries): the server time of the annual
  ranking page (median of BENCH_RANKING_REPS
  requests through Django's test client, in process, logged in as the section chief), next to
  `scan_ms`: one sequential scan of the ledger table (`SELECT COUNT(*), SUM(points) FROM
  scoring_scoreentry NOT INDEXED`), measured alternately in the same process. Target:
  `ratio` = ranking_ms / scan_ms ≤ 3.

BENCH_KEEP=1 keeps the temporary var dir.
"""

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import Result, env_int, log, rounded
from bench._server import django_child, manage

NAME = "ranking"
TITLE = "Rankings and the points ledger (issue 5)"
TARGET_RATIO = 3.0
TARGET_REBUILD_S = 60.0
YEAR = 2025


def child(var_dir: Path, command: str, **args: Any) -> dict[str, Any]:
    return django_child("bench._ranking_child", var_dir, command, json.dumps(args))


def run() -> Result:
    units = env_int("BENCH_RANKING_UNITS", 1000)
    lines = env_int("BENCH_RANKING_LINES", 1_000_000)
    reps = env_int("BENCH_RANKING_REPS", 15)
    var_dir = Path(tempfile.mkdtemp(prefix="xinbao-bench-ranking-"))
    keep = os.environ.get("BENCH_KEEP") == "1"
    try:
        log(f"temporary var dir {var_dir}")
        t = time.monotonic()
        manage(var_dir, "migrate", "--noinput")
        manage(var_dir, "collectstatic", "--noinput", "-v0")
        log(f"migrate, collectstatic: {time.monotonic() - t:.1f} s")
        built = child(var_dir, "build", units=units, lines=lines, year=YEAR)
        measured = child(var_dir, "measure", year=YEAR, reps=reps)
        db_mb = (var_dir / "xinbao.sqlite3").stat().st_size / 2**20
    finally:
        if keep:
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)

    ratio = measured["ranking_ms"] / measured["scan_ms"]
    figures: dict[str, float | int] = {
        "ranking_ms": rounded(measured["ranking_ms"]),
        "scan_ms": rounded(measured["scan_ms"]),
        "ratio": round(ratio, 2),
        "rebuild_s": rounded(built["rebuild_s"]),
        "rebuild_first_s": rounded(built["rebuild_first_s"]),
        "ranking_p95_ms": rounded(measured["ranking_p95_ms"]),
        "scan_p95_ms": rounded(measured["scan_p95_ms"]),
        "ranking_queries": measured["ranking_queries"],
        "units": built["units"],
        "items": built["items"],
        "ledger_rows": built["ledger_rows"],
        "db_mb": rounded(db_mb),
        "build_s": rounded(built["build_s"]),
    }
    ok = ratio <= TARGET_RATIO and built["rebuild_s"] <= TARGET_REBUILD_S
    page = f"**{measured['ranking_ms']:,.1f} ms** (p95 {measured['ranking_p95_ms']:,.1f})"
    markdown = f"""\
A year ({YEAR}) with **{built["units"]:,} units** and **{built["ledger_rows"]:,} ledger rows**
rebuilt from {built["items"]:,} adopted items (a quarter also adopted by the province, 40 %
joint), SQLite (WAL), database {db_mb:,.0f} MB.

| figure | value | target |
|---|---|---|
| annual ranking page, server time (median of {reps}) | {page} | |
| one sequential scan of the ledger (median, same run) | {measured["scan_ms"]:,.1f} ms | floor |
| ratio ranking / scan | **{ratio:.2f}** | ≤ {TARGET_RATIO:g} |
| ledger rebuild of the year, replacing every row | **{built["rebuild_s"]:.1f} s** | \
≤ {TARGET_REBUILD_S:g} s |
| ledger rebuild onto an empty ledger | {built["rebuild_first_s"]:.1f} s | |
| queries for the ranking page | {measured["ranking_queries"]} | |

The page is `{measured["url"]}` rendered through Django's test client in the measuring process
(no network), logged in as the section chief; the scan is `SELECT COUNT(*), SUM(points) FROM
scoring_scoreentry NOT INDEXED` (the table itself, not an index),
alternated with the page so both see the same machine. Corpus build (not
measured): {built["build_s"]:.0f} s. Raw figures: `bench/results/ranking.json`.
"""
    return Result(NAME, TITLE, figures, markdown, ok=ok)
