"""The search benchmark's Django-side work, run in a child process on the benchmark's var dir.

    python -m bench._search_child load N          # N generated items, as historical records
    python -m bench._search_child reindex         # manage.py reindex, timed; index size
    python -m bench._search_child measure PER_CLASS [noref]  # function timings, recall, references

They measure the default index; XINBAO_SEARCH_INDEX in the environment chooses the other one.

Each prints one JSON object on the last line of stdout.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench._common import refaulted_mb, warm


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinbao.settings")
    import django

    django.setup()


def load(count: int) -> dict[str, Any]:
    from django.db import transaction

    from bench._search_corpus import documents
    from bench._search_corpus import load as load_text
    from org.models import User
    from org.roles import Role
    from submissions.models import InfoItem, ItemKind, ItemState, Verification

    text = load_text()
    officers = list(
        User.objects.filter(role=Role.OFFICER, is_active=True, unit__isnull=False).order_by("pk")
    )
    kinds = list(ItemKind.values)
    verdicts = [Verification.UNVERIFIED, Verification.VERIFIED, Verification.VERIFIED]
    started = time.perf_counter()
    batch: list[InfoItem] = []

    def flush() -> None:
        with transaction.atomic():
            InfoItem.objects.bulk_create(batch)
        batch.clear()

    for doc in documents(text, count):
        officer = officers[doc.n % len(officers)]
        batch.append(
            InfoItem(
                unit=officer.unit,
                author=officer,
                kind=kinds[doc.n % len(kinds)],
                state=ItemState.ADOPTED if doc.n % 5 == 0 else ItemState.FILED,
                title=doc.title,
                body=doc.body,
                submitted_at=doc.at,
                revision_count=1,
                verification=verdicts[doc.n % 3],
            )
        )
        if len(batch) >= 2000:
            flush()
            if doc.n % 20000 < 2000:
                print(f"loaded {doc.n + 1}", file=sys.stderr, flush=True)
    if batch:
        flush()
    return {"loaded": count, "load_s": round(time.perf_counter() - started, 1)}


def index_sizes() -> dict[str, float]:
    """MB of the documents table and of the full-text structures. SQLite: the table with its
    indexes, and the FTS5 tables (dbstat) or, with XINBAO_SEARCH_INDEX=tantivy, the tantivy
    directory; PostgreSQL: the table with its TOAST, tsvector and indexes (all in `table_mb`)."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('archive_document')")
            (size,) = cursor.fetchone()
            table, engine = float(size or 0), 0.0
        else:
            cursor.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'archive_document%' OR name LIKE"
                " 'sqlite_autoindex_archive_document%'"
            )
            table = float(cursor.fetchone()[0] or 0)
            cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'archive_fts%'")
            engine = float(cursor.fetchone()[0] or 0)
            if settings.SEARCH_INDEX == "tantivy":
                from archive.tantivy_index import TantivyIndex

                engine = float(TantivyIndex().size_bytes())
    return {
        "index_mb": round((table + engine) / 1e6, 1),
        "table_mb": round(table / 1e6, 1),
        "engine_mb": round(engine / 1e6, 1),
    }


def reindex() -> dict[str, Any]:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("reindex")
    took = time.perf_counter() - started
    from django.conf import settings
    from django.db import connection

    from archive.models import Document

    return {
        "build_s": round(took, 1),
        **index_sizes(),
        "docs": Document.objects.count(),
        "index": settings.SEARCH_INDEX if connection.vendor == "sqlite" else connection.vendor,
    }


