"""Keeping the index equal to the data: the outbox drain and the full rebuild.

`drain()` takes the outbox rows the source triggers wrote, rebuilds those documents from the
sources and replaces their index entries — in one transaction that also deletes the outbox rows
it handled, so a crash at any point leaves either the old state with its outbox rows or the new
state without them. On PostgreSQL drains are serialised by a transaction-scoped advisory lock;
on SQLite the write lock does that. Search calls `drain()` first whenever the outbox is not
empty (a reader finds what was just written), and the worker loop drains in the background.

The drain writes nothing but the index: what it added or changed is recorded as `NewlyIndexed`
rows in the same transaction, and the worker announces those to saved-search subscribers
(`archive.subscriptions.announce_new`), so a reader's request never sends notifications.

With a tantivy index (`archive.tantivy_index`) the drain's transaction records which
documents the index lacks, and `drain()` applies them after the commit (`sync`); `ensure_fresh`
also syncs what a process that died after its commit left behind.

A document's id is its date in seconds times 64 plus a free slot, so the index's row order is
date order and "newest first" never sorts.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Sum
from django.utils import timezone

from archive import backends, documents, rules
from archive.documents import DocData
from archive.models import (
    DocKind,
    Document,
    IndexState,
    NewlyIndexed,
    Pending,
    SavedSearch,
    Unsynced,
)

SLOTS = 64
_DRAIN_LOCK = 0x61726368  # "arch"
BATCH = 500

Progress = Callable[[int, int], None]


def id_floor(moment: datetime) -> int:
    return math.floor(moment.timestamp()) * SLOTS


def id_ceiling(moment: datetime) -> int:
    return math.floor(moment.timestamp()) * SLOTS + SLOTS - 1


def moment_of(doc_id: int) -> datetime:
    return datetime.fromtimestamp(doc_id // SLOTS, tz=timezone.get_current_timezone())


def id_span() -> tuple[int, int] | None:
    """The lowest and highest document id, or None. Two scalar subqueries: SQLite answers a
    lone MIN or MAX from the index's ends, but scans the whole index for both in one query
    (75 ms at 1,000,000 documents, against 0.3 ms)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT MIN(id) FROM archive_document), (SELECT MAX(id) FROM archive_document)"
        )
        low, high = cursor.fetchone()
    return None if low is None else (low, high)


def state() -> IndexState:
    found = IndexState.objects.filter(pk=1).first()
    if found is None:
        found, _created = IndexState.objects.get_or_create(pk=1, defaults={"version": ""})
    return found


