"""Issue 5: the annual ranking and the ledger rebuild at the size of a province's year.

A year with BENCH_RANKING_UNITS reporting units (1,000) and about BENCH_RANKING_LINES ledger
rows (1,000,000), on the embedded default (SQLite, WAL), in a fresh temporary var dir:

- `rebuild_s`: `scoring.actions.rebuild(year)` recomputing the whole year from its sources
  (adoptions, joint units, instructions, tasks, solicitations, violations, quotas) and replacing
  every row, the second time (the first, onto an empty ledger, is reported too). Target ≤ 60 s.
- `rankings_ms`: `scoring.queries.rankings` for the year — the ranking code: the ORM, the
  sums per unit, ranking, tiers and disqualification, no request and no template — next to
  `floor_ms`: the same rows it reads — the `total_rows` totals (`ScoreTotal`, the ledger summed
  per unit, month and rule, which the rebuild writes in the same transaction as the entries)
  and the units it ranks with their classes — fetched by two plain SELECTs (`SELECT unit_id,
  month, rule_id, points, entries FROM scoring_scoretotal WHERE year = ?`, all rows; the
  reporting units joined to their class assignments), measured alternately in the same
  process. Target: `ratio` =
  rankings_ms / floor_ms ≤ 1.5 — what the ranking code costs on top of reading its data.
- `ranking_ms`: the server time of the annual ranking page (median of BENCH_RANKING_REPS
  requests through Django's test client, in process, logged in as the section chief), stated
  with `page_ratio` = ranking_ms / floor_ms and `template_ms` = ranking_ms − rankings_ms: the
  page also writes one table row per unit (`page_kb` of HTML), which no read of the data
  covers, so the page is not held to the floor's ratio (issue 11's note gives the figures).

For a quick check at a small size: BENCH_RANKING_UNITS=50 BENCH_RANKING_LINES=20000
BENCH_RANKING_REPS=3 (through `run()`, which writes nothing; `python -m bench ranking` writes the
results and the report).

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
TARGET_RATIO = 1.5
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

    ratio = measured["rankings_ms"] / measured["floor_ms"]
    page_ratio = measured["ranking_ms"] / measured["floor_ms"]
    template_ms = measured["ranking_ms"] - measured["rankings_ms"]
    figures: dict[str, float | int] = {
        "rankings_ms": rounded(measured["rankings_ms"]),
        "floor_ms": rounded(measured["floor_ms"], 2),
        "ratio": round(ratio, 2),
        "ranking_ms": rounded(measured["ranking_ms"]),
        "page_ratio": round(page_ratio, 2),
        "template_ms": rounded(template_ms),
        "page_kb": rounded(measured["page_kb"]),
        "rebuild_s": rounded(built["rebuild_s"]),
        "rebuild_first_s": rounded(built["rebuild_first_s"]),
        "ranking_p95_ms": rounded(measured["ranking_p95_ms"]),
        "floor_p95_ms": rounded(measured["floor_p95_ms"], 2),
        "total_rows": measured["total_rows"],
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
| `scoring.queries.rankings`: the year's ranking of every class, no request or template \
(median of {reps}) | **{measured["rankings_ms"]:,.1f} ms** | |
| floor: the same {measured["total_rows"]:,} ledger totals and {built["units"]:,} units by two \
plain SELECTs (median, same run) | {measured["floor_ms"]:,.2f} ms | |
| ratio rankings / floor | **{ratio:.2f}** | ≤ {TARGET_RATIO:g} |
| annual ranking page, server time (median of {reps}) | {page} | |
| of the page: the template, {built["units"]:,} rows, {measured["page_kb"]:,.0f} KB of HTML \
(page − rankings) | {template_ms:,.1f} ms | |
| page / floor (stated, not a target) | {page_ratio:.2f} | |
| ledger rebuild of the year, replacing every row | **{built["rebuild_s"]:.1f} s** | \
≤ {TARGET_REBUILD_S:g} s |
| ledger rebuild onto an empty ledger | {built["rebuild_first_s"]:.1f} s | |
| queries for the ranking page | {measured["ranking_queries"]} | |

The ranking reads the year's ledger totals (`scoring_scoretotal`, the ledger summed per unit,
month and rule by the rebuild), not the ledger itself, and sums them per unit in the database
through a covering index; the floor reads the same totals with `SELECT unit_id, month, rule_id,
points, entries FROM scoring_scoretotal WHERE year = ?` and the units with their classes, and
fetches every row, no ORM and nothing on top, alternated with the ranking and the page so all
three see the same machine.
The ratio is what the ranking code — the ORM, the sums, ranking, tiers and disqualification —
costs on top of reading its data. The page is `{measured["url"]}` rendered through Django's
test client in the measuring process (no network), logged in as the section chief; what it adds
to the ranking is the HTML of one row per unit. Corpus build (not measured):
{built["build_s"]:.0f} s. Raw figures: `bench/results/ranking.json`.
"""
    return Result(NAME, TITLE, figures, markdown, ok=ok)
