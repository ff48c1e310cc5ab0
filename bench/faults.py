"""Issue 12: fault evidence — submissions over HTTP while the web server and the worker are
SIGKILLed at random moments and restarted.

On each database (the embedded SQLite default, and PostgreSQL in a fresh database the bench
creates and drops), the server starts as `make run` starts it (bench._server: `manage.py serve`,
gunicorn plus the deadline worker). Logged-in clients (bench._faults_load) open the "new item"
form, send it for sign-off with the form's token — every fourth with a small attachment — and
resend it with the same token whenever a request fails, as a browser would, until the server
answers. Meanwhile the bench kills, at seeded random moments, either the web server (the gunicorn
master and its workers, SIGKILL; `serve` then stops and is started again) or the worker (SIGKILL;
`serve` restarts it). Afterwards bench._faults_check counts: acknowledged submissions present,
duplicates, attachments, inbox rows, the search index, and the database's integrity check.

Environment overrides: BENCH_FAULT_KILLS (10 per database: half web, half worker),
BENCH_FAULT_CLIENTS (6), BENCH_FAULT_GAP (1.0–4.0 s between a restart and the next kill:
"lo,hi"), BENCH_FAULT_SEED (12), BENCH_FAULT_DATABASES ("sqlite,postgresql"),
BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres: where to create the scratch database),
BENCH_PASSWORD (the demo password), BENCH_KEEP=1 keeps the temporary var dirs.
"""

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench._common import ROOT, Result, env_int, log, percentile, pg_admin, pg_url, rounded
from bench._faults_report import section
from bench._server import Server, _children, _cmdline, django_child, prepare

NAME = "faults"
TITLE = "Fault evidence: submissions while the server is killed (issue 12)"
PASSWORD = os.environ.get("BENCH_PASSWORD", "Xinbao@2026")
MIN_KILLS = 10


def _gap() -> tuple[float, float]:
    raw = os.environ.get("BENCH_FAULT_GAP", "1.0,4.0")
    lo, hi = (float(x) for x in raw.split(","))
    return lo, hi


# --- killing ------------------------------------------------------------------------------------


def _worker_pid(server: Server) -> int | None:
    if server.proc is None:
        return None
    found = [p for p in _children(server.proc.pid) if "run_worker" in _cmdline(p)]
    return found[0] if found else None


def kill_web(server: Server) -> float:
    """SIGKILL the gunicorn master and every worker at once, then start `serve` again (it stops
    when its web server dies). Returns the seconds until the server was healthy again."""
    assert server.proc is not None
    masters = [p for p in _children(server.proc.pid) if "gunicorn" in _cmdline(p)]
    victims = masters + server.web_worker_pids()  # the master first: it can fork no more
    t0 = time.monotonic()
    for pid in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    server.proc.wait(timeout=90)  # serve sees its web server gone, stops the worker, exits
    server.proc = None
    server.start()
    return time.monotonic() - t0


def kill_worker(server: Server) -> float:
    """SIGKILL the deadline worker; `serve` restarts it. Returns the seconds until a new worker
    process is running."""
    pid = _worker_pid(server)
    if pid is None:
        raise RuntimeError("no worker to kill")
    t0 = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    deadline = t0 + 60
    while time.monotonic() < deadline:
        now = _worker_pid(server)
        if now is not None and now != pid:
            return time.monotonic() - t0
        time.sleep(0.1)
    raise RuntimeError("serve did not restart the worker")


# --- one database -------------------------------------------------------------------------------


def _start_load(port: int, users: list[str], procs: int) -> list[subprocess.Popen[str]]:
    shares = [users[i::procs] for i in range(procs)]
    started = []
    offset = 0
    for share in shares:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench._faults_load"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdin is not None
        config = {
            "port": port,
            "users": [[u, PASSWORD] for u in share],
            "offset": offset,
            "give_up_after": 120,
            "attach_every": 4,
        }
        proc.stdin.write(json.dumps(config) + "\n")
        proc.stdin.flush()
        offset += len(share)
        started.append(proc)
    return started


def _stop_load(procs: list[subprocess.Popen[str]]) -> dict[str, Any]:
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("stop\n")
        proc.stdin.flush()
    outs = []
    for proc in procs:
        stdout, _ = proc.communicate(timeout=300)
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    return {
        "submissions": [s for o in outs for s in o["submissions"]],
        "errors": sum(o["errors"] for o in outs),
        "error_samples": [s for o in outs for s in o["error_samples"]][:5],
    }


