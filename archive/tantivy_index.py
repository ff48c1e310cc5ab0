"""The archive's full-text index in tantivy, the embedded (SQLite) deployment's default.

(`XINBAO_SEARCH_INDEX=fts5` chooses FTS5 instead.) The index lives in `SEARCH_INDEX_DIR` (under
the var dir) and is created on first use. It holds the same tokens as the FTS5 table and answers the
same `Plan`, so it returns exactly the same documents:

- `t2`, `b2`: the title's and the body's bigrams in order, with positions — a term of two or
  more characters is a phrase of its bigrams within one of them (FTS5's `{t2 b2} : "…"`);
- `u`: the distinct characters (a one-character term), `m`: the meta tokens (facets, grants,
  `xall`) and the ranking tier tokens — presence only;
- `id`: `Document.id` as an indexed fast i64: newest first orders by it, date filters are
  ranges on it, `Plan.ids` a term set;
- `z`: `rules.lowest_bound` of the document's length, a fast f64: relevance order reads the
  matches below every tier in its order (`archive.ranking`);
- `g`: the document's whole meta string as one raw term in a fast (column) field. Documents
  share a few thousand distinct sets, so the column holds one small ordinal per document, and
  facet counts are a terms aggregation over it, split by year with a range aggregation on `id`,
  inside tantivy: no document row is read.

Document frequencies are tantivy's own term statistics while no segment holds a deleted
document, and counted by queries otherwise (the statistics count deleted documents until a merge
drops them): see `TantivyIndex.df`.

An index built with another schema (read from its own meta.json, which tantivy writes
atomically with the index) is replaced by an empty one that learns every document at the next
sync, as a new directory does; `manage.py reindex` after an upgrade does the same in one step.
Processes open or create the index one at a time (a file lock in the directory), so none can
take another's index, new or half-replaced, for an old one.

Consistency with the database. The `Document` table is the index's source; the tantivy index
is derived data that may lag it but never loses a change:

1. The drain's transaction writes the `Document` rows and, for every document it adds or
   removes, an `Unsynced(doc_id)` row — both or neither are committed.
2. After the commit, `sync()` takes tantivy's writer lock (one writer across processes; a
   process that finds it busy waits and retries — the lock is a file lock the kernel releases
   when its holder dies), THEN reads the `Unsynced` rows and the current `Document` rows for
   their ids, deletes those ids from the index and adds the documents that exist, and commits.
   Reading after taking the lock makes every commit at least as new as the one before.
3. Only then are the `Unsynced` rows it read deleted (by primary key up to the last it read:
   rows written meanwhile stay for the next sync).

A crash before 1 commits leaves the outbox rows (the drain is redone); between 1 and 2's commit,
the `Unsynced` rows (the next sync applies them); between 2 and 3, rows already applied (applying
them again is idempotent: delete by id, then add). Every search calls `archive.index.
ensure_fresh()`, which drains the outbox and syncs when either has rows, so a reader finds
what was committed even when the writing process died before its own sync. Readers reload the
searcher before each question (tantivy checks its meta file: microseconds).

A rebuild (`manage.py reindex`) and a new, empty index directory leave an `Unsynced(FULL)`
row: the index is to be emptied and filled with every document of the table. That is a full
build, and it is never a reader's work (a million documents take minutes): the worker takes
it a step at a time (`STEP` documents, one writer commit each, between its other duties), and
`manage.py reindex` fills it in one writer session. The steps go newest first, so while they
run the index already answers for the newest documents, and searches say that it is
incomplete. The FULL row's `filled_from` records how far the build has got, after each step's
commit; a step taken again after a crash first deletes what it added. Changes recorded meanwhile
are applied as usual to the documents already filled; those not yet reached are left to the
build, which reads their rows later. A reader's sync takes a step only when that step finishes
the build (a new install, a small table), and does not wait for the lock while a step runs.
While a rebuild writes the document rows (`IndexState.version == "building"`) other processes
do not sync (their rows wait).

Switching between FTS5 and tantivy (either way) takes `manage.py reindex`: the inactive index
is not kept up to date (a tantivy directory left from before would be taken as current; where
there is none, the worker builds one).
"""

