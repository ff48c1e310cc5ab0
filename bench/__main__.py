"""`python -m bench [name ...]`: run the benchmarks, write bench/results/ and the report.

Every public module of this package with a `run() -> Result` is a benchmark, run in name
order (or only the ones named on the command line). Each run writes the benchmark's figures to
bench/results/<name>.json and its report section to bench/results/<name>.md; docs/BENCHMARKS.md
is then assembled from every benchmark's latest section, so running one benchmark keeps the
others' sections (each section says when and on which commit it was measured).
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
from bench._common import RESULTS_DIR, ROOT, Result, log, machine, machine_busy_cores, write_json

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


def section_file(name: str) -> Path:
    return RESULTS_DIR / f"{name}.md"


def save_section(name: str, result: Result, started: datetime, code: str) -> None:
    header = f"_Measured {started.strftime('%Y-%m-%d %H:%M %Z').strip()}, code {code}._"
    status = "met" if result.ok else "**not met**"
    text = f"## {result.title}\n\nTargets: {status}. {header}\n\n{result.markdown.rstrip()}\n"
    section_file(name).write_text(text, encoding="utf-8")


def report(
    modules: list[ModuleType],
    ran: list[Result],
    failed: list[str],
    started: datetime,
    took: float,
    background: float,
    facts: dict[str, str],
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
            lines += [f"## {title}", "", "**Failed to run** — see the output of `make bench`.", ""]
        elif path.exists():
            lines += [path.read_text(encoding="utf-8").rstrip(), ""]
        else:
            lines += [f"## {title}", "", "Not run yet.", ""]
    return "\n".join(lines)


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
    facts = machine()
    background = machine_busy_cores()
    log(f"code {facts['Code']}; background load before the run: {background:.2f} cores busy")
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
        save_section(name, result, started, facts["Code"])
        log(f"{name}: wrote {path.relative_to(ROOT)} and {section_file(name).relative_to(ROOT)}")
        for key, value in result.figures.items():
            log(f"  {key} = {value}")
        log(f"{name}: targets {'met' if result.ok else 'NOT met'}")
        results.append(result)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    text = report(every, results, failed, started, time.monotonic() - t0, background, facts)
    REPORT.write_text(text, encoding="utf-8")
    log(f"wrote {REPORT.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