def run_one(database: str, seed: int) -> dict[str, Any]:
    kills = env_int("BENCH_FAULT_KILLS", 10)
    n_clients = env_int("BENCH_FAULT_CLIENTS", 6)
    lo, hi = _gap()
    rng = random.Random(f"{seed}:{database}")
    var_dir = Path(tempfile.mkdtemp(prefix=f"xinbao-faults-{database}-"))
    env: dict[str, str] = {}
    pg_name = f"xinbao_bench_faults_{os.getpid()}"
    if database == "postgresql":
        pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}"')
        pg_admin(f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = pg_url(pg_name)
    try:
        log(f"{database}: var dir {var_dir}")
        prepare(var_dir, env)
        names = django_child("bench._faults_check", var_dir, "officers", **env)["officers"]
        if not names:
            raise RuntimeError("seed_demo created no officer with a unit")
        users = [names[i % len(names)] for i in range(n_clients)]
        targets = ["web"] * (kills // 2) + ["worker"] * (kills - kills // 2)
        rng.shuffle(targets)
        restarts: dict[str, list[float]] = {"web": [], "worker": []}
        server = Server(var_dir, env)
        server.start()
        started = datetime.now(UTC)
        t0 = time.monotonic()
        load = _start_load(server.port, users, min(2, n_clients))
        try:
            for n, target in enumerate(targets, 1):
                time.sleep(rng.uniform(lo, hi))
                took = kill_web(server) if target == "web" else kill_worker(server)
                restarts[target].append(took)
                log(f"{database}: kill {n}/{len(targets)}: {target}, back after {took:.1f} s")
            time.sleep(hi)  # a last quiet stretch: retries under way complete
        finally:
            out = _stop_load(load)
            seconds = time.monotonic() - t0
            server.stop()
        path = var_dir / "submissions.json"
        path.write_text(json.dumps(out["submissions"]), encoding="utf-8")
        log(f"{database}: counting {len(out['submissions'])} submissions")
        counted = django_child(
            "bench._faults_check", var_dir, str(path), started.isoformat(), **env
        )
    finally:
        if os.environ.get("BENCH_KEEP") == "1":
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
        if database == "postgresql" and os.environ.get("BENCH_KEEP") != "1":
            pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    web, worker = sorted(restarts["web"]), sorted(restarts["worker"])
    return {
        **counted,
        "kills": len(web) + len(worker),
        "web_kills": len(web),
        "worker_kills": len(worker),
        "web_restart_p50_s": rounded(percentile(web, 50)),
        "web_restart_max_s": rounded(web[-1] if web else 0.0),
        "seconds": rounded(seconds),
        "clients": n_clients,
        "client_errors": out["errors"],
        "error_samples": out["error_samples"],
        "shape": server.shape(),
    }


def _ok(r: dict[str, Any]) -> bool:
    return (
        r["kills"] >= MIN_KILLS
        and r["lost"] == 0
        and r["duplicates"] == 0
        and r["inbox_duplicates"] == 0
        and r["rows_unacknowledged"] == 0
        and r["attachments_intact"] == r["attachments_sent"]
        and str(r["integrity"]).startswith(("ok", "n/a"))
        and r["index_missing"] == 0
        and r["index_stray"] == 0
        and r["index_fulltext_found"] == r["index_expected"]
    )


def run() -> Result:
    seed = env_int("BENCH_FAULT_SEED", 12)
    wanted = os.environ.get("BENCH_FAULT_DATABASES", "sqlite,postgresql").split(",")
    runs = {db.strip(): run_one(db.strip(), seed) for db in wanted if db.strip()}
    figures: dict[str, Any] = {
        "kills": sum(r["kills"] for r in runs.values()),
        "acknowledged": sum(r["acknowledged"] for r in runs.values()),
        "present": sum(r["present"] for r in runs.values()),
        "lost": sum(r["lost"] for r in runs.values()),
        "duplicates": sum(r["duplicates"] for r in runs.values()),
        "inbox_duplicates": sum(r["inbox_duplicates"] for r in runs.values()),
        "integrity": "; ".join(f"{db}: {r['integrity']}" for db, r in runs.items()),
        "seed": seed,
    }
    for db, r in runs.items():
        for key, value in r.items():
            if key not in ("error_samples", "shape"):
                figures[f"{db}_{key}"] = value
    ok = all(_ok(r) for r in runs.values())
    return Result(
        name=NAME, title=TITLE, figures=figures, markdown=section(runs, seed, _gap()), ok=ok
    )