import fcntl
import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings
from django.db import connection, transaction

from archive import rules
from archive.backends import DOCS, Entry, MetaGroup, Plan, Year, rules_everything
from archive.models import Document, IndexState, Unsynced
from archive.sqlite_index import SqliteIndex
from archive.tantivy_queries import (
    bound_query,
    fold,
    from_id,
    newest,
    query_for,
    with_ids,
    without_query,
)

ALL_FIELDS = ("t2", "b2", "u", "m")
# The text fields: name, tokenizer, what is recorded, fast (a column). `id` is an indexed fast
# i64, `z` a fast f64. Version 1 had no `g` (facet counts read the document rows), version 2 no
# `z`.
TEXT_SCHEMA = (
    ("t2", "whitespace", "position", False),
    ("b2", "whitespace", "position", False),
    ("u", "whitespace", "basic", False),
    ("m", "whitespace", "basic", False),
    ("g", "raw", "basic", True),
)
NUMBER_SCHEMA = [("id", "i64", True, True), ("z", "f64", False, True)]
OPEN_LOCK = ".xinbao-open.lock"
# A newest-first page in an index of at least WINDOWS_FROM documents: the newest 1/32 of the
# id range first, then 1/4, then all of it. Measured at 1,000,000 documents, the ids of a page
# alone (p95 by class): 2.6-5.2 ms with these windows, 2.8-6.7 starting at 1/256 (a rarer
# word tried one window more before its page), 2.6-13.2 with none; 1/128 or 1/64 then 1/8
# had worse tails (no step at 1/4). At 100,000 windows made the page slower.
WINDOWS_FROM = 1_000_000
WINDOWS = (32, 4)
LOCK_WAIT_S = 120.0  # a writer waits this long for another process's commit
# Documents a step of a full build adds in one writer commit (see the module docstring).
# Measured at 100,000 documents, the worker's rounds: 5,000 took at most 7.7 s each (103 s in
# all), 10,000 at most 11.8 s (84 s): the worker's other duties wait for a round.
STEP = 5_000
# A rebuild of at least this many documents fills the index in a child process meanwhile.
FILL_APART = 20_000
SMALL_HEAP = 20_000_000
BULK_HEAP = 400_000_000
READ_CHUNK = 2000
GROUPS_MAX = 1_000_000  # distinct meta sets a facet count may meet (a few thousand in practice)

_state: dict[str, Any] = {"path": None, "index": None, "bulk": False}


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name, tokenizer, record, fast in TEXT_SCHEMA:
        builder.add_text_field(name, tokenizer_name=tokenizer, index_option=record, fast=fast)
    builder.add_integer_field("id", indexed=True, fast=True)
    builder.add_float_field("z", fast=True)
    return builder.build()


def _current_schema(path: Path) -> bool:
    """Whether the index in `path` has exactly this schema, by its own meta.json."""
    try:
        fields = json.loads((path / "meta.json").read_text(encoding="utf-8"))["schema"]
        text = [
            (f["name"], o["indexing"]["tokenizer"], o["indexing"]["record"], o["fast"])
            for f in fields
            if f["type"] == "text" and (o := f["options"])
        ]
        numbers = [
            (f["name"], f["type"], f["options"]["indexed"], f["options"]["fast"])
            for f in fields
            if f["type"] in ("i64", "f64")
        ]
    except FileNotFoundError:
        return False
    except (ValueError, KeyError, TypeError):  # not a meta.json this code can read: rebuild
        return False
    others = len(fields) - len(text) - len(numbers)
    return (text, numbers, others) == (list(TEXT_SCHEMA), NUMBER_SCHEMA, 0)


