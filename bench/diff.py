"""Issue 10: the revision diff at the body's maximum length (`python -m bench diff`).

`submissions.diff.compare` on bodies of `BODY_MAX_LENGTH` characters for six edit shapes — one
character changed in the middle, every paragraph touched, a complete rewrite, a paragraph
appended, one character changed in one sentence repeated (the kind of body the issue timed at
25.5 s), and the slowest of a few texts made to be hard (2 to 6 symbols at random, one in 97
changed) — median and slowest of BENCH_DIFF_REPS runs (9), and the revision page
showing each change, server time through Django's test client (p50/p95 of BENCH_DIFF_PAGE_REPS
requests, 20, the pages alternated), in a fresh temporary var dir (SQLite). Target: every
comparison and every page p95 ≤ 0.5 s.

Measured in the same run: the implementation replaced (SequenceMatcher over characters,
autojunk=False) on 2,000-character versions of the same shapes, and on the two one-character
edits at full length (up to a minute; BENCH_DIFF_OLD_FULL=0 leaves them out); and difflib.ndiff
over paragraphs at full length, the plain line diff one would reach for first.
BENCH_KEEP=1 keeps the temporary var dir.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench._common import Result, env_int, log, rounded
from bench._server import django_child, manage

NAME = "diff"
TITLE = "Revision diffs (issue 10)"
TARGET_MS = 500.0
FILLER_LINE = "防汛工作会议在市委召开。"  # bench._diff_child.FILLER without its newline

LABELS = {
    "one_char": "one character changed in the middle",
    "every_paragraph": "every paragraph touched (a character and a 5-character phrase replaced)",
    "rewrite": "complete rewrite (another text of the same length)",
    "appended": "a paragraph appended",
    "repeated": "one character changed in one sentence repeated (a tester's filler)",
    "hard": "text made to be hard (the slowest of 5 random texts over 2–6 symbols)",
}


def run() -> Result:
    reps = env_int("BENCH_DIFF_REPS", 9)
    page_reps = env_int("BENCH_DIFF_PAGE_REPS", 20)
    old_full = os.environ.get("BENCH_DIFF_OLD_FULL", "1") != "0"
    var_dir = Path(tempfile.mkdtemp(prefix="xinbao-bench-diff-"))
    try:
        log(f"temporary var dir {var_dir}")
        manage(var_dir, "migrate", "--noinput")
        manage(var_dir, "collectstatic", "--noinput", "-v0")
        args = {"reps": reps, "page_reps": page_reps, "old_full": old_full}
        measured = django_child("bench._diff_child", var_dir, json.dumps(args))
    finally:
        if os.environ.get("BENCH_KEEP") == "1":
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    return result(measured, reps, page_reps)


def result(measured: dict[str, Any], reps: int, page_reps: int) -> Result:
    length, compared, pages = measured["length"], measured["compare"], measured["pages"]
    figures: dict[str, float | int] = {"length": length}
    rows = []
    for name, label in LABELS.items():
        c, p = compared[name], pages[name]
        figures |= {
            f"{name}_compare_ms": rounded(c["compare_ms"], 2),
            f"{name}_compare_max_ms": rounded(c["compare_max_ms"], 2),
            f"{name}_page_p50_ms": rounded(p["p50_ms"]),
            f"{name}_page_p95_ms": rounded(p["p95_ms"]),
            f"{name}_deleted": c["deleted"],
            f"{name}_inserted": c["inserted"],
            f"{name}_ndiff_ms": rounded(c["ndiff_ms"], 2),
            f"{name}_2000_compare_ms": rounded(c["small_compare_ms"], 2),
            f"{name}_2000_old_ms": rounded(c["small_old_ms"], 2),
        }
        rows.append(
            f"| {label} | {c['old_chars']:,} → {c['new_chars']:,} | {c['deleted']:,} / "
            f"{c['inserted']:,} | **{c['compare_ms']:,.1f}** ({c['compare_max_ms']:,.1f}) | "
            f"**{p['p50_ms']:,.0f} / {p['p95_ms']:,.0f}** | {c['ndiff_ms']:,.1f} | "
            f"{c['small_compare_ms']:,.2f} | {c['small_old_ms']:,.1f} |"
        )
    every = compared["every_paragraph"]
    figures["every_paragraph_replaced"] = every["replaced"]
    figures["every_paragraph_paragraphs"] = every["paragraphs"]
    figures["no_diff_page_p50_ms"] = rounded(pages["no_diff"]["p50_ms"])
    figures["no_diff_page_p95_ms"] = rounded(pages["no_diff"]["p95_ms"])
    old_full = {n: compared[n]["old_full_ms"] for n in LABELS if "old_full_ms" in compared[n]}
    for name, ms in old_full.items():
        figures[f"{name}_old_ms"] = rounded(ms)
    slowest_compare = max(compared[n]["compare_max_ms"] for n in LABELS)
    slowest_page = max(pages[n]["p95_ms"] for n in LABELS)
    ok = slowest_compare <= TARGET_MS and slowest_page <= TARGET_MS
    old_line = (
        " ".join(
            f"On {LABELS[name]}, the replaced implementation took **{ms / 1000:,.1f} s** at"
            f" {length:,} characters (one run), the new one"
            f" {compared[name]['compare_ms']:,.2f} ms."
            for name, ms in old_full.items()
        )
        or "The replaced implementation was not run at full length (BENCH_DIFF_OLD_FULL=0)."
    )
    markdown = f"""\
`submissions.diff.compare` on item bodies of the maximum length ({length:,} characters),
and the revision page that shows the change. Target: the slowest comparison and every page's
p95 ≤ {TARGET_MS:g} ms — slowest comparison **{slowest_compare:,.1f} ms**, slowest page p95
**{slowest_page:,.0f} ms**.

| edit | characters (old → new) | shown deleted / inserted | compare, ms: median (slowest of \
{reps}) | revision page, ms: p50 / p95 | ndiff over paragraphs, ms | compare at 2,000 chars, \
ms | replaced implementation at 2,000 chars, ms |
|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

{old_line} The same page without a diff (revision 1, the {length:,}-character body alone):
{pages["no_diff"]["p50_ms"]:,.0f} / {pages["no_diff"]["p95_ms"]:,.0f} ms (p50 / p95).

The texts: report-like text generated from the demo items' paragraphs (a character chain with
two characters of context: the characters, punctuation and paragraph lengths of real reports,
no sentence twice); the filler is one line, {FILLER_LINE}, again and again. "Shown deleted /
inserted" is what the page marks. The every-paragraph edit replaced {every["replaced"]:,}
characters in {every["paragraphs"]} paragraphs (position by position); the page marks
{every["deleted"]:,} of them, fewer only where the new phrase keeps a character of the text it
replaced. On a rewrite, and on the texts made to be hard once the work budget
(`submissions.diff.WORK_BUDGET`) is spent, a stretch is shown as replaced whole — still exact,
coarser. Pages: `GET /items/<id>/revisions/2/` through Django's test client in the measuring
process (no network), logged in as the item's officer, the pages alternated, {page_reps}
rounds. ndiff is a line diff with hints inside changed lines, the usual ready-made alternative.
Raw figures: `bench/results/diff.json`.
"""
    return Result(NAME, TITLE, figures, markdown, ok=ok)
