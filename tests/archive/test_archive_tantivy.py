"""The tantivy index (the embedded default) never loses a committed change: a process
that dies after the database committed the documents but before tantivy committed the index —
or after tantivy committed but before the record of what it lacked was cleared — leaves a state
the next search repairs, with each document indexed once.

Its full build runs in the worker, in steps, newest first, never in a reader's request.

These tests switch to tantivy themselves (with a directory of their own), whatever backend the
rest of the run uses; `XINBAO_SEARCH_INDEX=fts5 pytest tests/archive` runs the rest of the
archive suite, recall and consistency included, against FTS5."""

import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import tantivy
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from archive import backends, index, tantivy_index
from archive.backends import Plan
from archive.models import Document, Unsynced
from archive.search import matching_ids, search
from archive.visibility import Grants
from submissions.models import InfoItem
from tests.archive.test_archive_consistency import ROOT, Child, assert_index_equals_data
from tests.factories import make_item

EVERYONE = Grants.everything()
# The embedded deployment's index: PostgreSQL keeps its own (backends.PostgresIndex).
pytestmark = pytest.mark.skipif(
    "sqlite" not in django_settings.DATABASES["default"]["ENGINE"], reason="SQLite only"
)


@pytest.fixture
def tantivy_backend(settings, tmp_path: Path, db) -> None:
    settings.SEARCH_INDEX = "tantivy"
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"


def keys(query: str) -> set[str]:
    ids = matching_ids(EVERYONE, query)
    return set(Document.objects.filter(id__in=ids).values_list("key", flat=True))


def in_index(doc_id: int) -> int:
    """How many entries the tantivy index holds for this document (no drain, no sync)."""
    return tantivy_index.TantivyIndex().count(Plan(ids=(doc_id,)))


def test_tantivy_is_the_backend_when_chosen(tantivy_backend):
    assert isinstance(backends.current(), tantivy_index.TantivyIndex)


def test_dying_between_the_database_commit_and_the_index_commit(
    tantivy_backend, officer_a, monkeypatch
):
    make_item(officer_a, title="早已索引的稿件")
    assert keys("早已索引") and not Unsynced.objects.exists()
    item = make_item(officer_a, title="提交之后索引之前")

    def die(*args):
        raise RuntimeError("killed after the database commit, before tantivy's")

    monkeypatch.setattr(tantivy_index, "_replace", die)
    with pytest.raises(RuntimeError):
        index.drain()
    monkeypatch.undo()
    doc = Document.objects.get(key=f"item:{item.pk}")  # the database has it
    assert Unsynced.objects.filter(doc_id=doc.id).exists()  # and knows the index lacks it
    assert in_index(doc.id) == 0
    assert keys("索引之前") == {f"item:{item.pk}"}  # the next search repairs the index
    assert in_index(doc.id) == 1 and not Unsynced.objects.exists()
    assert_index_equals_data()


def test_dying_after_the_index_commit_applies_it_again_once(
    tantivy_backend, officer_a, monkeypatch
):
    item = make_item(officer_a, title="索引提交之后被杀")
    index.drain()
    InfoItem.objects.filter(pk=item.pk).update(title="改名之后再同步")

    def die(last_pk, build):
        raise RuntimeError("killed after tantivy's commit, before the record was cleared")

    monkeypatch.setattr(tantivy_index, "_forget", die)
    with pytest.raises(RuntimeError):
        index.drain()
    monkeypatch.undo()
    assert Unsynced.objects.exists()
    assert keys("改名之后") == {f"item:{item.pk}"}
    assert keys("索引提交之后") == set()
    new = Document.objects.get(key=f"item:{item.pk}")
    assert in_index(new.id) == 1 and not Unsynced.objects.exists()
    assert_index_equals_data()


KILLED_MID_SYNC = """
import os, signal
from archive import index, tantivy_index
from org.models import User
from submissions import actions

real = tantivy_index._replace

def apply_then_die(*args):
    real(*args)
    os.kill(os.getpid(), signal.SIGKILL)  # documents committed; tantivy's commit never comes

tantivy_index._replace = apply_then_die
officer = User.objects.get(pk={officer})
actions.do_create_item(
    officer, actions.ItemContent(title="进程在索引提交前被杀", body="数据库已提交。", kind="news")
)
index.drain()
"""


