"""Issue 2: sustained submission throughput over HTTP on the embedded default (SQLite).

20 logged-in officers POST the "new item" form ("send for sign-off") for 30 s against
the server started the way `make run` starts it (`manage.py serve`: gunicorn with
xinbao/gunicorn_conf.py plus the deadline worker). In the same run, on the same server and with
the same clients, a trivial view (/livez) gives the framework ceiling; raw SQLite single-row
commits with the same pragmas give the storage ceiling. After the run every acknowledged
item is looked up in the database: an acknowledged report that is not there is a lost row.

Environment overrides (defaults are the issue's): BENCH_SECONDS (30), BENCH_CLIENTS (20),
BENCH_WARMUP (3), BENCH_STORAGE_SECONDS (5), BENCH_LOADGEN_PROCS (2),
BENCH_WEB_WORKERS / BENCH_WEB_THREADS (unset: xinbao/gunicorn_conf.py's defaults),
BENCH_PASSWORD (the demo password), BENCH_KEEP=1 keeps the temporary var dir.
"""

import os
import shutil
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from bench._common import Result, env_float, env_int, log, percentile, rounded
from bench._loadgen import LoadResult, item_fields, run_load
from bench._server import Server, cpu_seconds, prepare

NAME = "submit"
TITLE = "Submission throughput (issue 2)"
PASSWORD = os.environ.get("BENCH_PASSWORD", "Xinbao@2026")
TARGET_RATIO = 0.60


def storage_ceiling(path: Path, seconds: float) -> tuple[float, int]:
    """Raw sqlite3: one thread, BEGIN IMMEDIATE; INSERT one row; COMMIT — commits per second.

    Same pragmas as xinbao/settings.py SQLITE_OPTIONS (WAL, synchronous=FULL, ...), and a row
    about the size of an item (title + ~300-character body).
    """
    conn = sqlite3.connect(path, isolation_level=None, timeout=20)
    for pragma in (
        "journal_mode=WAL",
        "synchronous=FULL",
        "foreign_keys=ON",
        "temp_store=MEMORY",
        "cache_size=-32000",
    ):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,"
        " created_at TEXT NOT NULL)"
    )
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        fields = item_fields(n)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO item (title, body, created_at) VALUES (?, ?, datetime('now'))",
            (fields["title"], fields["body"]),
        )
        conn.execute("COMMIT")
        n += 1
    elapsed = time.perf_counter() - start
    (rows,) = conn.execute("SELECT count(*) FROM item").fetchone()
    conn.close()
    assert rows == n
    return n / elapsed, n


def officers(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT username FROM org_user WHERE role = 'officer' AND is_active"
            " AND unit_id IS NOT NULL ORDER BY username"
        ).fetchall()
    finally:
        conn.close()
    return [r[0] for r in rows]


def item_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        (n,) = conn.execute("SELECT count(*) FROM submissions_infoitem").fetchone()
    finally:
        conn.close()
    return int(n)


def found_items(db: Path, ids: list[int]) -> int:
    conn = sqlite3.connect(db)
    try:
        conn.execute("CREATE TEMP TABLE acked (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO acked VALUES (?)", [(i,) for i in set(ids)])
        (n,) = conn.execute(
            "SELECT count(*) FROM submissions_infoitem i JOIN acked a ON a.id = i.id"
            " WHERE i.state = 'awaiting_signoff'"
        ).fetchone()
    finally:
        conn.close()
    return int(n)


