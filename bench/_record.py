"""The one writer of bench/results/ and docs/BENCHMARKS.md. Every benchmark's figures, its
report section and the report itself are written here, each stamped with the run's provenance
(bench._provenance): no other module of the package writes there (tests/bench checks it).

The report ends with a seal, a SHA-256 of the text above it: a paragraph added by hand no
longer matches (tests/bench checks the committed report)."""

import hashlib
import json
import os
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bench._common import RESULTS_DIR, ROOT, Result, log
from bench._provenance import (
    Load,
    Provenance,
    allow_dirty,
    drift,
    measured_line,
    read_load,
    read_tree,
    refusal,
    stamp,
)

REPORT = ROOT / "docs" / "BENCHMARKS.md"
SEAL = re.compile(r"\n<!-- written by make bench; sha256 of the text above: ([0-9a-f]{64}) -->\n$")


class Refused(Exception):
    """The run may not write results (a changed tree without BENCH_ALLOW_DIRTY=1)."""


def start(started: datetime, root: Path = ROOT) -> Provenance:
    """The run's provenance, read once as it starts; Refused when the tree has changes and
    BENCH_ALLOW_DIRTY=1 was not given."""
    tree = read_tree(root)
    allowed = allow_dirty(os.environ)
    reason = refusal(tree, allowed)
    if reason is not None:
        raise Refused(reason)
    return Provenance(
        started_at=started.isoformat(timespec="seconds"),
        tree=tree,
        uncommitted=tree.dirty,
        load_before=read_load(),
    )


def recheck(prov: Provenance, root: Path = ROOT) -> Provenance:
    """The provenance to write with now: unchanged while the tree is as it was at the start;
    otherwise Refused, or (BENCH_ALLOW_DIRTY=1) marked uncommitted with what changed."""
    reason = drift(prov.tree, read_tree(root))
    if reason is None:
        return prov
    if not allow_dirty(os.environ):
        raise Refused(reason)
    return replace(prov, uncommitted=True, notes=(*prov.notes, reason))


def when(started: datetime) -> str:
    return started.strftime("%Y-%m-%d %H:%M %Z").strip()


def write_result(
    name: str, result: Result, prov: Provenance, started: datetime, before: Load | None = None
) -> Provenance:
    """bench/results/<name>.json and <name>.md for one benchmark just run. `before`: the load
    average just before this benchmark (default: the run's)."""
    prov = recheck(prov)
    after = read_load()
    own = replace(prov, load_before=before) if before is not None else prov
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    figures = stamp(result.figures, own, after)
    path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    status = "met" if result.ok else "**not met**"
    header = measured_line(own, after, when(started))
    text = f"## {result.title}\n\nTargets: {status}. {header}\n\n{result.markdown.rstrip()}\n"
    section_file(name).write_text(text, encoding="utf-8")
    log(f"{name}: wrote {path.relative_to(ROOT)} and {section_file(name).relative_to(ROOT)}")
    return prov


def write_plain_section(
    name: str, header: str, result: Result, prov: Provenance, outer: str, legacy: str = ""
) -> None:
    """A section quoted under another benchmark's (the 1M search run under `outer`'s): figures
    and text, and the quotation in `outer`'s section and in the report replaced by it."""
    prov = recheck(prov)
    after = read_load()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    figures = stamp(result.figures, prov, after)
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    line = measured_line(prov, after, header)
    section_file(name).write_text(f"{line}\n\n{result.markdown.rstrip()}\n", encoding="utf-8")
    _requote(name, outer, legacy)
    log(f"wrote bench/results/{name}.json and {name}.md, and quoted it under {outer}")


def quoted(name: str, text: str) -> str:
    """The section `name` as quoted under another benchmark's section (the 1M search run under
    the search benchmark's), between markers that `write_plain_section` finds again."""
    return f"<!-- quoted: {name} -->\n{text.strip()}\n<!-- end of {name} -->"


def _requoted(doc: str, name: str, text: str, legacy: str) -> str | None:
    """`doc` with the quotation of `name` replaced by `text`; None when it holds none. A
    quotation written before the markers existed is found after its introduction `legacy`,
    up to the next section or the end."""
    start, end = f"<!-- quoted: {name} -->\n", f"\n<!-- end of {name} -->"
    at = doc.find(start)
    if at >= 0 and (until := doc.find(end, at)) >= 0:
        return doc[:at] + quoted(name, text) + doc[until + len(end) :]
    at = doc.find(legacy)
    if not legacy or at < 0:
        return None
    at += len(legacy)
    until = doc.find("\n\n## ", at)
    if until < 0:
        until = len(doc.rstrip("\n"))
    return doc[:at] + quoted(name, text) + doc[until:]


def _requote(name: str, outer: str, legacy: str) -> None:
    """Replace the quotation of section `name` in the section `outer` and in the report (resealed:
    this is make's writing, not a hand's), so that neither keeps figures older than the results."""
    text = section_file(name).read_text(encoding="utf-8")
    outer_file = section_file(outer)
    if outer_file.exists():
        found = _requoted(outer_file.read_text(encoding="utf-8"), name, text, legacy)
        if found is not None:
            outer_file.write_text(found, encoding="utf-8")
    if not REPORT.exists():
        return
    report = REPORT.read_text(encoding="utf-8")
    if seal_holds(report) is False:
        raise Refused(f"{REPORT.name} was edited by hand since make bench wrote it")
    sealed = SEAL.search(report)
    body = report[: sealed.start()] if sealed else report
    found = _requoted(body, name, text, legacy)
    if found is not None:
        REPORT.write_text(seal(found), encoding="utf-8")


def section_file(name: str) -> Path:
    return RESULTS_DIR / f"{name}.md"


def seal(text: str) -> str:
    body = text.rstrip("\n") + "\n"
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return f"{body}\n<!-- written by make bench; sha256 of the text above: {digest} -->\n"


def seal_holds(text: str) -> bool | None:
    """True: the report is as make bench wrote it; False: edited since; None: no seal."""
    found = SEAL.search(text)
    if found is None:
        return None
    body = text[: found.start()]
    return hashlib.sha256(body.encode("utf-8")).hexdigest() == found.group(1)


def write_report(text: str, prov: Provenance) -> None:
    recheck(prov)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(seal(text), encoding="utf-8")
    log(f"wrote {REPORT.relative_to(ROOT)}")
