"""`python -m bench [name ...]`: run the benchmarks, write bench/results/ and the report.

Every public module of this package with a `run() -> Result` is a benchmark, run in name
order (or only the ones named on the command line). Each run writes the benchmark's figures to
bench/results/<name>.json and its report section to bench/results/<name>.md; docs/BENCHMARKS.md
is then assembled from every benchmark's latest section, so running one benchmark keeps the
others' sections (each section says when and on which commit it was measured).

All of it is written by bench._record, stamped with bench._provenance: the run refuses a tree
with uncommitted changes unless BENCH_ALLOW_DIRTY=1 (then everything says "uncommitted"), names
the commit it started from, and records the load average before and after on how many CPUs.
"""

import importlib
import pkgutil
import sys
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import ModuleType

import bench
from bench import _record as record
from bench._common import Result, log, machine, machine_busy_cores
from bench._provenance import Load, Provenance, busy_words, read_load
from bench._record import section_file


def discover() -> list[ModuleType]:
    modules = []
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "run", None)):
            modules.append(module)
    return modules


def report(
    modules: list[ModuleType],
    ran: list[Result],
    failed: list[str],
    started: datetime,
    took: float,
    background: float,
    facts: dict[str, str],
    prov: Provenance,
    load_after: Load,
) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); do not edit by hand. Raw figures:"
        " `bench/results/<name>.json`. Ratios compare each figure with a baseline measured in"
        " the same run on the same machine.",
        "",
        f"Last run: {started.strftime('%Y-%m-%d %H:%M %Z').strip()}, took {took:.0f} s,"
        f" ran {', '.join(r.name for r in ran) or 'nothing'}"
        + (f"; failed: {', '.join(failed)}" if failed else "")
        + ". Machine:",
        "",
    ]
    lines += [f"- {key}: {value}" for key, value in facts.items()]
    code = f"- Code: {prov.tree.commit or 'unknown'} (the commit the run started from)"
    if prov.uncommitted:
        changed = ", ".join(prov.tree.changed[:10]) or "—"
        code += f", **with uncommitted changes** (BENCH_ALLOW_DIRTY=1): {changed}"
    lines.append(code)
    lines += [f"- Note: {note}" for note in prov.notes]
    lines.append(f"- Load average before the run: {busy_words(prov.load_before)}")
    lines.append(f"- Load average after the run: {busy_words(load_after)}")
    lines.append(
        f"- Background load just before the run: {background:.2f} cores busy"
        + (" — **the machine was not quiet**" if background > 0.2 else "")
    )
    lines.append("")
    for module in modules:
        name = module.__name__.rsplit(".", 1)[1]
        title = getattr(module, "TITLE", name)
        path = section_file(name)
        if name in failed:
            lines += failed_section(title, path, started)
        elif path.exists():
            lines += [path.read_text(encoding="utf-8").rstrip(), ""]
        else:
            lines += [f"## {title}", "", "Not run yet.", ""]
    return "\n".join(lines)


def failed_section(title: str, path: Path, started: datetime) -> list[str]:
    """A benchmark that failed in this run: said so, above its last measured figures (which
    keep their own date and commit), so a failure never erases what was known."""
    failure = (
        f"**Failed to run on {started.strftime('%Y-%m-%d %H:%M %Z').strip()}** — see the"
        " output of `make bench`."
    )
    if not path.exists():
        return [f"## {title}", "", failure, ""]
    heading, _nl, last = path.read_text(encoding="utf-8").rstrip().partition("\n")
    return [
        heading,
        "",
        failure + " The figures below are the last ones measured, not re-measured now.",
        "",
        last.strip("\n"),
        "",
    ]


def main(argv: list[str]) -> int:
    every = discover()
    modules = every
    if argv:
        wanted = set(argv)
        unknown = wanted - {m.__name__.rsplit(".", 1)[1] for m in every}
        if unknown:
            print(f"unknown benchmark(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        modules = [m for m in every if m.__name__.rsplit(".", 1)[1] in wanted]
    started = datetime.now().astimezone()
    t0 = time.monotonic()
    try:
        prov = record.start(started)
    except record.Refused as refused:
        print(f"make bench refuses to write results: {refused}", file=sys.stderr)
        return 3
    facts = machine()
    background = machine_busy_cores()
    log(
        f"code {prov.tree.short}{' (uncommitted)' if prov.uncommitted else ''}; load average"
        f" {busy_words(prov.load_before)}; background {background:.2f} cores busy"
    )
    if background > 0.2:
        log("warning: the machine is not quiet; figures will understate what it can do")
    results: list[Result] = []
    failed: list[str] = []
    for module in modules:
        name = module.__name__.rsplit(".", 1)[1]
        log(f"=== {name} ===")
        run: Callable[[], Result] = module.run
        before = read_load()
        try:
            result = run()
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        try:
            prov = record.write_result(result.name, result, prov, started, before)
        except record.Refused as refused:
            print(f"make bench refuses to write {name}'s results: {refused}", file=sys.stderr)
            return 3
        for key, value in result.figures.items():
            log(f"  {key} = {value}")
        log(f"{name}: targets {'met' if result.ok else 'NOT met'}")
        results.append(result)
    took = time.monotonic() - t0
    text = report(every, results, failed, started, took, background, facts, prov, read_load())
    try:
        record.write_report(text, prov)
    except record.Refused as refused:
        print(f"make bench refuses to write the report: {refused}", file=sys.stderr)
        return 3
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
