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

Issue 15 also asks how fast items come in through the API next to the pages. On the same city
server, after the forwardings, with the same clients (BENCH_CLIENTS, 20) for the same time
(BENCH_SECONDS, 30) and the submission benchmark's load generator (bench._loadgen, via
bench.submit.load_phase):

- `api_submit_rps`: POST /api/items — an item created and sent for sign-off in one request —
  with each officer's personal API token (`Authorization: Bearer`). The tokens are made in the
  set-up through the API app's actions, and the system administrator raises the API's rate
  limit (ApiPolicy) to BENCH_API_RATE_LIMIT (100000, the most it allows) requests a minute, so
  the limit (120 a minute per token by default) does not cap the figure; the counter is still
  kept, as in production.
- `form_submit_rps`: the "new item" form as the submission benchmark posts it.

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

from bench._common import Result, env_float, env_int, log, percentile, rounded
from bench._server import Server, django_child, manage
from bench.submit import PASSWORD, Store, load_phase

NAME = "federation"
TITLE = "Federation: forward latency city → province (issue 15)"
TARGET_P95_S = 2.0
MAX_RATE_LIMIT = 100_000  # api.models.MAX_REQUESTS_PER_MINUTE


def _utc(text: str) -> float:
    value = datetime.fromisoformat(text)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _rows(db: Path, sql: str) -> list[tuple[str, ...]]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        return conn.execute(sql).fetchall()


def run() -> Result:
    events = env_int("BENCH_FED_EVENTS", 30)
    seconds = env_float("BENCH_SECONDS", 30.0)
    warmup = env_float("BENCH_WARMUP", 3.0)
    n_clients = env_int("BENCH_CLIENTS", 20)
    rate_limit = env_int("BENCH_API_RATE_LIMIT", MAX_RATE_LIMIT)
    base = Path(tempfile.mkdtemp(prefix="xinbao-bench-federation-"))
    keep = os.environ.get("BENCH_KEEP") == "1"
    city_dir, province_dir = base / "city", base / "province"
    city_dir.mkdir()
    try:
        log("migrate and collectstatic (once, copied for the province)")
        manage(city_dir, "migrate", "--noinput", "-v0")
        manage(city_dir, "collectstatic", "--noinput", "-v0")  # the pages: the login's form
        shutil.copytree(city_dir, province_dir)
        log("seed_demo (the city; the province)")
        manage(city_dir, "seed_demo")
        manage(province_dir, "seed_demo", "--level", "province")
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
        log(f"API clients: tokens for the officers, rate limit {rate_limit} a minute")
        officers = django_child(
            "bench._federation_child",
            city_dir,
            "api_clients",
            json.dumps({"rate_limit": rate_limit}),
        )["clients"]
        if not officers:
            raise RuntimeError("the demo city has no officer with a unit")
        picked = [officers[i % len(officers)] for i in range(n_clients)]
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
            tokens = [(o["token"],) for o in picked]
            api, _ = load_phase(city, "api", tokens, warmup, seconds)
            logins = [(o["username"], PASSWORD) for o in picked]
            form, _ = load_phase(city, "submit", logins, warmup, seconds)
        awaiting = Store(sqlite_path=city_dir / "xinbao.sqlite3").awaiting_ids()
        api_lost = len(set(api.acknowledged_ids) - awaiting)
        form_lost = len(set(form.acknowledged_ids) - awaiting)
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
        "api_submit_rps": rounded(api.rps),
        "form_submit_rps": rounded(form.rps),
        "api_form_ratio": round(api.rps / form.rps, 3) if form.rps else 0.0,
        "api_p50_ms": rounded(percentile(api.latencies_ms, 50)),
        "api_p99_ms": rounded(percentile(api.latencies_ms, 99)),
        "form_p50_ms": rounded(percentile(form.latencies_ms, 50)),
        "form_p99_ms": rounded(percentile(form.latencies_ms, 99)),
        "api_errors": api.errors,
        "form_errors": form.errors,
        "api_lost_rows": api_lost,
        "form_lost_rows": form_lost,
        "api_rate_limit_per_minute": rate_limit,
        "clients": n_clients,
        "seconds": seconds,
    }
    errors = (api.error_samples + form.error_samples)[:5]
    samples = "".join(f"\n- error sample: {e}" for e in errors)
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
acknowledgement.

**Items submitted through the API next to the form**, on the same city server (SQLite, as
`make run`), just after the forwardings: {n_clients} clients for {seconds:g} s each (after a
{warmup:g} s warm-up), the API first, then the form, with the submission benchmark's load
generator.

| figure | API (`POST /api/items`, Bearer token) | form (`POST /items/new/`) |
|---|---:|---:|
| items sent for sign-off per second | **{api.rps:.1f}** | **{form.rps:.1f}** |
| p50 / p99 latency (ms) | {figures["api_p50_ms"]} / {figures["api_p99_ms"]} \
| {figures["form_p50_ms"]} / {figures["form_p99_ms"]} |
| errors | {api.errors} | {form.errors} |
| acknowledged items missing afterwards | {api_lost} | {form_lost} |

- The API request: JSON (title, kind `news`, the same ~300-character body, two tags,
  `submit: true`), `Authorization: Bearer <token>`, success = 201 with the item; each client
  uses its officer's personal read-and-write token, made in the set-up with
  `api.actions.do_create_token`. The form request: logged in, multipart, CSRF, success = 302.
- **The rate limit is raised for the benchmark**: the system administrator sets ApiPolicy to
  {rate_limit} requests a minute (`api.actions.do_set_rate_limit`, audited) before the servers
  start; at the default (120 a minute per token) the API figure would be the limit, not the
  server. Every API request still counts against it: one conditional UPDATE of the
  minute's counter, committed before the item's own transaction.
- API / form throughput: {figures["api_form_ratio"]:.2f}.{samples}

Raw figures: `bench/results/federation.json`.
"""
    ok = p95 <= TARGET_P95_S and api.errors == 0 and form.errors == 0
    return Result(NAME, TITLE, figures, markdown, ok=ok and api_lost == form_lost == 0)