class CpuWindow:
    """CPU seconds used inside the measured window: server, load generators, whole machine."""

    def __init__(self, server: Server, warmup: float, seconds: float) -> None:
        self.server, self.warmup, self.seconds = server, warmup, seconds
        self.server_cpu_s = 0.0
        self.loadgen_cpu_s = 0.0
        self.machine_cpu_s = 0.0  # every process, ours or not
        self.loadgen_pids: list[int] = []
        self.thread: threading.Thread | None = None

    @staticmethod
    def _machine() -> float:
        """Busy CPU seconds of the whole machine since boot (/proc/stat, all CPUs)."""
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = sum(fields[:8]) - fields[3] - fields[4]  # minus idle and iowait; no guest
        return busy / os.sysconf("SC_CLK_TCK")

    def _sample_all(self) -> tuple[float, float, float]:
        return (
            self.server.cpu_seconds(),
            cpu_seconds(self.loadgen_pids),
            self._machine(),
        )

    def start(self, loadgen_pids: list[int]) -> None:
        self.loadgen_pids = loadgen_pids
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        time.sleep(self.warmup)
        s0, l0, m0 = self._sample_all()
        time.sleep(self.seconds)
        s1, l1, m1 = self._sample_all()
        self.server_cpu_s, self.loadgen_cpu_s, self.machine_cpu_s = s1 - s0, l1 - l0, m1 - m0

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()

    def cores(self, cpu_s: float) -> float:
        return cpu_s / self.seconds if self.seconds else 0.0

    @property
    def other_cpu_s(self) -> float:
        """CPU used by processes that are neither the server nor the load generators."""
        return max(0.0, self.machine_cpu_s - self.server_cpu_s - self.loadgen_cpu_s)


def load_phase(
    server: Server, mode: str, users: list[tuple[str, str] | None], warmup: float, seconds: float
) -> tuple[LoadResult, CpuWindow]:
    procs = env_int("BENCH_LOADGEN_PROCS", 2)
    window = CpuWindow(server, warmup, seconds)
    log(
        f"{mode}: {len(users)} clients in {min(procs, len(users))} load-generator processes,"
        f" {warmup:g} s warm-up + {seconds:g} s measured"
    )
    result = run_load(server.port, mode, users, warmup, seconds, procs, on_go=window.start)
    window.join()
    p95 = percentile(result.latencies_ms, 95)
    log(f"{mode}: {result.rps:.1f} req/s, p95 {p95:.1f} ms, {result.errors} errors")
    return result, window


