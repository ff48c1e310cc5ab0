"""`python -m bench [name ...]`: run the benchmarks, write bench/results/*.json and the report.

Every public module of this package with a `run() -> Result` is a benchmark, run in name
order (or only the ones named on the command line). docs/BENCHMARKS.md is rewritten from the
sections of the benchmarks run now.
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
from bench._common import ROOT, Result, log, machine, machine_busy_cores, write_json

REPORT = ROOT / "docs" / "BENCHMARKS.md"


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
    results: list[Result], failed: list[str], started: datetime, took: float, background: float
) -> str:
    facts = machine()
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); do not edit by hand. Raw figures:"
        " `bench/results/<name>.json`. Ratios compare each figure with a baseline measured in"
        " the same run on the same machine.",
        "",
        f"- Date: {started.strftime('%Y-%m-%d %H:%M %Z').strip()} (run took {took:.0f} s)",
    ]
    lines += [f"- {key}: {value}" for key, value in facts.items()]
    lines.append(
        f"- Background load just before the run: {background:.2f} cores busy"
        + (" — **the machine was not quiet**" if background > 0.2 else "")
    )
    lines.append("")
    if results:
        lines += ["| Benchmark | Targets |", "|---|---|"]
        lines += [f"| {r.title} | {'met' if r.ok else '**not met**'} |" for r in results]
        lines.append("")
    for name in failed:
        lines += [f"**{name} failed to run** — see the output of `make bench`.", ""]
    for result in results:
        lines += [f"## {result.title}", "", result.markdown.rstrip(), ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    modules = discover()
    if argv:
        wanted = set(argv)
        unknown = wanted - {m.__name__.rsplit(".", 1)[1] for m in modules}
        if unknown:
            print(f"unknown benchmark(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        modules = [m for m in modules if m.__name__.rsplit(".", 1)[1] in wanted]
    started = datetime.now().astimezone()
    t0 = time.monotonic()
    background = machine_busy_cores()
    log(f"background load before the run: {background:.2f} cores busy")
    if background > 0.2:
        log("warning: the machine is not quiet; figures will understate what it can do")
    results: list[Result] = []
    failed: list[str] = []
    for module in modules:
        name = module.__name__.rsplit(".", 1)[1]
        log(f"=== {name} ===")
        run: Callable[[], Result] = module.run
        try:
            result = run()
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        path = write_json(result.name, result.figures)
        log(f"{name}: wrote {path.relative_to(ROOT)}")
        for key, value in result.figures.items():
            log(f"  {key} = {value}")
        log(f"{name}: targets {'met' if result.ok else 'NOT met'}")
        results.append(result)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    text = report(results, failed, started, time.monotonic() - t0, background)
    REPORT.write_text(text, encoding="utf-8")
    log(f"wrote {Path(REPORT).relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