@pytest.mark.wallclock  # a real process: its clock cannot be pinned
@pytest.mark.django_db(transaction=True)
def test_a_process_sigkilled_before_the_index_commit(settings, tmp_path, officer_a):
    settings.SEARCH_INDEX = "tantivy"
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    make_item(officer_a, title="被杀之前的稿件")
    index.drain()
    child = Child(tmp_path)
    child.hand_over()
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", KILLED_MID_SYNC.format(officer=officer_a.pk)],
        cwd=ROOT,
        env=child.env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr.decode()[-2000:]
    child.take_back()
    doc = Document.objects.get(title="进程在索引提交前被杀")
    assert Unsynced.objects.filter(doc_id=doc.id).exists() and in_index(doc.id) == 0
    assert keys("索引提交前被杀") == {doc.key}
    assert in_index(doc.id) == 1
    assert_index_equals_data()


def test_an_index_of_an_older_schema_is_rebuilt_with_the_current_one(tantivy_backend, officer_a):
    """An upgrade that changes the index's fields: the index on disk was built by version 1,
    without the facet column `g`. The first search replaces it and finds everything."""
    item = make_item(officer_a, title="升级之前的稿件")
    assert keys("升级之前") == {f"item:{item.pk}"}
    path = Path(django_settings.SEARCH_INDEX_DIR)
    tantivy_index._state.update(path=None, index=None, searcher=None)  # a restarted process
    for child in path.iterdir():
        if child.is_file():
            child.unlink()
    builder = tantivy.SchemaBuilder()
    for name in ("t2", "b2", "u", "m"):
        builder.add_text_field(name, tokenizer_name="whitespace")
    builder.add_integer_field("id", indexed=True, fast=True)
    tantivy.Index(builder.build(), path=str(path))
    assert '"g"' not in (path / "meta.json").read_text()
    assert keys("升级之前") == {f"item:{item.pk}"}
    assert '"g"' in (path / "meta.json").read_text()
    assert in_index(Document.objects.get(key=f"item:{item.pk}").id) == 1


OPEN_AT_ONCE = """
import os, time
from pathlib import Path
from django.conf import settings
from archive import tantivy_index

base = Path(os.environ["OPEN_BASE"])
for round_ in range(int(os.environ["OPEN_ROUNDS"])):
    settings.SEARCH_INDEX_DIR = base / f"index-{round_}"
    tantivy_index._state.update(path=None, index=None, searcher=None)
    (base / f"ready-{round_}-{os.getpid()}").touch()
    while not (base / f"go-{round_}").exists():
        time.sleep(0.0005)
    _found, created = tantivy_index._open_or_create(Path(settings.SEARCH_INDEX_DIR))
    print("round", round_, "created" if created else "opened", flush=True)
"""


@pytest.mark.wallclock  # real processes: their clocks cannot be pinned
@pytest.mark.django_db(transaction=True)
def test_processes_opening_a_new_index_directory_at_once_create_it_once(
    settings, tmp_path, officer_a
):
    """Workers and web processes starting together on a new install: one creates the index,
    the others open it; none takes the new index for an old one and deletes it."""
    settings.SEARCH_INDEX = "tantivy"
    settings.SEARCH_INDEX_DIR = tmp_path / "unused"
    item = make_item(officer_a, title="同时启动的进程")
    before = Unsynced.objects.filter(doc_id=Unsynced.FULL).count()
    child = Child(tmp_path)
    child.hand_over()
    procs, rounds = 5, 4
    running = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", OPEN_AT_ONCE],
            cwd=ROOT,
            env={**child.env, "OPEN_BASE": str(tmp_path), "OPEN_ROUNDS": str(rounds)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(procs)
    ]
    try:
        deadline = time.monotonic() + 120
        for round_ in range(rounds):
            while len(list(tmp_path.glob(f"ready-{round_}-*"))) < procs:
                if time.monotonic() > deadline or any(p.poll() is not None for p in running):
                    break  # a process died or hangs: its stderr is shown below
                time.sleep(0.01)
            (tmp_path / f"go-{round_}").touch()
        outputs = [p.communicate(timeout=120) for p in running]
    finally:
        for p in running:
            if p.poll() is None:  # a failed wait leaves none behind
                p.kill()
    assert all(p.returncode == 0 for p in running), [err[-2000:] for _out, err in outputs]
    said = [
        line.split()[1:] for out, _err in outputs for line in out.splitlines() if "round" in line
    ]
    for round_ in range(rounds):
        created = [word for number, word in said if number == str(round_)]
        assert sorted(created) == ["created"] + ["opened"] * (procs - 1)
        path = tmp_path / f"index-{round_}"
        assert tantivy_index._current_schema(path)
        assert tantivy.Index.open(str(path)).searcher().num_docs == 0
    child.take_back()
    assert Unsynced.objects.filter(doc_id=Unsynced.FULL).count() == before + rounds
    settings.SEARCH_INDEX_DIR = tmp_path / "index-0"
    tantivy_index._state.update(path=None, index=None, searcher=None)
    assert keys("同时启动") == {f"item:{item.pk}"}