def run() -> Result:
    seconds = env_float("BENCH_SECONDS", 30.0)
    warmup = env_float("BENCH_WARMUP", 3.0)
    n_clients = env_int("BENCH_CLIENTS", 20)
    storage_seconds = env_float("BENCH_STORAGE_SECONDS", 5.0)
    var_dir = Path(tempfile.mkdtemp(prefix="xinbao-bench-"))
    keep = os.environ.get("BENCH_KEEP") == "1"
    try:
        log(f"temporary var dir {var_dir}")
        log(f"storage ceiling: raw sqlite3 commits for {storage_seconds:g} s")
        storage_cps, storage_n = storage_ceiling(
            var_dir / "storage-ceiling.sqlite3", storage_seconds
        )
        log(f"storage ceiling: {storage_cps:.0f} commits/s ({storage_n} commits)")

        prepare(var_dir)
        db = var_dir / "xinbao.sqlite3"
        names = officers(db)
        if not names:
            raise RuntimeError("seed_demo created no officer with a unit")
        users: list[tuple[str, str] | None] = [
            (names[i % len(names)], PASSWORD) for i in range(n_clients)
        ]
        before = item_count(db)
        with Server(var_dir) as server:
            shape = server.shape()
            ceiling, ceiling_cpu = load_phase(server, "livez", [None] * n_clients, warmup, seconds)
            submit, submit_cpu = load_phase(server, "submit", users, warmup, seconds)
        after = item_count(db)
        acknowledged = len(submit.acknowledged_ids)
        found = found_items(db, submit.acknowledged_ids)
        duplicates = acknowledged - len(set(submit.acknowledged_ids))
    finally:
        if keep:
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)

    lost = acknowledged - found
    lat = submit.latencies_ms
    ratio = submit.rps / ceiling.rps if ceiling.rps else 0.0
    figures: dict[str, float | int] = {
        "throughput_rps": rounded(submit.rps),
        "framework_ceiling_rps": rounded(ceiling.rps),
        "ratio": round(ratio, 3),
        "p50_ms": rounded(percentile(lat, 50)),
        "p95_ms": rounded(percentile(lat, 95)),
        "p99_ms": rounded(percentile(lat, 99)),
        "errors": submit.errors,
        "lost_rows": lost,
        "acknowledged": acknowledged,
        "rows_created": after - before,
        "framework_ceiling_p50_ms": rounded(percentile(ceiling.latencies_ms, 50)),
        "framework_ceiling_p95_ms": rounded(percentile(ceiling.latencies_ms, 95)),
        "framework_ceiling_p99_ms": rounded(percentile(ceiling.latencies_ms, 99)),
        "framework_ceiling_errors": ceiling.errors,
        "storage_ceiling_commits_per_s": rounded(storage_cps),
        "storage_ratio": round(submit.rps / storage_cps, 3) if storage_cps else 0.0,
        "server_cpu_ms_per_submit": rounded(1000 * submit_cpu.server_cpu_s / max(1, submit.ok), 2),
        "server_cpu_ms_per_livez": rounded(1000 * ceiling_cpu.server_cpu_s / max(1, ceiling.ok), 2),
        "server_cores_submit": round(submit_cpu.cores(submit_cpu.server_cpu_s), 2),
        "server_cores_livez": round(ceiling_cpu.cores(ceiling_cpu.server_cpu_s), 2),
        "loadgen_cores_submit": round(submit_cpu.cores(submit_cpu.loadgen_cpu_s), 2),
        "loadgen_cores_livez": round(ceiling_cpu.cores(ceiling_cpu.loadgen_cpu_s), 2),
        "other_cores_submit": round(submit_cpu.cores(submit_cpu.other_cpu_s), 2),
        "other_cores_livez": round(ceiling_cpu.cores(ceiling_cpu.other_cpu_s), 2),
        "cores": os.cpu_count() or 0,
        "clients": n_clients,
        "seconds": seconds,
    }
    ok = ratio >= TARGET_RATIO and submit.errors == 0 and lost == 0
    notes = [f"error sample: {s}" for s in submit.error_samples + ceiling.error_samples]
    busy = max(float(figures["other_cores_submit"]), float(figures["other_cores_livez"]))
    if busy > 0.1:
        notes.append(
            f"the machine was not quiet: other processes used up to {busy} cores during a"
            " measured window, so these figures understate what it can do."
        )
        log(f"warning: {notes[-1]}")
    if duplicates:
        notes.append(f"{duplicates} acknowledged ids were duplicates")
    return Result(
        name=NAME,
        title=TITLE,
        figures=figures,
        markdown=_section(figures, shape, warmup, storage_seconds, ok, notes),
        ok=ok,
        notes=notes,
    )


def _yes(flag: bool) -> str:
    return "met" if flag else "**not met**"


