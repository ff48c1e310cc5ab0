"""Issue 15: federation — forward latency from the city's action to the row in the province.

Two instances as `make pair` starts them (the demo city and its province, two SQLite
databases in a fresh temporary directory, each `manage.py serve`: gunicorn plus the worker at its
default 1 s interval, linked by `manage.py demo_pair`):

- `forward_p50_s` / `forward_p95_s`: BENCH_FED_EVENTS forwardings (30) in the city, one at a
  time at random moments; from the forwarding's commit to the province's incident row
  (`created_at` there; both clocks are this machine's). Target: p95 ≤ 2 s.
- `roundtrip_p95_s`, the baseline: the send itself — from the worker claiming the message to
  the province's acknowledgement arriving (the outbox rows' `sent_at` → `acked_at`): what is
  left when nobody waits for the worker's round. `ratio` = forward p95 / round-trip p95 shows
  what the durable outbox and the worker's interval add.

BENCH_KEEP=1 keeps the temporary directory.
"""

import json
import os
import shutil
import sqlite3
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from bench._common import Result, env_int, log, percentile, rounded
from bench._server import Server, django_child, manage

NAME = "federation"
TITLE = "Federation: forward latency city → province (issue 15)"
TARGET_P95_S = 2.0


def _utc(text: str) -> float:
    value = datetime.fromisoformat(text)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _rows(db: Path, sql: str) -> list[tuple[str, ...]]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        return conn.execute(sql).fetchall()


def run() -> Result:
    events = env_int("BENCH_FED_EVENTS", 30)
    base = Path(tempfile.mkdtemp(prefix="xinbao-bench-federation-"))
    keep = os.environ.get("BENCH_KEEP") == "1"
    city_dir, province_dir = base / "city", base / "province"
    city_dir.mkdir()
    try:
        log("migrate (once, copied for the province)")
        manage(city_dir, "migrate", "--noinput", "-v0")
        shutil.copytree(city_dir, province_dir)
        log("seed_demo (the city)")
        manage(city_dir, "seed_demo")
        city, province = Server(city_dir), Server(province_dir)
        secret = str(base / "pair-secret")
        manage(
            city_dir,
            "demo_pair",
            "--side",
            "city",
            "--peer",
            f"http://127.0.0.1:{province.port}",
            "--secret-file",
            secret,
        )
        manage(
            province_dir,
            "demo_pair",
            "--side",
            "province",
            "--peer",
            f"http://127.0.0.1:{city.port}",
            "--secret-file",
            secret,
        )
        with province, city:
            log(f"forwarding {events} incidents")
            done = django_child(
                "bench._federation_child",
                city_dir,
                "forward",
                json.dumps({"events": events, "seed": 15}),
            )["events"]
            titles = {e["title"]: e["committed"] for e in done}
            db = province_dir / "xinbao.sqlite3"
            deadline = time.monotonic() + 120
            arrived: dict[str, float] = {}
            while time.monotonic() < deadline and len(arrived) < len(titles):
                for title, created in _rows(
                    db, "SELECT title, created_at FROM emergencies_incident"
                ):
                    if title in titles:
                        arrived[title] = _utc(created)
                time.sleep(0.5)
            trips = _rows(
                city_dir / "xinbao.sqlite3",
                "SELECT sent_at, acked_at FROM federation_outboundmessage WHERE status = 'acked'",
            )
    finally:
        if keep:
            log(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)

    if len(arrived) < len(titles):
        raise RuntimeError(f"only {len(arrived)} of {len(titles)} forwardings reached the province")
    latencies = sorted(arrived[t] - titles[t] for t in titles)
    roundtrips = sorted(_utc(acked) - _utc(sent) for sent, acked in trips)
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    rt95 = percentile(roundtrips, 95)
    ratio = p95 / rt95 if rt95 > 0 else 0.0
    figures: dict[str, float | int] = {
        "forward_p50_s": rounded(p50, 3),
        "forward_p95_s": rounded(p95, 3),
        "forward_max_s": rounded(latencies[-1], 3),
        "roundtrip_p50_s": rounded(percentile(roundtrips, 50), 3),
        "roundtrip_p95_s": rounded(rt95, 3),
        "ratio": round(ratio, 2),
        "events": len(latencies),
    }
    markdown = f"""\
The demo city and its province as `make pair` starts them: two SQLite databases, each
`manage.py serve` (gunicorn and the worker at its default 1 s interval), linked with a shared
secret. {len(latencies)} incidents forwarded in the city one at a time at random moments.

| figure | value | target |
|---|---|---|
| forwarding committed in the city → incident row in the province (p50 / p95 / max) | \
{p50:.3f} / **{p95:.3f}** / {latencies[-1]:.3f} s | p95 ≤ {TARGET_P95_S:g} s |
| baseline: the send alone, worker's claim → acknowledgement (p50 / p95) | \
{percentile(roundtrips, 50):.3f} / {rt95:.3f} s | |
| ratio forward p95 / round-trip p95 | {ratio:.2f} | |

The latency is mostly the worker's idle wait (up to one 1 s interval) plus the signed POST, the
province filing the report through its own actions (incident, report, sign-off, audit) and its
acknowledgement. Raw figures: `bench/results/federation.json`.
"""
    return Result(NAME, TITLE, figures, markdown, ok=p95 <= TARGET_P95_S)
