"""Shared pieces: the result type, progress output, percentiles, machine facts (the results
are written by bench._record alone)."""

import math
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
PYTHON = sys.executable

Figures = dict[str, float | int]


@dataclass
class Result:
    """What one benchmark hands back: flat figures for JSON, and its section of the report."""

    name: str  # file stem under bench/results/
    title: str  # section heading in docs/BENCHMARKS.md
    figures: Figures
    markdown: str  # the section body (no heading)
    ok: bool = True  # every target of the issue met
    notes: list[str] = field(default_factory=list)


_T0 = time.monotonic()


def log(message: str) -> None:
    """Progress on stderr, with seconds since the run started."""
    print(f"[bench {time.monotonic() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); nan when empty."""
    if not sorted_values:
        return math.nan
    if len(sorted_values) == 1:
        return sorted_values[0]
    rank = (len(sorted_values) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def rounded(value: float, digits: int = 1) -> float:
    return round(value, digits) if math.isfinite(value) else value


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                kib = int(line.split()[1])
                return f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def _os() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))} (kernel {platform.release()})"
    except OSError:
        pass
    return platform.platform()


def machine_busy_cores(seconds: float = 3.0) -> float:
    """How many cores the whole machine keeps busy over `seconds` (Linux /proc/stat)."""

    def busy() -> float:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")

    try:
        before = busy()
        time.sleep(seconds)
        return (busy() - before) / seconds
    except (OSError, ValueError):
        return 0.0


def refaulted_mb() -> float:
    """File data the kernel has read again since boot after dropping it from the page cache
    (MB; Linux /proc/vmstat, 0 elsewhere). Some virtual machines drop file pages idle for a
    minute even with memory free, and a query then reads its index from disk."""
    try:
        for line in Path("/proc/vmstat").read_text().splitlines():
            name, _sep, value = line.partition(" ")
            if name == "workingset_refault_file":
                return int(value) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError):
        pass
    return 0.0


def warm(directory: Path) -> float:
    """Read every file under `directory` once, so that a timed pass starts with them in the page
    cache, as on a server whose memory holds its archive (MB read)."""
    read = 0
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 22):
                    read += len(chunk)
        except OSError:
            continue
    return read / 1e6


def machine() -> dict[str, str]:
    import django

    return {
        "CPU": _cpu_model(),
        "Cores": str(os.cpu_count() or "unknown"),
        "RAM": _ram(),
        "OS": _os(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Django": django.get_version(),
    }


# --- PostgreSQL scratch databases -------------------------------------------------------------

PG_URL_DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres"


def pg_base_url() -> str:
    """Where scratch databases are created: BENCH_PG_URL, or the local server as user postgres."""
    return os.environ.get("BENCH_PG_URL", PG_URL_DEFAULT)


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(pg_base_url(), autocommit=True) as conn:
        conn.execute(sql)


def pg_url(name: str) -> str:
    return pg_base_url().rsplit("/", 1)[0] + "/" + name


def pg_answers() -> bool:
    """Whether a PostgreSQL server answers at BENCH_PG_URL (a few seconds at most)."""
    import psycopg

    try:
        with psycopg.connect(pg_base_url(), autocommit=True, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True
