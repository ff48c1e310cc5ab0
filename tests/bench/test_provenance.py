"""`make bench`'s provenance: refused from a changed tree unless BENCH_ALLOW_DIRTY=1 (then
marked "uncommitted"), stamped with the commit it started from, the load before and after,
and bench._record the only writer of bench/results/ and docs/BENCHMARKS.md. Pure functions as
tables; git itself in a temporary repository. No benchmark is run."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from bench import _record as record
from bench._common import Result
from bench._provenance import (
    Load,
    Provenance,
    TreeState,
    allow_dirty,
    busy_words,
    changed_paths,
    drift,
    measured_line,
    read_tree,
    refusal,
    stamp,
)

ROOT = Path(__file__).resolve().parents[2]
QUIET = Load(0.1, 0.2, 0.3, 2)
BUSY = Load(1.5, 1.2, 1.0, 2)


@pytest.mark.parametrize(
    ("porcelain", "paths"),
    [
        ("", ()),
        (" M emergencies/models.py\0", ("emergencies/models.py",)),
        ("?? bench/new_bench.py\0", ("bench/new_bench.py",)),  # untracked counts
        ("M  a.py\0 D b.py\0", ("a.py", "b.py")),
        ("R  new.py\0old.py\0", ("new.py",)),  # a rename: its old path is skipped
        (" M bench/results/search.json\0?? bench/results/x.md\0", ()),  # the outputs
        (" M docs/BENCHMARKS.md\0 M docs/federation.md\0", ("docs/federation.md",)),
        (" M bench/results.py\0", ("bench/results.py",)),  # not under bench/results/
    ],
)
def test_which_paths_make_the_tree_changed(porcelain, paths):
    assert changed_paths(porcelain) == paths


@pytest.mark.parametrize(
    ("environ", "allowed"),
    [({}, False), ({"BENCH_ALLOW_DIRTY": "1"}, True), ({"BENCH_ALLOW_DIRTY": " 1 "}, True)]
    + [({"BENCH_ALLOW_DIRTY": v}, False) for v in ("", "0", "true", "yes", "2")],
)
def test_only_an_explicit_1_allows_a_changed_tree(environ, allowed):
    assert allow_dirty(environ) is allowed


CLEAN = TreeState("a" * 40)
DIRTY = TreeState("a" * 40, ("bench/search.py",))


@pytest.mark.parametrize(
    ("tree", "allowed", "refused"),
    [
        (CLEAN, False, None),
        (CLEAN, True, None),
        (DIRTY, True, None),
        (DIRTY, False, "uncommitted changes (1 path(s): bench/search.py)"),
        (TreeState(""), False, "not a git checkout"),
        (TreeState(""), True, None),
    ],
)
def test_a_changed_tree_is_refused_unless_allowed(tree, allowed, refused):
    reason = refusal(tree, allowed)
    if refused is None:
        assert reason is None
    else:
        assert reason is not None and refused in reason
        if tree.commit:
            assert "BENCH_ALLOW_DIRTY=1" in reason


@pytest.mark.parametrize(
    ("now", "said"),
    [
        (CLEAN, None),
        (TreeState("b" * 40), "HEAD moved from aaaaaaaaaa to bbbbbbbbbb during the run"),
        (TreeState("a" * 40, ("x.py",)), "files changed during the run: x.py"),
    ],
)
def test_what_changed_while_the_run_ran(now, said):
    assert drift(CLEAN, now) == said


def test_a_dirty_start_does_not_drift_by_staying_dirty():
    assert drift(DIRTY, DIRTY) is None
    assert drift(DIRTY, TreeState("a" * 40, ("bench/search.py", "y.py"))) is not None


def prov(tree: TreeState = CLEAN, uncommitted: bool = False) -> Provenance:
    return Provenance("2026-12-03T09:00:00+08:00", tree, uncommitted, QUIET)


def test_each_json_says_where_its_figures_come_from():
    out = stamp({"p95_ms": 3.5, "recall": 1.0}, prov(), BUSY)
    assert out["p95_ms"] == 3.5 and out["recall"] == 1.0
    assert out["provenance"] == {
        "commit": "a" * 40,
        "uncommitted": False,
        "changed_paths": [],
        "started_at": "2026-12-03T09:00:00+08:00",
        "cpus": 2,
        "load_before": {"1m": 0.1, "5m": 0.2, "15m": 0.3},
        "load_after": {"1m": 1.5, "5m": 1.2, "15m": 1.0},
        "notes": [],
    }
    marked = stamp({"p95_ms": 3.5}, prov(DIRTY, uncommitted=True), QUIET)["provenance"]
    assert marked["uncommitted"] is True
    assert marked["changed_paths"] == ["bench/search.py"]


def test_the_section_header_names_commit_state_and_load():
    line = measured_line(prov(DIRTY, uncommitted=True), BUSY, "2026-12-03 09:00 CST")
    assert "code aaaaaaaaaa with **uncommitted** changes" in line
    assert "before 0.10/0.20/0.30 on 2 CPUs" in line
    assert "after 1.50/1.20/1.00 on 2 CPUs — **busy**" in line
    assert "uncommitted" not in measured_line(prov(), QUIET, "x")


@pytest.mark.parametrize(
    ("load", "busy"),
    [(Load(0.49, 0, 0, 2), False), (Load(0.5, 0, 0, 2), True), (Load(1.0, 0, 0, 8), False)],
)
def test_busy_is_a_quarter_of_the_cpus(load, busy):
    assert ("**busy**" in busy_words(load)) is busy


# --- git itself, in a repository of the test's own ---------------------------------------------


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "bench@example.org")
    git(tmp_path, "config", "user.name", "bench")
    (tmp_path / "code.py").write_text("x = 1\n")
    (tmp_path / "bench" / "results").mkdir(parents=True)
    (tmp_path / "bench" / "results" / "a.json").write_text("{}\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    return tmp_path


def test_a_clean_checkout_is_clean_and_named_by_its_head(repo):
    tree = read_tree(repo)
    head = (repo / ".git" / "refs" / "heads").glob("*")
    assert tree.commit == next(head).read_text().strip()
    assert not tree.dirty


def test_edits_and_new_files_make_it_changed_but_the_outputs_do_not(repo):
    (repo / "bench" / "results" / "a.json").write_text('{"x": 1}\n')
    (repo / "bench" / "results" / "b.md").write_text("new\n")
    assert not read_tree(repo).dirty
    (repo / "code.py").write_text("x = 2\n")
    (repo / "new_module.py").write_text("y = 1\n")
    assert read_tree(repo).changed == ("code.py", "new_module.py")


def test_outside_git_there_is_no_commit(tmp_path):
    assert read_tree(tmp_path) == TreeState("")


def test_the_run_refuses_a_changed_tree_and_marks_an_allowed_one(repo, monkeypatch):
    from datetime import datetime

    (repo / "code.py").write_text("x = 2\n")
    monkeypatch.delenv("BENCH_ALLOW_DIRTY", raising=False)
    with pytest.raises(record.Refused, match="uncommitted changes"):
        record.start(datetime.now().astimezone(), root=repo)
    monkeypatch.setenv("BENCH_ALLOW_DIRTY", "1")
    started = record.start(datetime.now().astimezone(), root=repo)
    assert started.uncommitted and started.tree.changed == ("code.py",)


def test_the_commit_stamped_is_the_one_the_run_started_from(repo, monkeypatch):
    from datetime import datetime

    monkeypatch.delenv("BENCH_ALLOW_DIRTY", raising=False)
    first = git(repo, "rev-parse", "HEAD")
    started = record.start(datetime.now().astimezone(), root=repo)
    assert started.tree.commit == first and not started.uncommitted
    assert record.recheck(started, root=repo) == started
    (repo / "code.py").write_text("x = 3\n")
    git(repo, "commit", "-qam", "made during the run")
    with pytest.raises(record.Refused, match="HEAD moved"):
        record.recheck(started, root=repo)
    monkeypatch.setenv("BENCH_ALLOW_DIRTY", "1")
    later = record.recheck(started, root=repo)
    assert later.tree.commit == first  # never the commit made after the start
    assert later.uncommitted and "HEAD moved" in later.notes[0]
    written = stamp({"n": 1}, later, QUIET)["provenance"]
    assert written["commit"] == first and written["uncommitted"] is True


# --- the one writer ------------------------------------------------------------------------------


def test_results_and_report_are_written_with_their_provenance(repo, tmp_path_factory, monkeypatch):
    from datetime import datetime

    out = tmp_path_factory.mktemp("out")  # outside the repository
    monkeypatch.setattr(record, "RESULTS_DIR", out / "results")
    monkeypatch.setattr(record, "REPORT", out / "BENCHMARKS.md")
    monkeypatch.setattr(record, "ROOT", out)
    monkeypatch.setattr(record, "read_tree", lambda root=None: read_tree(repo))
    monkeypatch.delenv("BENCH_ALLOW_DIRTY", raising=False)
    started = datetime.now().astimezone()
    run = record.start(started, root=repo)
    result = Result(name="demo", title="Demo", figures={"p95_ms": 2.0}, markdown="body")
    record.write_result("demo", result, run, started)
    figures = json.loads((out / "results" / "demo.json").read_text())
    assert figures["p95_ms"] == 2.0
    assert figures["provenance"]["commit"] == git(repo, "rev-parse", "HEAD")
    assert set(figures["provenance"]["load_before"]) == {"1m", "5m", "15m"}
    section = (out / "results" / "demo.md").read_text()
    assert section.startswith("## Demo\n\nTargets: met. _Measured ")
    record.write_report("# Benchmarks\n\nbody\n", run)
    assert record.seal_holds((out / "BENCHMARKS.md").read_text()) is True


def test_a_hand_edit_of_the_report_breaks_its_seal():
    sealed = record.seal("# Benchmarks\n\nFigures.\n")
    assert record.seal_holds(sealed) is True
    edited = sealed.replace("Figures.", "Figures.\n\nA paragraph written by hand.")
    assert record.seal_holds(edited) is False
    assert record.seal_holds("# Benchmarks\n") is None


def test_the_committed_report_is_as_make_bench_wrote_it():
    """Reports written before the seal existed carry none; once sealed, an edit is caught."""
    text = (ROOT / "docs" / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert record.seal_holds(text) is not False


WRITES = re.compile(r"write_text|write_bytes|\.open\(|\bopen\(|json\.dump\(|shutil\.copy")
OUTPUT_NAMES = re.compile(r"RESULTS_DIR|REPORT\b|BENCHMARKS\.md|bench/results")


def test_no_other_bench_module_writes_the_results_or_the_report():
    offenders = []
    for path in sorted((ROOT / "bench").glob("*.py")):
        if path.name == "_record.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WRITES.search(line) and OUTPUT_NAMES.search(line):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert offenders == []


def test_a_failed_benchmark_keeps_its_last_figures_in_the_report(tmp_path):
    from datetime import UTC, datetime

    from bench.__main__ import failed_section

    when = datetime(2031, 5, 6, 7, 8, tzinfo=UTC)
    last = tmp_path / "search.md"
    last.write_text(
        "## Search\n\nTargets: met. _Measured 2031-05-01, code abc._\n\n| p95 | 3 ms |\n"
    )
    kept = "\n".join(failed_section("Search", last, when))
    assert kept.startswith("## Search\n\n**Failed to run on 2031-05-06 07:08 UTC**")
    assert "_Measured 2031-05-01, code abc._" in kept and "| p95 | 3 ms |" in kept
    assert kept.count("## Search") == 1
    never = "\n".join(failed_section("Search", tmp_path / "none.md", when))
    assert "Failed to run" in never and "last ones measured" not in never


def test_the_1m_run_replaces_its_quotation_in_the_search_section_and_the_report(
    repo, tmp_path_factory, monkeypatch
):
    """make bench-1m writes its own section, and the search section and docs/BENCHMARKS.md, which
    quote it, no longer show the figures of the run before (the report resealed, the rest of it
    untouched); a report edited by hand is refused."""
    from datetime import datetime

    from bench.search import INTRO_1M

    out = tmp_path_factory.mktemp("out")
    monkeypatch.setattr(record, "RESULTS_DIR", out / "results")
    monkeypatch.setattr(record, "REPORT", out / "BENCHMARKS.md")
    monkeypatch.setattr(record, "ROOT", out)
    monkeypatch.setattr(record, "read_tree", lambda root=None: read_tree(repo))
    monkeypatch.delenv("BENCH_ALLOW_DIRTY", raising=False)
    (out / "results").mkdir()
    # As written before the quotation had markers.
    search = "## Search\n\n| 100k | 3 ms |\n\n" + INTRO_1M + "| 1M | 29 ms |\n"
    (out / "results" / "search.md").write_text(search)
    record.write_report(
        f"# Benchmarks\n\n{search}\n## Next\n\n| other | 1 |\n",
        record.start(datetime.now().astimezone(), root=repo),
    )

    def run_1m(figure: str) -> None:
        started = datetime.now().astimezone()
        result = Result(name="search_1m", title="", figures={"n": 1}, markdown=figure)
        prov = record.start(started, root=repo)
        record.write_plain_section("search_1m", "now", result, prov, "search", INTRO_1M)

    for figure in ("| 1M | 24 ms |", "| 1M | 22 ms |"):  # the second finds the markers
        run_1m(figure)
        section = (out / "results" / "search.md").read_text()
        report = (out / "BENCHMARKS.md").read_text()
        for text in (section, report):
            assert figure in text and "| 100k | 3 ms |" in text
            assert text.count("| 1M |") == 1
        assert report.count("## Next\n\n| other | 1 |\n") == 1
        assert record.seal_holds(report) is True
    (out / "BENCHMARKS.md").write_text(report.replace("| other | 1 |", "| other | 0 |"))
    with pytest.raises(record.Refused, match="edited by hand"):
        run_1m("| 1M | 20 ms |")