def doc_count() -> int:
    """How many documents the index holds, by one scalar query (the ranker asks on every
    search: the ORM's `state()` took about a millisecond of it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT doc_count FROM archive_indexstate WHERE id = 1")
        row = cursor.fetchone()
    return 0 if row is None else int(row[0])


def _taken(seconds: Iterable[int]) -> set[int]:
    """The ids documents hold in these seconds (each given by its first id), in one query per
    200 seconds."""
    wanted = sorted(set(seconds))
    found: set[int] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), 200):
            chunk = wanted[start : start + 200]
            where = " OR ".join(["(id >= %s AND id < %s)"] * len(chunk))
            cursor.execute(
                f"SELECT id FROM archive_document WHERE {where}",
                [x for base in chunk for x in (base, base + SLOTS)],
            )
            found.update(r[0] for r in cursor.fetchall())
    return found


def _free_ids(moments: Sequence[datetime]) -> list[int]:
    """A free id for each moment, in order: the first of its second's slots that no document
    holds and no earlier moment of the list took (64 documents in one second: the next second
    holds the rest)."""
    seconds = {id_floor(m) for m in moments}
    used = _taken(seconds)
    out = []
    for moment in moments:
        base = id_floor(moment)
        while True:
            free = next((c for c in range(base, base + SLOTS) if c not in used), None)
            if free is not None:
                break
            base += SLOTS
            if base not in seconds:
                seconds.add(base)
                used |= _taken([base])
        used.add(free)
        out.append(free)
    return out


def _entry(doc: Document) -> backends.Entry:
    title, body = split_norm(doc.norm)
    return doc.id, title, body, doc.meta.split(), doc.avg_length


def split_norm(norm: str) -> tuple[str, str]:
    """Document.norm holds the normalised title and body on two lines (normalised text has
    no line breaks)."""
    title, _nl, body = norm.partition("\n")
    return title, body


def _unchanged(old: Document, new: DocData) -> bool:
    return (
        old.title == new.title
        and old.body == new.body
        and old.meta == " ".join(new.meta)
        and old.parent_id == new.parent_id
        and old.unit_id == new.unit_id
        and old.date == new.date
    )


EMPTY_AVERAGE = 500.0  # the average length an empty index ranks against


def apply(
    docs: dict[str, DocData | None], fresh: bool = False, avg_length: float | None = None
) -> list[int]:
    """Make the index hold exactly these documents (None: the source is gone). Returns the ids
    of documents added or changed. `fresh`: the caller knows none of them is indexed yet.

    The corpus statistics (document count, total and average length) change in the same
    transaction. New documents' ranking tiers are computed against the average including
    them, or against `avg_length` (a rebuild's estimate of the whole corpus's average)."""
    backend = backends.current()
    st = state()
    existing = {} if fresh else {d.key: d for d in Document.objects.filter(key__in=list(docs))}
    gone: list[Document] = []
    new: list[DocData] = []
    for key, data in docs.items():
        old = existing.get(key)
        if data is None:
            if old is not None:
                gone.append(old)
        elif old is None:
            new.append(data)
        elif not _unchanged(old, data):
            gone.append(old)
            new.append(data)
    if gone:
        backend.remove([_entry(d) for d in gone])
        Document.objects.filter(id__in=[d.id for d in gone]).delete()
    normal = [(rules.normalise(data.title), rules.normalise(data.body)) for data in new]
    count = max(st.doc_count + len(new) - len(gone), 0)
    total = st.total_length + sum(len(t) + len(b) for t, b in normal)
    total = max(total - sum(d.length for d in gone), 0)
    average = total / count if count else EMPTY_AVERAGE
    rows = []
    ids = _free_ids([data.date for data in new])
    for data, (title, body), doc_id in zip(new, normal, ids, strict=True):
        rows.append(
            Document(
                id=doc_id,
                key=data.key,
                kind=data.kind,
                source_id=data.source_id,
                parent_id=data.parent_id,
                date=data.date,
                title=data.title[:300],
                body=data.body,
                norm=f"{title}\n{body}",
                meta=" ".join(data.meta),
                unit_id=data.unit_id,
                length=len(title) + len(body),
                avg_length=average if avg_length is None else avg_length,
            )
        )
    if rows:
        Document.objects.bulk_create(rows)
        backend.add([_entry(d) for d in rows])
    if rows or gone:
        IndexState.objects.filter(pk=st.pk).update(
            doc_count=count, total_length=total, avg_length=average
        )
    return [d.id for d in rows]


def build(kind: str, ids: Iterable[int]) -> dict[str, DocData | None]:
    ids = list(ids)
    built = documents.BUILDERS[DocKind(kind)](ids)
    return {f"{kind}:{i}": built.get(i) for i in ids}


def _expand(pending: Sequence[tuple[str, int]]) -> dict[str, set[int]]:
    """Outbox rows to the documents they affect."""
    from bulletins.models import IssueEntry
    from emergencies.models import IncidentReport

    wanted: dict[str, set[int]] = defaultdict(set)
    for kind, source_id in pending:
        wanted[kind].add(source_id)
    if wanted.get("incident"):
        reports = IncidentReport.objects.filter(incident_id__in=wanted["incident"])
        wanted[DocKind.REPORT] |= set(reports.values_list("pk", flat=True))
    if wanted.get("issue"):
        entries = IssueEntry.objects.filter(issue_id__in=wanted.pop("issue"))
        wanted[DocKind.ENTRY] |= set(entries.values_list("pk", flat=True))
    if wanted.get("item"):
        entries = IssueEntry.objects.filter(item_id__in=wanted["item"])
        wanted[DocKind.ENTRY] |= set(entries.values_list("pk", flat=True))
    return wanted


def pending_exists() -> bool:
    return Pending.objects.exists()


def serialise(lock: int) -> None:
    """Inside a transaction: wait until no other transaction holds `lock` (PostgreSQL's
    transaction-scoped advisory lock; SQLite's `BEGIN IMMEDIATE` already serialises writers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])


def _record_new(doc_ids: Sequence[int]) -> None:
    """Leave the added or changed documents for the worker's announcement step (only when some
    search is subscribed: one subscribed later marks what already matches as announced)."""
    if not doc_ids or not SavedSearch.objects.filter(subscribed=True).exists():
        return
    keys = Document.objects.filter(id__in=doc_ids).values_list("key", flat=True)
    NewlyIndexed.objects.bulk_create([NewlyIndexed(doc_key=k) for k in keys], batch_size=2000)


def drain(limit: int = 2000, progress: Progress | None = None) -> int:
    """Bring the index up to date with the outbox (at most `limit` rows per transaction).
    Returns how many outbox rows were handled."""
    handled = _drain_outbox(limit, progress)
    # After the commit: a tantivy index beside the database catches up (a no-op elsewhere).
    backends.current().sync()
    return handled


def _drain_outbox(limit: int, progress: Progress | None) -> int:
    handled = 0
    total = Pending.objects.count() if progress else 0
    while True:
        with transaction.atomic():
            serialise(_DRAIN_LOCK)
            rows = list(
                Pending.objects.order_by("pk").values_list("pk", "kind", "source_id")[:limit]
            )
            if not rows:
                return handled
            docs: dict[str, DocData | None] = {}
            for kind, ids in _expand([(k, s) for _pk, k, s in rows]).items():
                docs.update(build(kind, ids))
            _record_new(apply(docs))
            Pending.objects.filter(pk__in=[r[0] for r in rows]).delete()
        handled += len(rows)
        if progress:
            progress(min(handled, total), max(total, handled))
        if len(rows) < limit:
            return handled


def ensure_fresh() -> bool:
    """Called before a search: an outbox row means a committed change the index lacks. Returns
    whether the index is complete (False while a rebuild runs)."""
    backends.current().open()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version, EXISTS (SELECT 1 FROM archive_pending)"
            " OR EXISTS (SELECT 1 FROM archive_unsynced) FROM archive_indexstate WHERE id = 1"
        )
        row = cursor.fetchone()
    if row is None or row[1]:
        drain()
        return not needs_rebuild() and not building()
    return bool(row[0] == rules.SCHEMA_VERSION)