def _open_or_create(path: Path) -> tuple[tantivy.Index, bool]:
    """The index in `path`, created (and any index of another schema removed) when it has
    none of this schema; True when created. One process at a time decides and creates."""
    path.mkdir(parents=True, exist_ok=True)
    with open(path / OPEN_LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or its process dies
        if tantivy.Index.exists(str(path)) and _current_schema(path):
            return tantivy.Index.open(str(path)), False
        for child in path.iterdir():  # its files only: the directory may be a mount
            if child.is_file() and child.name != OPEN_LOCK:
                child.unlink()
        created = tantivy.Index(_schema(), path=str(path))
        Unsynced.objects.create(doc_id=Unsynced.FULL)
        return created, True


class TantivyIndex:
    vendor = "sqlite"
    stepwise = True  # a full build runs in steps (see the module docstring)

    def __init__(self) -> None:
        self.path = Path(settings.SEARCH_INDEX_DIR)

    # --- the index directory -----------------------------------------------------------------
    def _index(self, fill: bool = True) -> tantivy.Index:
        """The open index; a new directory is created and learns every document of the table
        (at once, or with `fill` False at the caller's sync)."""
        if _state["path"] != self.path:
            found, new = _open_or_create(self.path)
            _state.update(path=self.path, index=found, searcher=None, seen=None)
            if new and fill:
                self.sync()
        found_index: tantivy.Index = _state["index"]
        return found_index

    def open(self) -> None:
        """Open the index, creating it (and recording its full build) when the directory has
        none: before a search asks whether the index is complete."""
        self._index(fill=False)

    def _searcher(self) -> tantivy.Searcher:
        """A searcher over the last commit, this process's or another's. Every commit
        replaces meta.json, so the index is reloaded only when that file is a new one."""
        idx = self._index()
        try:
            st = os.stat(self.path / "meta.json")
            seen: tuple[int, int, int] | None = (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            seen = None
        searcher = _state.get("searcher")
        if searcher is None or seen is None or _state.get("seen") != seen:
            idx.reload()
            searcher = idx.searcher()
            _state.update(searcher=searcher, seen=seen)
        return searcher

    # --- writes: recorded in the database transaction, applied by sync() ----------------------
    def reset(self) -> None:
        """Empty the document table, and the FTS5 tables an instance that used them left
        behind (their pages are reused); the index follows in a full build."""
        SqliteIndex().reset()
        Unsynced.objects.create(doc_id=Unsynced.FULL)

    def _record(self, rows: Sequence[Entry]) -> None:
        if not _state["bulk"] and rows:
            Unsynced.objects.bulk_create([Unsynced(doc_id=r[0]) for r in rows], batch_size=2000)

    def add(self, rows: Sequence[Entry]) -> None:
        filler = _state.get("filler")
        if _state["bulk"] and filler is not None and not filler[0].put(rows):
            _state["filler"] = None  # the child ended: the rebuild fills the index itself
        self._record(rows)

    def remove(self, rows: Sequence[Entry]) -> None:
        self._record(rows)

    def bulk_mode(self, on: bool, documents: int = 0, failed: bool = False) -> None:
        """A rebuild writes no Unsynced row per document: its FULL row covers them all. From
        FILL_APART `documents` on, a child process adds them to the index as they are written
        (`archive.tantivy_fill`); a rebuild that `failed` ends it without its commit."""
        _state["bulk"] = on
        filler = _state.get("filler")
        if on and documents >= FILL_APART and filler is None:
            from archive.tantivy_fill import Filler

            self._index(fill=False)  # the directory the child opens (a new one: its build)
            full = _full_build()
            if full is not None:
                _state["filler"] = (Filler(str(self.path)), full[0])
        elif not on and failed and filler is not None:
            filler[0].stop()
            _state["filler"] = None

    def optimize(self) -> None:
        """tantivy merges segments itself."""

    def sync(self, force: bool = False, background: bool = False) -> int:
        """Apply the recorded changes to the index (see the module docstring). `force`: the
        rebuild's own call, also while it runs, which takes the whole of a pending full build
        in one writer session; `background`: the worker's, which takes one step of it.
        Returns how many documents it wrote."""
        if not Unsynced.objects.exists():
            return 0
        if not force and IndexState.objects.filter(pk=1, version="building").exists():
            return 0
        idx = self._index(fill=False)
        if force and _state.get("filler") is not None:
            (filler, full_pk), _state["filler"] = _state["filler"], None
            if filler.finish():  # the child filled the index: that build is done
                idx.reload()
                _forget(0, (full_pk, None))
        full = _full_build()
        build = full is not None and (force or background or _unfilled(full[1]) <= STEP)
        if full is not None and not build:
            if not Unsynced.objects.exclude(doc_id=Unsynced.FULL).exists():
                return 0
            # A reader does not wait while a step of the build holds the lock: its results
            # are marked incomplete anyway, and the next sync applies the changes.
            writer = _writer(idx, SMALL_HEAP, 1, wait=0)
        else:
            writer = _writer(idx, BULK_HEAP if build else SMALL_HEAP, 2 if build else 1)
        if writer is None:
            return 0
        try:
            # Read after taking the lock: every commit is at least as new as the one before.
            rows = list(Unsynced.objects.order_by("pk").values_list("pk", "doc_id"))
            if not rows:
                writer.rollback()
                return 0
            full = _full_build()
            limit = None if force else STEP
            step = _fill_step(idx.schema, writer, full[1], limit) if full and build else None
            changed = sorted({d for _pk, d in rows if d != Unsynced.FULL})
            if full is not None:
                # Documents the build has not reached are left to it (it reads their rows
                # when it gets there); not started, it reads every row.
                floor = step[0] if step else full[1]
                changed = [d for d in changed if floor is not None and d >= floor]
            written = _replace(idx.schema, writer, changed) + (step[1] if step else 0)
            writer.commit()
            writer.wait_merging_threads()  # releases the lock
        except BaseException:
            del writer
            raise
        del writer
        idx.reload()
        progress = None
        if full is not None and step is not None:
            progress = (full[0], None if step[2] else step[0])
        _forget(rows[-1][0], progress)
        return written

    # --- reads -------------------------------------------------------------------------------
    def _count(self, searcher: tantivy.Searcher, query: tantivy.Query) -> int:
        found: Any = searcher.search(query, 1, count=True)  # `count` is missing from the stub
        return int(found.count)

    def ids(self, plan: Plan, limit: int | None = None, offset: int = 0) -> list[int]:
        searcher = self._searcher()
        schema = self._index().schema
        query = query_for(plan, schema)
        # Newest first is a sort of every match by id. For a page, a large index tries the
        # newest part of the id range first: a window holding the whole page holds the page
        # (every match outside it is older than every one inside). Not for every match.
        windows = [] if limit is None else self._windows(plan, searcher)
        if limit is None:
            limit = self._count(searcher, query) - offset
        if limit <= 0:
            return []
        for low in windows:
            page = newest(searcher, from_id(schema, query, low), limit, offset)
            if len(page) == limit:
                return page
        return newest(searcher, query, limit, offset)

    def _windows(self, plan: Plan, searcher: tantivy.Searcher) -> list[int]:
        """The lower ids of the windows to try, newest first (none for a small index)."""
        if searcher.num_docs < WINDOWS_FROM:
            return []
        from archive.index import id_span

        span = id_span()
        if span is None:
            return []
        low, high = span
        low = max(low, plan.id_min or low)
        high = min(high, plan.id_max if plan.id_max is not None else high)
        return [high - (high - low) // part for part in WINDOWS if high - low > part]

    def count(self, plan: Plan) -> int:
        return self._count(self._searcher(), query_for(plan, self._index().schema))

    def by_bound(
        self, plan: Plan, values: Sequence[tuple[str, float]], limit: int
    ) -> list[tuple[int, float]]:
        """See `backends.Bounded`: each token a constant score, summed by tantivy."""
        searcher = self._searcher()
        schema = self._index().schema
        found = searcher.search(bound_query(plan, schema, values), limit, count=False)
        return with_ids(searcher, found.hits)

    def by_lowest(
        self, plan: Plan, read: Sequence[Sequence[str]], limit: int
    ) -> list[tuple[int, float]]:
        """See `backends.Bounded`: ordered by the `z` column."""
        searcher = self._searcher()
        schema = self._index().schema
        query = without_query(plan, schema, read)
        found = searcher.search(query, limit, count=False, order_by_field="z")
        return with_ids(searcher, found.hits)

    def meta_groups(self, plan: Plan, years: Sequence[Year], limit: int) -> list[MetaGroup]:
        """The newest `limit` matches counted by (meta tokens, year): a terms aggregation over
        the `g` column with a range aggregation on `id` under it (and the lowest id in each
        range), in tantivy."""
        searcher = self._searcher()
        schema = self._index().schema
        query = query_for(plan, schema)
        # The newest `limit` matches are those from the `limit`-th newest one's id up.
        last = self.ids(plan, 1, limit - 1)
        if last:
            query = from_id(schema, query, last[0])
        # `years` is newest first: a year runs from its first id to the next year's first.
        ranges: list[dict[str, Any]] = []
        upper: int | None = None
        for first, year in years:
            ranges.append({"key": str(year), "from": first, **({"to": upper} if upper else {})})
            upper = first
        ranges.append({"key": "0", **({"to": upper} if upper is not None else {})})
        spec = {
            "g": {
                "terms": {"field": "g", "size": GROUPS_MAX, "segment_size": GROUPS_MAX},
                "aggs": {
                    "y": {
                        "range": {"field": "id", "ranges": ranges},
                        "aggs": {"low": {"min": {"field": "id"}}},
                    }
                },
            }
        }
        found = searcher.aggregate(query, spec)["g"]
        if found.get("sum_other_doc_count"):
            raise RuntimeError("more distinct facet sets than GROUPS_MAX")
        return [
            (bucket["key"], int(span["key"]), int(span["doc_count"]), int(span["low"]["value"]))
            for bucket in found["buckets"]
            for span in bucket["y"]["buckets"]
            if span["doc_count"]
        ]

    def df(self, tokens: Sequence[str]) -> dict[str, int]:
        """Documents holding each token in any field (FTS5's vocabulary 'row' counts).

        tantivy's own term statistics count deleted documents until a merge drops them. When
        no segment holds a deleted document (every document carries `EVERYTHING`, so its
        statistic then equals the live count), they are exact: a token in one field is its
        statistic, and a bigram in the title and the body is the sum of both less the
        documents holding it in both, which the title's (short) postings drive. Otherwise,
        or in more than two fields, the union's documents are counted."""
        searcher = self._searcher()
        schema = self._index().schema
        exact = searcher.doc_freq("m", rules_everything()) == searcher.num_docs
        out = {}
        for token in tokens:
            held = {f: searcher.doc_freq(f, token) for f in ALL_FIELDS} if exact else {}
            fields = [f for f, n in held.items() if n]
            if exact and len(fields) <= 1:
                out[token] = sum(held.values())
            elif exact and len(fields) == 2:
                both = _joined(schema, fields, token, tantivy.Occur.Must)
                out[token] = sum(held.values()) - self._count(searcher, both)
            else:
                anywhere = _joined(schema, ALL_FIELDS, token, tantivy.Occur.Should)
                out[token] = self._count(searcher, anywhere)
        return out

    def rough_df(self, tokens: Sequence[str]) -> dict[str, int]:
        """tantivy's own term statistics, deleted documents included until a merge drops them
        (summed over the fields: a token belongs to one of them by its form)."""
        searcher = self._searcher()
        return {t: sum(searcher.doc_freq(f, t) for f in ALL_FIELDS) for t in tokens}

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())


def _joined(
    schema: tantivy.Schema, fields: Sequence[str], token: str, occur: tantivy.Occur
) -> tantivy.Query:
    """`token` in each of `fields` (Must) or in any of them (Should)."""
    terms = [(occur, tantivy.Query.term_query(schema, f, token)) for f in fields]
    return tantivy.Query.boolean_query(terms)


def _full_build() -> tuple[int, int | None] | None:
    """The pending full build (its row and how far it has got), or None. The newest FULL row
    counts: an older one was made before the index was last emptied."""
    return (
        Unsynced.objects.filter(doc_id=Unsynced.FULL)
        .order_by("-pk")
        .values_list("pk", "filled_from")
        .first()
    )


def _unfilled(filled_from: int | None) -> int:
    """How many documents a build filled from this id has still to add (up to STEP + 1)."""
    below = "" if filled_from is None else "WHERE id < %s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {DOCS} {below} LIMIT %s)",
            [*([] if filled_from is None else [filled_from]), STEP + 1],
        )
        return int(cursor.fetchone()[0])


def _forget(last_pk: int, build: tuple[int, int | None] | None) -> None:
    """The recorded changes up to `last_pk` are in the committed index; `build`: the full
    build's row, and how far it has now filled (None: done — the row and any older FULL row
    go)."""
    with transaction.atomic():
        Unsynced.objects.filter(pk__lte=last_pk).exclude(doc_id=Unsynced.FULL).delete()
        if build is None:
            return
        pk, filled_from = build
        if filled_from is None:
            Unsynced.objects.filter(doc_id=Unsynced.FULL, pk__lte=pk).delete()
        else:
            Unsynced.objects.filter(pk=pk).update(filled_from=filled_from)
            Unsynced.objects.filter(doc_id=Unsynced.FULL, pk__lt=pk).delete()


def _writer(
    idx: tantivy.Index, heap: int, threads: int, wait: float = LOCK_WAIT_S
) -> tantivy.IndexWriter | None:
    """tantivy's writer, waiting while another process holds its lock (up to `wait` seconds;
    with `wait` 0, None when the lock is busy)."""
    give_up = time.monotonic() + wait
    pause = 0.01
    while True:
        try:
            return idx.writer(heap, threads)
        except ValueError as error:
            if "LockBusy" not in str(error):
                raise
            if time.monotonic() >= give_up:
                if not wait:
                    return None
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def _documents(ids: Iterable[int]) -> Iterator[Entry]:
    """The current rows of these documents, as index entries."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        found = Document.objects.filter(id__in=wanted[start : start + 500])
        yield from _entries(found.values_list(*ENTRY_FIELDS))


ENTRY_FIELDS = ("id", "norm", "meta", "avg_length")


def _entries(rows: Iterable[tuple[int, str, str, float]]) -> Iterator[Entry]:
    from archive.index import split_norm

    for rid, norm, meta, avg in rows:
        title, body = split_norm(norm)
        yield rid, title, body, meta.split(), avg


def _add(writer: tantivy.IndexWriter, entries: Iterable[Entry]) -> int:
    written = 0
    for entry in entries:
        rid, t2, b2, u, m = SqliteIndex._columns(entry)
        doc = tantivy.Document(t2=t2, b2=b2, u=u, m=fold(m), g=" ".join(entry[3]))
        doc.add_integer("id", rid)
        doc.add_float("z", rules.lowest_bound(len(entry[1]) + len(entry[2]), entry[4]))
        writer.add_document(doc)
        written += 1
    return written


def _replace(schema: tantivy.Schema, writer: tantivy.IndexWriter, ids: list[int]) -> int:
    """Replace the index entries of these documents by their current rows (none for a
    document that no longer exists)."""
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        writer.delete_documents_by_query(tantivy.Query.term_set_query(schema, "id", chunk))
    return _add(writer, _documents(ids))


def _fill_step(
    schema: tantivy.Schema, writer: tantivy.IndexWriter, filled_from: int | None, limit: int | None
) -> tuple[int | None, int, bool]:
    """One step of a full build: the next `limit` documents (None: all) below `filled_from`,
    newest first (None: the build starts, and the index is emptied first). Returns the lowest
    id now filled, how many documents were added, and whether the build is done."""
    if filled_from is None:
        writer.delete_all_documents()
        rows = Document.objects.all()
    else:
        # Nothing below the build's mark is in the index, unless a step's commit was not
        # recorded: taken again, it replaces what it added.
        below = tantivy.Query.range_query(
            schema, "id", tantivy.FieldType.Integer, None, filled_from, include_upper=False
        )
        writer.delete_documents_by_query(below)
        rows = Document.objects.filter(id__lt=filled_from)
    rows = rows.order_by("-id")
    if limit is not None:
        rows = rows[:limit]
    added = 0
    low = filled_from
    for entry in _entries(rows.values_list(*ENTRY_FIELDS).iterator(chunk_size=READ_CHUNK)):
        added += _add(writer, (entry,))
        low = entry[0]
    return low, added, limit is None or added < limit