def worker_round() -> None:
    from xinbao.core.worker import Worker

    Worker(log=lambda _: None).round()


def newest_keys(n: int) -> set[str]:
    return set(Document.objects.order_by("-id").values_list("key", flat=True)[:n])


def test_a_full_build_is_the_workers_in_steps_newest_first(
    tantivy_backend, officer_a, editor, client_of, monkeypatch, _pinned_clock
):
    """A new index directory over an archive larger than a step: a reader's search does not
    build it (it says the index is incomplete), the worker adds the newest documents first, a
    step per round (searches then say from which moment on they find everything), changes made
    meanwhile reach what is already filled, and the search that can finish the build in one
    step does."""
    monkeypatch.setattr(tantivy_index, "STEP", 3)
    items = []
    for n in range(8):  # each in a second of its own: a document's id is its moment
        items.append(make_item(officer_a, title=f"分步重建的稿件{n}号"))
        _pinned_clock.shift(timedelta(minutes=1))
    first = search(EVERYONE, "分步重建")
    assert first.incomplete and first.total == 0 and first.filled_since is None
    assert Document.objects.count() == 8 and in_index_all() == 0 and index.building()
    worker_round()
    assert in_index_all() == 3
    during = search(EVERYONE, "分步重建")
    assert during.incomplete and set(keys("分步重建")) == newest_keys(3)
    # The notice names the moment from which on everything is found: the third newest's date
    # (dates to the second, as the notice shows them to the minute).
    dates = sorted(Document.objects.values_list("date", flat=True))
    assert during.filled_since is not None
    assert dates[-4] < during.filled_since <= dates[-3]
    since = timezone.localtime(during.filled_since)
    reader = client_of(editor)
    page = reader.get(reverse("archive:search"), {"q": "分步重建"}).content.decode()
    assert f"{since:%Y-%m-%d %H:%M} 以后的文档已全部可检索" in page
    answer = reader.get("/api/search", {"q": "分步重建"}).json()
    assert answer["incomplete"]
    assert datetime.fromisoformat(answer["filled_since"]) == during.filled_since
    newest = Document.objects.order_by("-id").first()
    oldest = Document.objects.order_by("id").first()
    assert newest is not None and oldest is not None
    by_key = {f"item:{item.pk}": item.pk for item in items}
    InfoItem.objects.filter(pk=by_key[newest.key]).update(title="重建期间改过的新稿")
    InfoItem.objects.filter(pk=by_key[oldest.key]).update(title="重建期间改过的旧稿")
    assert keys("改过的新稿") == {newest.key}  # already filled: the change is applied
    assert keys("改过的旧稿") == set()  # not reached yet: left to the build
    worker_round()
    assert in_index_all() == 6 and index.building()
    done = search(EVERYONE, "重建期间")  # two left, one step: the reader finishes the build
    assert not done.incomplete and not index.building() and done.filled_since is None
    assert keys("改过的旧稿") == {oldest.key}
    assert_index_equals_data()


def in_index_all() -> int:
    return tantivy_index.TantivyIndex().count(Plan())


def five_in_steps_of_two(monkeypatch, officer, title: str) -> None:
    """Five documents written under a new index directory, its build in steps of two not
    started (a search drained them)."""
    monkeypatch.setattr(tantivy_index, "STEP", 2)
    for n in range(5):
        make_item(officer, title=f"{title}{n}")
    search(EVERYONE, title)


def test_a_step_whose_record_was_lost_is_taken_again_without_doubles(
    tantivy_backend, officer_a, monkeypatch
):
    five_in_steps_of_two(monkeypatch, officer_a, "步骤记录丢失")
    index.build_step()
    real = tantivy_index._forget

    def die(last_pk, build):
        raise RuntimeError("killed after tantivy's commit, before the step was recorded")

    monkeypatch.setattr(tantivy_index, "_forget", die)
    with pytest.raises(RuntimeError):
        index.build_step()
    monkeypatch.setattr(tantivy_index, "_forget", real)
    assert in_index_all() == 4
    index.build_step()  # the same two again: they replace themselves
    assert in_index_all() == 4
    while index.building():
        index.build_step()
    assert_index_equals_data()


def test_a_reader_does_not_wait_for_a_step_of_the_build(tantivy_backend, officer_a, monkeypatch):
    """While the worker's step holds tantivy's writer lock, a search answers at once from what
    is filled, says the index is incomplete, and leaves the recorded changes for later."""
    five_in_steps_of_two(monkeypatch, officer_a, "读者不等")
    index.build_step()
    make_item(officer_a, title="读者不等之后")
    held = tantivy_index.TantivyIndex()._index().writer(20_000_000, 1)
    try:
        found = search(EVERYONE, "读者不等")
        assert found.incomplete
        assert Unsynced.objects.exclude(doc_id=Unsynced.FULL).exists()
    finally:
        held.rollback()
        del held
    while index.building():
        index.build_step()
    assert keys("读者不等之后") and not Unsynced.objects.exists()
    assert_index_equals_data()