def _section(
    f: dict[str, float | int],
    shape: str,
    warmup: float,
    storage_seconds: float,
    ok: bool,
    notes: list[str],
) -> str:
    clients, seconds = f["clients"], f["seconds"]
    lines = [
        f'{clients} concurrent officers submitting new items ("send for sign-off") over HTTP for'
        f" {seconds:g} s against the embedded default (SQLite, WAL, synchronous=FULL), gunicorn"
        f" as `make run` starts it ({shape}).",
        "",
        "| Figure | Submission | Framework ceiling (`GET /livez`) | Ratio |",
        "|---|---:|---:|---:|",
        f"| Throughput (req/s) | {f['throughput_rps']} | {f['framework_ceiling_rps']}"
        f" | **{f['ratio']:.0%}** |",
        f"| p50 latency (ms) | {f['p50_ms']} | {f['framework_ceiling_p50_ms']}"
        f" | {_times(f['p50_ms'], f['framework_ceiling_p50_ms'])} |",
        f"| p95 latency (ms) | {f['p95_ms']} | {f['framework_ceiling_p95_ms']}"
        f" | {_times(f['p95_ms'], f['framework_ceiling_p95_ms'])} |",
        f"| p99 latency (ms) | {f['p99_ms']} | {f['framework_ceiling_p99_ms']}"
        f" | {_times(f['p99_ms'], f['framework_ceiling_p99_ms'])} |",
        f"| Errors | {f['errors']} | {f['framework_ceiling_errors']} | |",
        f"| Server CPU per request (ms) | {f['server_cpu_ms_per_submit']}"
        f" | {f['server_cpu_ms_per_livez']}"
        f" | {_times(f['server_cpu_ms_per_submit'], f['server_cpu_ms_per_livez'])} |",
        f"| CPU cores used by the server | {f['server_cores_submit']}"
        f" | {f['server_cores_livez']} | |",
        f"| … by the load generators | {f['loadgen_cores_submit']}"
        f" | {f['loadgen_cores_livez']} | |",
        f"| … by other processes | {f['other_cores_submit']} | {f['other_cores_livez']} | |",
        "",
        f"Storage ceiling (raw SQLite single-row commits, same pragmas, one thread):"
        f" **{f['storage_ceiling_commits_per_s']} commits/s**; submissions reach"
        f" {f['storage_ratio']:.1%} of it.",
        "",
        f"Durability: {f['acknowledged']} submissions acknowledged (302 to the new item),"
        f" {f['acknowledged'] - f['lost_rows']} found in the database afterwards"
        f" ({f['rows_created']} items created in all): **{f['lost_rows']} lost rows**.",
        "",
        "Targets (issue 2):",
        "",
        f"- throughput ≥ 60% of the framework ceiling: {_yes(f['ratio'] >= TARGET_RATIO)}"
        f" ({f['ratio']:.0%})",
        f"- zero errors: {_yes(f['errors'] == 0)} ({f['errors']})",
        f"- zero lost rows: {_yes(f['lost_rows'] == 0)} ({f['lost_rows']})",
        "",
        "How measured:",
        "",
        "- A fresh temporary var dir and SQLite database; `migrate`, `seed_demo`, `collectstatic`,"
        " then `manage.py serve` exactly as `make run` (gunicorn with `xinbao/gunicorn_conf.py`"
        " and the deadline worker beside it), access log off, on a free 127.0.0.1 port; the"
        " benchmark waits until `/healthz` reports the worker and every gunicorn worker is up.",
        f"- Load: {clients} clients, each one persistent HTTP/1.1 keep-alive connection"
        " (`http.client`), one thread per client, spread over separate load-generator processes"
        " (`BENCH_LOADGEN_PROCS`, default 2) so the generator's GIL never serialises with the"
        " server's. They share the machine's CPUs with the server; the CPU rows above (from"
        " /proc, inside the measured window) show how much each side used.",
        "- Each submitting client logs in as a demo officer (GET the login page for the CSRF"
        " token, POST the credentials), then loops: POST `/items/new/` as the browser form does"
        " (multipart, an empty attachment part, title, kind `news`, a ~300-character Chinese body"
        " varied by a counter, two tags, `submit=1`, the CSRF token). Success is a 302 to"
        " `/items/<id>/`; anything else, or an exception, is an error. The redirect is not"
        " followed.",
        f"- Each phase has a {warmup:g} s warm-up; requests completing inside the following"
        f" {seconds:g} s count for throughput and latency (latency = request sent to response"
        " read, per request). Errors are counted over warm-up and window alike.",
        "- Framework ceiling: the same clients, the same duration, the same server, `GET /livez`"
        " (a trivial view behind the full middleware stack), measured just before the"
        " submissions.",
        f"- Storage ceiling: {storage_seconds:g} s of `BEGIN IMMEDIATE; INSERT …; COMMIT` of one"
        " item-sized row at a time, in one thread, with Python's sqlite3 on a file in the same"
        " temporary dir and the pragmas of `SQLITE_OPTIONS` — before the server starts.",
        "- Lost rows: after the server has stopped, every id acknowledged by a 302 (warm-up"
        " included) is looked up in `submissions_infoitem` (state `awaiting_signoff`);"
        " lost = acknowledged − found.",
    ]
    lines += [f"- Note: {n}" for n in notes]
    return "\n".join(lines) + "\n"


def _times(value: float | int, base: float | int) -> str:
    return f"×{value / base:.1f}" if base else ""