def _timed(fn: Callable[[], object]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def _pcts(values: list[float]) -> dict[str, float]:
    from bench._common import percentile

    ordered = sorted(values)
    return {
        "p50": round(percentile(ordered, 50), 3),
        "p95": round(percentile(ordered, 95), 3),
        "max": round(ordered[-1], 3) if ordered else 0.0,
    }


def measure(per_class: int, reference: bool = True) -> dict[str, Any]:
    """`reference`: also build and time the tantivy reference (not the product's index)."""
    from django.conf import settings

    from archive import index, rules
    from archive.models import Document, SortOrder
    from archive.search import count, facets, matching_ids, search
    from archive.visibility import Grants
    from bench import truth
    from bench._search_corpus import CLASSES, queries
    from bench._search_corpus import load as load_text
    from org.models import User

    text = load_text()
    qs = queries(text, per_class)
    editor = User.objects.get(username="bianji1")
    operator = Grants.everything()
    index.ensure_fresh()
    for first in ("中国", "发展 经济", '"人民日报"', "的"):  # first-call costs: tables, URLconf
        search(editor, first)
        search(editor, first, sort=SortOrder.RELEVANCE)

    # The index's own rows, for the tantivy reference only (the same normalised text).
    rows = Document.objects.order_by("-id").values_list("id", "title", "body") if reference else []
    corpus = [(i, rules.normalise(t), rules.normalise(b)) for i, t, b in rows]
    # The brute-force reference: every source record in memory, normalised by the separately
    # written truth (bench/truth.py), scanned for substrings. Index ids are told by their key.
    prepared = truth.prepare(truth.source_documents())
    key_of = dict(Document.objects.values_list("id", "key"))

    # The timed pass first, every class back to back, from files just read into the page
    # cache; then the references (the brute force takes seconds a query, long enough for a
    # virtual machine to drop idle file pages). What the timed pass read from disk anyway is
    # reported as `refaulted_mb`.
    warmed = warm(Path(settings.VAR_DIR))
    before = refaulted_mb()
    timed: dict[str, dict[str, list[float]]] = {}
    facet_ms: list[float] = []
    for cls in CLASSES:
        mine = timed[cls] = {
            n: [] for n in ("newest", "ranked", "total", "newest_ids", "ranked_ids")
        }
        for raw in qs[cls]:
            q = rules.parse(raw)
            # Each page timed whole, and within the same call the index's part of it: the
            # page's ids in order (see search.page_ids). Timed apart, a second call would find
            # what the first one read already in memory.
            for sort, name in ((SortOrder.NEWEST, "newest"), (SortOrder.RELEVANCE, "ranked")):
                ms, page = _timed(partial(search, editor, q, sort=sort))
                mine[name].append(ms)
                mine[f"{name}_ids"].append(page.index_ms)
            ms, _n = _timed(partial(count, editor, q))
            mine["total"].append(ms)
            ms, _f = _timed(partial(facets, editor, q))
            facet_ms.append(ms)
    report: dict[str, Any] = {
        "classes": {},
        "warmed_mb": round(warmed),
        "refaulted_mb": round(refaulted_mb() - before, 1),
    }
    for cls in CLASSES:
        bruteforce: list[float] = []
        recalls: list[float] = []
        precise = True
        matches: list[int] = []
        for raw in qs[cls]:
            q = rules.parse(raw)
            ms, want = _timed(partial(truth.found, prepared, raw))
            bruteforce.append(ms)
            found = {key_of[i] for i in matching_ids(operator, q)}
            recalls.append(len(found & want) / len(want) if want else 1.0)
            precise = precise and found <= want
            matches.append(len(want))
        report["classes"][cls] = {
            **{name: _pcts(values) for name, values in timed[cls].items()},
            "brute": _pcts(bruteforce),
            "recall": round(min(recalls), 4),
            "precise": precise,
            "matches_p50": int(statistics.median(matches)),
            "matches_max": max(matches),
            "queries": len(qs[cls]),
        }
        print(f"{cls}: {report['classes'][cls]}", file=sys.stderr, flush=True)
    report["facets"] = _pcts(facet_ms)
    if reference:
        report["tantivy"] = tantivy_reference(corpus, qs)
    report["queries"] = qs
    return report


def tantivy_reference(
    corpus: list[tuple[int, str, str]], qs: dict[str, list[str]]
) -> dict[str, Any]:
    """The same bigrams (and unigrams) in tantivy: phrase queries, BM25 top 20 and newest
    first (a fast date field), over every document."""
    import tantivy
    from django.conf import settings

    from archive import rules

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("t", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("b", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("t1", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("b1", tokenizer_name="whitespace", index_option="freq")
    builder.add_integer_field("id", stored=True, fast=True, indexed=True)
    schema = builder.build()
    # In the benchmark's var dir, which the benchmark removes (2 GB at 1,000,000 documents).
    path = tempfile.mkdtemp(prefix="tantivy-reference-", dir=settings.VAR_DIR)
    idx = tantivy.Index(schema, path=path)
    writer = idx.writer(heap_size=300_000_000, num_threads=1)
    started = time.perf_counter()
    for i, t, b in corpus:
        writer.add_document(
            tantivy.Document(
                t=" ".join(rules.bigrams(t)),
                b=" ".join(rules.bigrams(b)),
                t1=" ".join(rules.unigrams(t)),
                b1=" ".join(rules.unigrams(b)),
                id=i,
            )
        )
    writer.commit()
    writer.wait_merging_threads()
    build_s = time.perf_counter() - started
    idx.reload()
    searcher = idx.searcher()
    size = sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))

    def tq(raw: str) -> Any:
        parsed = rules.parse(raw)
        musts = []
        for term in parsed.terms:
            if len(term) == 1:
                fields = ["t1", "b1"]
                clause = tantivy.Query.boolean_query(
                    [
                        (
                            tantivy.Occur.Should,
                            tantivy.Query.term_query(schema, f, rules.unigram(term)),
                        )
                        for f in fields
                    ]
                )
            else:
                grams = rules.bigrams(term)
                per_field = []
                for f in ("t", "b"):
                    if len(grams) == 1:
                        per_field.append(tantivy.Query.term_query(schema, f, grams[0]))
                    else:
                        per_field.append(tantivy.Query.phrase_query(schema, f, list[Any](grams)))
                clause = tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Should, tantivy.Query.boost_query(per_field[0], 3.0)),
                        (tantivy.Occur.Should, per_field[1]),
                    ]
                )
            musts.append((tantivy.Occur.Must, clause))
        return tantivy.Query.boolean_query(musts)

    ranked: list[float] = []
    newest: list[float] = []
    for raws in qs.values():
        for raw in raws:
            q = tq(raw)
            ms, _r = _timed(partial(searcher.search, q, 20))
            ranked.append(ms)
            ms, _r = _timed(
                partial(searcher.search, q, 20, order_by_field="id", order=tantivy.Order.Desc)
            )
            newest.append(ms)
    return {
        "ranked": _pcts(ranked),
        "newest": _pcts(newest),
        "build_s": round(build_s, 1),
        "index_mb": round(size / 1e6, 1),
    }


def main(argv: list[str]) -> None:
    _setup()
    command = argv[0]
    if command == "load":
        out = load(int(argv[1]))
    elif command == "reindex":
        out = reindex()
    elif command == "measure":
        out = measure(int(argv[1]), reference=argv[2:] != ["noref"])
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