def test_reindex_fills_the_whole_index_itself(tantivy_backend, officer_a, monkeypatch):
    five_in_steps_of_two(monkeypatch, officer_a, "命令重建")
    assert index.rebuild() == 5
    assert not index.building() and not search(EVERYONE, "命令重建").incomplete
    assert_index_equals_data()


def test_a_lost_index_directory_says_so_until_the_worker_has_rebuilt_it(
    tantivy_backend, officer_a, monkeypatch
):
    five_in_steps_of_two(monkeypatch, officer_a, "目录丢失")
    while index.building():
        worker_round()
    assert search(EVERYONE, "目录丢失").total == 5
    tantivy_index._state.update(path=None, index=None, searcher=None)  # a restarted process
    for child in Path(django_settings.SEARCH_INDEX_DIR).iterdir():
        child.unlink()
    lost = search(EVERYONE, "目录丢失")
    assert lost.incomplete and lost.total == 0
    while index.building():
        worker_round()
    found = search(EVERYONE, "目录丢失")
    assert not found.incomplete and found.total == 5


def five_to_rebuild(monkeypatch, officer, title: str) -> set[str]:
    """Five documents, indexed; rebuilds from here fill the index in a child process."""
    monkeypatch.setattr(tantivy_index, "FILL_APART", 0)
    items = [make_item(officer, title=f"{title}{n}") for n in range(5)]
    search(EVERYONE, title)
    while index.building():
        index.build_step()
    return {f"item:{item.pk}" for item in items}


def test_a_large_rebuild_fills_the_index_in_a_child_process(
    tantivy_backend, officer_a, monkeypatch
):
    """The rebuild hands each batch it writes to a child process, which adds them to the
    index meanwhile and commits once the table is complete: the rebuild's own process fills
    nothing (here it cannot), the index holds exactly the data, later changes sync as usual."""
    written = five_to_rebuild(monkeypatch, officer_a, "子进程填充")

    def not_here(*args):
        raise AssertionError("the rebuild's own process filled the index")

    monkeypatch.setattr(tantivy_index, "_fill_step", not_here)
    assert index.rebuild(batch=2) == 5
    assert not index.building() and not Unsynced.objects.exists()
    assert keys("子进程填充") == written
    later = make_item(officer_a, title="子进程填充之后")
    assert keys("子进程填充") == written | {f"item:{later.pk}"}
    assert_index_equals_data()


def test_a_rebuild_whose_child_died_fills_the_index_itself(tantivy_backend, officer_a, monkeypatch):
    written = five_to_rebuild(monkeypatch, officer_a, "子进程死去")
    from archive.tantivy_fill import Filler

    real_put = Filler.put

    def put_after_its_death(self, entries):
        self._process.kill()
        self._process.wait()
        return real_put(self, entries)

    monkeypatch.setattr(Filler, "put", put_after_its_death)
    assert index.rebuild(batch=2) == 5
    assert not index.building() and not Unsynced.objects.exists()
    assert keys("子进程死去") == written
    assert_index_equals_data()


def test_a_failed_rebuild_ends_its_child_without_its_commit(
    tantivy_backend, officer_a, monkeypatch
):
    """The rebuild fails half-way: the child is ended before it commits, so the index still
    holds what it held (searches say it is incomplete) and the writer's lock is free at once;
    the next rebuild completes it."""
    written = five_to_rebuild(monkeypatch, officer_a, "重建失败")
    real = index._index_batch
    batches = []

    def fail_the_second(kind, ids, avg_length):
        batches.append(ids)
        if len(batches) == 2:
            raise RuntimeError("the disk is full")
        return real(kind, ids, avg_length)

    monkeypatch.setattr(index, "_index_batch", fail_the_second)
    with pytest.raises(RuntimeError):
        index.rebuild(batch=2)
    assert tantivy_index._state.get("filler") is None
    idx = tantivy_index.TantivyIndex()._index(fill=False)
    writer = tantivy_index._writer(idx, tantivy_index.SMALL_HEAP, 1, wait=0)
    assert writer is not None  # no process holds the lock
    writer.rollback()
    del writer
    assert idx.searcher().num_docs == 5
    assert search(EVERYONE, "重建失败").incomplete
    monkeypatch.setattr(index, "_index_batch", real)
    assert index.rebuild(batch=2) == 5
    assert keys("重建失败") == written
    assert_index_equals_data()