def building() -> bool:
    """Whether a full build of a tantivy index is under way (it runs in steps: see
    `archive.tantivy_index`)."""
    if not backends.current().stepwise:
        return False
    return Unsynced.objects.filter(doc_id=Unsynced.FULL).exists()


def filled_since() -> datetime | None:
    """While a full build of a tantivy index runs: the moment from which on every document is
    already in the index (its steps go newest first), or None before its first step."""
    build = (
        Unsynced.objects.filter(doc_id=Unsynced.FULL)
        .order_by("-pk")
        .values_list("filled_from", flat=True)
        .first()
    )
    return None if build is None else moment_of(build)


def build_step() -> int:
    """The worker's share of a full build of a tantivy index: one step (documents added)."""
    if not building():
        return 0
    return backends.current().sync(background=True)


def _sample_average() -> float:
    """The average normalised length ranking normalises against, from a sample of sources."""
    total = 0
    n = 0
    for kind in DocKind:
        count = documents.source_count(kind)
        if not count:
            continue
        step = max(1, count // 2000)
        ids = [i for batch in documents.id_batches(kind, 5000) for i in batch[::step]]
        for data in build(kind, ids).values():
            if data is not None:
                total += len(rules.normalise(data.title)) + len(rules.normalise(data.body))
                n += 1
    return total / n if n else EMPTY_AVERAGE


def rebuild(progress: Progress | None = None, batch: int = BATCH) -> int:
    """Throw the index away and build it again from the sources, in batches. Searches during
    the rebuild are told the index is incomplete (the stored version says "building")."""
    backend = backends.current()
    with transaction.atomic():
        backend.reset()
        # Changes committed before now are read by the rebuild itself: their outbox rows can go
        # when it is done (later ones stay for the drain).
        covered = Pending.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        st = state()
        st.version = "building"
        st.doc_count = 0
        st.total_length = 0
        st.built_at = None
        st.avg_length = EMPTY_AVERAGE
        st.save()
        estimate = _sample_average()
    total = sum(documents.source_count(k) for k in DocKind)
    done = 0
    if progress:
        progress(0, total)
    backend.bulk_mode(True, documents=total)
    try:
        for kind in DocKind:
            for chunk in documents.id_batches(kind, batch):
                done += _index_batch(kind, chunk, estimate)
                if progress:
                    progress(done, total)
    except BaseException:
        backend.bulk_mode(False, failed=True)
        raise
    backend.bulk_mode(False)
    backend.sync(force=True)  # tantivy: the index from the document table, before it counts
    with transaction.atomic():
        if connection.vendor == "sqlite":
            backend.optimize()
        count = Document.objects.count()
        total = Document.objects.aggregate(n=Sum("length"))["n"] or 0
        IndexState.objects.filter(pk=1).update(
            version=rules.SCHEMA_VERSION,
            doc_count=count,
            total_length=total,
            avg_length=total / count if count else EMPTY_AVERAGE,
            built_at=timezone.now(),
        )
        Pending.objects.filter(pk__lte=covered).delete()
    backend.sync()  # tantivy: what other processes drained meanwhile
    if connection.vendor == "postgresql":
        backend.optimize()
    elif not connection.in_atomic_block:
        with connection.cursor() as cursor:  # give the write-ahead log's space back
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return count


def _index_batch(kind: str, ids: list[int], avg_length: float) -> int:
    with transaction.atomic():
        apply(build(kind, ids), avg_length=avg_length)
    return len(ids)


def needs_rebuild() -> bool:
    return state().version != rules.SCHEMA_VERSION


def after_flush(connection: BaseDatabaseWrapper) -> None:
    """`manage.py flush` (and every transactional test) empties the model tables but not the
    full-text table beside them, and removes the index's state row: start from an empty
    index that knows it is complete when the sources are empty too."""
    from django.db import router

    if IndexState.objects.using(connection.alias).exists():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM archive_document LIMIT 1")
        if cursor.fetchone() is not None:
            return
    if connection.alias != router.db_for_write(Document):
        return
    backends.current().reset()
    empty = all(documents.source_count(k) == 0 for k in DocKind)
    IndexState.objects.create(pk=1, version=rules.SCHEMA_VERSION if empty else "")
