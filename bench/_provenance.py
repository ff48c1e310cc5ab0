"""Where a benchmark's figures come from: the commit the run started from, whether the tree
held changes that commit does not, and how busy the machine was before and after.

`make bench` refuses to run from a tree with uncommitted changes (tracked or untracked files,
the benchmark's own outputs excepted) unless BENCH_ALLOW_DIRTY=1, and then every JSON and the
report say "uncommitted". The commit is read once, when the run starts; if HEAD moves or the
tree changes while it runs, what is written from then on is held to the same rule.

The decisions are pure functions over plain data (tested in tests/bench); reading git and the
load average are the two small functions at the bottom."""

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The benchmark's own outputs: writing them does not make the code measured "changed".
OUTPUTS = ("bench/results/", "docs/BENCHMARKS.md")
ALLOW_DIRTY = "BENCH_ALLOW_DIRTY"


@dataclass(frozen=True)
class TreeState:
    """What git says about the checkout: HEAD's full hash ("" outside git) and changed paths."""

    commit: str
    changed: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        return self.commit[:10] if self.commit else "unknown"

    @property
    def dirty(self) -> bool:
        return bool(self.changed) or not self.commit


@dataclass(frozen=True)
class Load:
    """The load average (1, 5, 15 minutes) at one moment and the CPUs it is shared by."""

    one: float
    five: float
    fifteen: float
    cpus: int

    def as_dict(self) -> dict[str, Any]:
        return {"1m": self.one, "5m": self.five, "15m": self.fifteen}


@dataclass(frozen=True)
class Provenance:
    started_at: str  # ISO 8601, local time with its offset
    tree: TreeState
    uncommitted: bool  # results written although the tree had changes (BENCH_ALLOW_DIRTY=1)
    load_before: Load
    notes: tuple[str, ...] = field(default_factory=tuple)


def changed_paths(porcelain_z: str) -> tuple[str, ...]:
    """The paths `git status --porcelain=v1 -z --untracked-files=all` lists, without the
    benchmark's outputs. A rename's entry is followed by its old path, which is skipped."""
    paths: list[str] = []
    entries = porcelain_z.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if "R" in status or "C" in status:
            i += 1  # the source path of a rename or copy
        if not is_output(path):
            paths.append(path)
    return tuple(sorted(set(paths)))


def is_output(path: str) -> bool:
    return any(path == out or (out.endswith("/") and path.startswith(out)) for out in OUTPUTS)


def allow_dirty(environ: Mapping[str, str]) -> bool:
    """Only an explicit BENCH_ALLOW_DIRTY=1 lets results come from a changed tree."""
    return environ.get(ALLOW_DIRTY, "").strip() == "1"


def refusal(tree: TreeState, allowed: bool) -> str | None:
    """Why the run must not write results from this tree, or None when it may."""
    if not tree.dirty or allowed:
        return None
    if not tree.commit:
        return "not a git checkout: the results could not name the code they measured"
    shown = ", ".join(tree.changed[:10]) + (" …" if len(tree.changed) > 10 else "")
    return (
        f"the working tree has uncommitted changes ({len(tree.changed)} path(s): {shown}). "
        f"Commit them, or run with {ALLOW_DIRTY}=1 to write results marked 'uncommitted'."
    )


def drift(start: TreeState, now: TreeState) -> str | None:
    """What changed in the checkout since the run started (None: nothing). Code imported by a
    benchmark's child processes later in the run is read from the tree as it is then."""
    if now.commit != start.commit:
        return f"HEAD moved from {start.short} to {now.short} during the run"
    added = sorted(set(now.changed) - set(start.changed))
    if added:
        return f"files changed during the run: {', '.join(added[:10])}"
    return None


def stamp(figures: Mapping[str, Any], prov: Provenance, load_after: Load) -> dict[str, Any]:
    """The figures as written to bench/results/<name>.json, with where they came from."""
    out = {k: v for k, v in figures.items() if k != "provenance"}
    out["provenance"] = {
        "commit": prov.tree.commit or "unknown",
        "uncommitted": prov.uncommitted,
        "changed_paths": list(prov.tree.changed) if prov.uncommitted else [],
        "started_at": prov.started_at,
        "cpus": prov.load_before.cpus,
        "load_before": prov.load_before.as_dict(),
        "load_after": load_after.as_dict(),
        "notes": list(prov.notes),
    }
    return out


def busy_words(load: Load) -> str:
    """The 1-minute load against the CPUs, as the report says it."""
    share = load.one / load.cpus if load.cpus else float("nan")
    words = f"{load.one:.2f}/{load.five:.2f}/{load.fifteen:.2f} on {load.cpus} CPUs"
    return words + (" — **busy**" if share >= 0.25 else "")


def measured_line(prov: Provenance, load_after: Load, when: str) -> str:
    """A section's header line: when, which commit, uncommitted or not, how busy."""
    code = prov.tree.short
    if prov.uncommitted:
        code += " with **uncommitted** changes"
    return (
        f"_Measured {when}, code {code}; load average before {busy_words(prov.load_before)},"
        f" after {busy_words(load_after)}._"
    )


# --- reading the machine ----------------------------------------------------------------------


def read_tree(root: Path) -> TreeState:
    """HEAD and the changed paths of the checkout at `root`."""

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=60
        )

    head = git("rev-parse", "--verify", "HEAD")
    if head.returncode != 0:
        return TreeState(commit="")
    status = git("status", "--porcelain=v1", "-z", "--untracked-files=all")
    if status.returncode != 0:
        return TreeState(commit=head.stdout.strip(), changed=("(git status failed)",))
    return TreeState(commit=head.stdout.strip(), changed=changed_paths(status.stdout))


def read_load() -> Load:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        one = five = fifteen = float("nan")
    return Load(round(one, 2), round(five, 2), round(fifteen, 2), os.cpu_count() or 0)
