"""Where the index lives: SQLite FTS5 (the embedded default) or PostgreSQL (tsvector + GIN).

Both (and on SQLite optionally a tantivy index beside the database, `archive.tantivy_index`)
answer the same questions about the same tokens, so they return the same documents:

- SQLite: a contentless FTS5 table whose row id is `Document.id`; a term is an FTS5 phrase of
  its bigrams (or its unigram) within the title or the body columns — exact by construction.
  Newest first walks the row ids downwards and stops after one page.
- PostgreSQL: the document row carries a `tsvector` of its distinct tokens (GIN-indexed) and
  the normalised text. A term of one or two characters is a single token, exact by itself; a
  longer one's bigrams find candidates and `strpos` on the text decides, so a term matches
  exactly where it occurs as a substring, as on SQLite. The GIN index answers with every
  match at once, read from the table to be sorted by id: a newest-first page of short terms
  is looked for among the newest documents first. A rebuild makes the GIN index at the end.
  Document frequencies have a table of their own (`archive.frequencies`).

`Plan` is the backend-neutral form of a search: terms, excluded terms, groups of tokens of
which at least one must be present (grants, filters), a row id range, and optionally a ranking
tier below which no term may fall.
"""

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol, Union, runtime_checkable

from django.conf import settings
from django.db import connection

from archive import frequencies, rules

if TYPE_CHECKING:
    from archive.sqlite_index import SqliteIndex
    from archive.tantivy_index import TantivyIndex

DOCS = "archive_document"


# (row id, normalised title, normalised body, meta tokens, average length for the tiers)
Entry = tuple[int, str, str, list[str], float]
Year = tuple[int, int]  # (the first document id of a year, the year)
# (meta tokens, year, how many documents, the lowest id among them)
MetaGroup = tuple[str, int, int, int]


def year_case(years: Sequence[Year]) -> tuple[str, list[int]]:
    """An SQL expression giving a document's year from its id (`years`: newest first)."""
    if not years:
        return "0", []
    whens = " ".join(["WHEN id >= %s THEN %s"] * len(years))
    return f"CASE {whens} ELSE 0 END", [x for pair in years for x in pair]


@dataclass(frozen=True)
class Plan:
    terms: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    groups: tuple[tuple[str, ...], ...] = ()  # each: at least one token; all groups ANDed
    id_min: int | None = None
    id_max: int | None = None
    ids: tuple[int, ...] | None = None  # only among these documents
    tier: int = 0  # > 0: some term at this ranking tier or above
    tier_terms: tuple[str, ...] | None = None  # the terms that count for `tier` (None: all)


def tier_any(term: str, tier: int, quote: Callable[[str], str], or_: str, and_: str) -> str:
    """At `tier` or above for every gram of the term (a phrase can only be as strong as its
    weakest bigram)."""
    per_gram = []
    for g in dict.fromkeys(rules.term_grams(term)):
        tokens = [quote(rules.tier_token(j, g)) for j in range(tier, len(rules.TIERS))]
        per_gram.append("(" + or_.join(tokens) + ")")
    return "(" + and_.join(per_gram) + ")"


def id_range(plan: Plan, column: str) -> tuple[str, list[Any]]:
    """The plan's id range as ` AND` conditions on `column`."""
    sql, params = "", []
    if plan.id_min is not None:
        sql += f" AND {column} >= %s"
        params.append(plan.id_min)
    if plan.id_max is not None:
        sql += f" AND {column} <= %s"
        params.append(plan.id_max)
    return sql, params


def terms_for_tier(plan: Plan) -> tuple[str, ...]:
    return plan.terms if plan.tier_terms is None else plan.tier_terms


def rules_everything() -> str:
    from archive.visibility import EVERYTHING

    return EVERYTHING


# PostgreSQL: a newest-first page is looked for first in windows of the newest documents:
# the whole time buckets (2**20 s, about 12 days; every tsvector holds its bucket's token, so
# the GIN index decides) from the one holding the n-th newest document up, n in WINDOW_ROWS.
# Each match in a window costs a visit to its row: 的 at 100,000 documents has 2,237 matches
# among the newest 2,000 (6.9 ms), 227 among the newest 200 (0.8 ms). Which windows a page
# tries follows from the planner's statistics (`PostgresIndex._windows_worth_trying`).
WINDOW_ROWS = (200, 2000)
NARROW_MARGIN = 2  # the narrow window only for a page its matches should fill twice over
SHARES_TTL = 600.0  # seconds a process keeps the statistics it read
# In a window, a group of meta tokens on at least this share of documents (a reader's grants)
# is tested on each match's short `meta` column: in the GIN index such a token is a posting
# list as long as the table, walked by every query (0.6 ms at 100,000 documents).
BROAD_SHARE = 0.5
# Deeper than this, terms that need `strpos` skip the windows: ranking's probe for more than
# 300 matches only added `strpos` over a window's candidates (three characters 20 → 35 ms).
WINDOW_DEEP = 100
WINDOW_BUCKETS = 48
BUCKET_SHIFT = 26  # ids are seconds × 64 (`archive.index`): 2**26 ids are 2**20 seconds


def bucket_token(doc_id: int) -> str:
    """The token of the time bucket a document's id falls in."""
    return _bucket(doc_id >> BUCKET_SHIFT)


def _bucket(number: int) -> str:
    return f"w{number}"


# Sent before and after a statement in the same batch (see `PostgresIndex._fetch`).
_BITMAP_ONLY = "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off;"
_PLANNER_DEFAULTS = "SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_indexscan TO DEFAULT"


@dataclass(frozen=True)
class Shares:
    """Each most common token's share of documents, and the least of them (None: none)."""

    known: dict[str, float]
    floor: float | None


GIN_SQL = f"CREATE INDEX IF NOT EXISTS archive_document_tokens ON {DOCS} USING gin (tokens)"


class PostgresIndex:
    vendor = "postgresql"
    stepwise = False  # no full build outside `archive.index.rebuild`
    _tally: Counter[str] | None = None  # a rebuild's grams, added up at the end or at:
    TALLY_MAX = 2_000_000

    @staticmethod
    def create_sql() -> list[str]:
        return [
            f"ALTER TABLE {DOCS} ADD COLUMN IF NOT EXISTS tokens tsvector",
            GIN_SQL,
            *frequencies.create_sql(),
        ]

    @staticmethod
    def drop_sql() -> list[str]:
        return [
            "DROP INDEX IF EXISTS archive_document_tokens",
            f"ALTER TABLE {DOCS} DROP COLUMN IF EXISTS tokens",
            *frequencies.drop_sql(),
        ]

    def reset(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {DOCS}")
        frequencies.clear()

    def add(self, rows: Sequence["Entry"]) -> None:
        """One statement for the batch. Each document's distinct tokens travel as one string
        split by the server: quoting them as arrays took most of a rebuild's time."""
        if not rows:
            return
        ids, words, tally = [], [], PostgresIndex._tally
        for rid, title, body, meta, avg in rows:
            t2, b2, chars, tiers = rules.index_tokens(title, body, avg)
            grams = {*t2, *b2, *chars}
            if tally is not None:
                tally.update(grams)
            ids.append(rid)
            words.append(" ".join(grams.union(meta, tiers, (bucket_token(rid),))))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {DOCS} d SET tokens = array_to_tsvector(string_to_array(v.words, ' '))"
                " FROM unnest(%s::bigint[], %s::text[]) AS v(id, words) WHERE d.id = v.id",
                [ids, words],
            )
        if tally is None:
            frequencies.added(ids)
        elif len(tally) > self.TALLY_MAX:
            frequencies.counted(tally)
            tally.clear()

    def remove(self, rows: Sequence["Entry"]) -> None:
        """The tokens live on the document row, which the caller deletes after this."""
        frequencies.removed([row[0] for row in rows])

    def bulk_mode(self, on: bool, documents: int = 0, failed: bool = False) -> None:
        """A rebuild makes the GIN index once, from every document's tokens, after writing
        them: 640 documents/s against 260 while adding each one to it (100,000 documents).
        Searches meanwhile are told that the index is incomplete, and read the table
        without it. The grams are tallied in memory (`frequencies`)."""
        tally, PostgresIndex._tally = PostgresIndex._tally, (Counter() if on else None)
        with connection.cursor() as cursor:
            if on:
                cursor.execute("DROP INDEX IF EXISTS archive_document_tokens")
                return
            frequencies.counted(tally or {})
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute(GIN_SQL)
            cursor.execute("RESET maintenance_work_mem")

    def open(self) -> None:
        """Nothing to open: the index is in the database."""

    def sync(self, force: bool = False, background: bool = False) -> int:
        """Nothing lags: the tokens are written in the drain's transaction."""
        return 0

    def optimize(self) -> None:
        """After a rebuild: the GIN index's pending list merged into its tree (every search
        otherwise scans it whole), the planner's statistics, and — outside a transaction —
        the dead row versions of the rebuild's writes gone and the visibility map set, so
        id scans need not visit the rows."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('archive_document_tokens')")
            if connection.in_atomic_block:
                cursor.execute(f"ANALYZE {DOCS}")
                return
            cursor.execute(f"VACUUM ANALYZE {DOCS}")
            # The outbox rows the rebuild covered are dead row versions every search's "is the
            # outbox empty?" steps over until autovacuum comes (0.66 → 0.21 ms at 100,000).
            cursor.execute("VACUUM archive_pending")

    _lexeme = staticmethod(lambda token: f"'{token}'")

    def _where(self, plan: Plan) -> tuple[str, list[Any]]:
        index_part, index_params, text_part, text_params = self._conditions(plan)
        return f"{index_part}{text_part}", [*index_params, *text_params]

    def _conditions(
        self, plan: Plan, on_rows: bool = False
    ) -> tuple[str, list[Any], str, list[Any]]:
        """The plan's condition in two parts: what the GIN index and the row's short columns
        decide, and ` AND strpos(…)` tests that read the normalised text (empty when none).

        A term of one or two characters is one token, present exactly where the term
        occurs: the tsquery alone decides (included or excluded). A longer term's bigrams
        carry no positions here, so `strpos` on the text decides among their documents.
        `on_rows` (a window's matches): broad groups of meta tokens are tested on the row's
        `meta` column instead (see `BROAD_SHARE`)."""
        ands: list[str] = []
        for term in plan.terms:
            ands += [self._lexeme(g) for g in dict.fromkeys(rules.term_grams(term))]
        row_sql, row_params = "", []
        for group in plan.groups:
            if on_rows and self._broad(group):
                tests = " OR ".join(["strpos(' ' || meta || ' ', %s) > 0"] * len(group))
                row_sql += f" AND ({tests})"
                row_params += [f" {token} " for token in group]
                continue
            ands.append("(" + " | ".join(self._lexeme(x) for x in group) + ")")
        if plan.tier:
            tiers = [
                tier_any(t, plan.tier, self._lexeme, " | ", " & ") for t in terms_for_tier(plan)
            ]
            ands.append("(" + " | ".join(tiers) + ")")
        if not ands:
            ands.append(self._lexeme(rules_everything()))
        long_excluded = []
        for term in plan.excluded:
            grams = rules.term_grams(term)
            if len(grams) == 1:
                ands.append("!" + self._lexeme(grams[0]))
            else:
                long_excluded.append(term)
        sql = "tokens @@ %s::tsquery"
        params: list[Any] = [" & ".join(ands)]
        span, span_params = id_range(plan, "id")
        sql += span
        params += span_params
        if plan.ids is not None:
            sql += " AND id = ANY(%s)"
            params.append(list(plan.ids))
        sql += row_sql
        params += row_params
        text, text_params = "", []
        for term in plan.terms:
            if self._by_text(term):
                text += " AND strpos(norm, %s) > 0"
                text_params.append(term)
        for term in long_excluded:
            text += " AND strpos(norm, %s) = 0"
            text_params.append(term)
        return sql, params, text, text_params

    @staticmethod
    def _fetch(sql: str, params: list[Any], bitmap: bool) -> list[tuple[Any, ...]]:
        """`bitmap`: a read over every match is made from the GIN index's bitmap. The planner
        prices testing a row's tsvector as if it were at hand, when it is kilobytes stored
        out of line: for a query most rows match (a common character, and the grants) it
        would scan the table and decompress every row's tokens — seconds — where the bitmap
        reads only the rows' short columns. The settings hold for this statement only: sent
        with it as one transaction-local batch (one round trip), then set back."""
        if bitmap:
            sql = f"{_BITMAP_ONLY} {sql}; {_PLANNER_DEFAULTS}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while cursor.description is None and cursor.nextset():
                pass  # past the SET statements' empty results
            return list(cursor.fetchall())

    def ids(self, plan: Plan, limit: int | None = None, offset: int = 0) -> list[int]:
        """Every match newest first, or one page of them: a page is looked for first in the
        windows of the newest documents (`WINDOW_ROWS`), narrow then wide. A window that holds
        the whole page holds the page (every match outside it is older); otherwise the whole
        search follows. All read the GIN index's bitmap (the 10th page of 的 30 → 7 ms)."""
        deep = limit is not None and limit + offset > WINDOW_DEEP
        if limit is not None and not (deep and any(map(self._by_text, plan.terms))):
            narrow, wide = self._windows_worth_trying(plan, limit + offset)
            windows = self._windows(plan, limit + offset) if wide else []
            if len(windows) == len(WINDOW_ROWS) and not narrow:
                windows = windows[1:]
            for window in windows:
                page = self._ids(window, limit, offset, on_rows=True)
                if len(page) == limit:
                    return page
        return self._ids(plan, limit, offset)

    @staticmethod
    def _by_text(term: str) -> bool:
        """Whether the term is decided by `strpos` on the text (several bigrams)."""
        return len(rules.term_grams(term)) > 1

    def _broad(self, group: tuple[str, ...]) -> bool:
        from archive.documents import is_meta

        held = sum(self._shares().known.get(token, 0.0) for token in group)
        return held >= BROAD_SHARE and all(map(is_meta, group))

    def _expected(self, plan: Plan, rows: int, unlisted: float) -> float:
        """How many of `rows` documents should match: each term as its rarest token, each group
        as its tokens together, independently; a token not listed counted at `unlisted`."""
        known = self._shares().known
        expected = float(rows)
        for term in plan.terms:
            expected *= min(known.get(g, unlisted) for g in rules.term_grams(term))
        for group in plan.groups:
            expected *= min(1.0, sum(known.get(t, unlisted) for t in group))
        return expected

    def _windows_worth_trying(self, plan: Plan, reach: int) -> tuple[bool, bool]:
        """(narrow, wide): whether each window should hold the page; without statistics, wide."""
        floor = self._shares().floor
        narrow = self._expected(plan, WINDOW_ROWS[0], 0.0) >= NARROW_MARGIN * reach
        wide = floor is None or self._expected(plan, WINDOW_ROWS[-1], floor / 2) >= reach
        return narrow, wide or narrow

    _shares_read: tuple[float, "Shares"] = (-math.inf, Shares({}, None))

    @classmethod
    def _shares(cls) -> Shares:
        """The planner's statistics of the tokens (their 10,000 most common: migration 0007),
        read once per process every `SHARES_TTL` s. Only where a page is looked for depends on
        them."""
        at, shares = cls._shares_read
        if time.monotonic() - at < SHARES_TTL:
            return shares
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
                " WHERE schemaname = current_schema() AND tablename = %s AND attname = 'tokens'",
                [DOCS],
            )
            row = cursor.fetchone()
        shares = Shares({}, None)
        if row and row[0]:
            elements, freqs = row
            # After the elements' own shares: the least of them, the greatest, and the share
            # of rows without any element.
            shares = Shares(dict(zip(elements, freqs, strict=False)), freqs[len(elements)])
        PostgresIndex._shares_read = (time.monotonic(), shares)
        return shares

    def _windows(self, plan: Plan, reach: int) -> list[Plan]:
        """The plan narrowed to each window, narrow first (one query for all), leaving out a
        window of fewer than `reach` documents, of more than `WINDOW_BUCKETS` buckets, or the
        same as the narrower one."""
        span, params = id_range(plan, "id")
        newest = f"SELECT id FROM {DOCS} WHERE TRUE{span} ORDER BY id DESC"
        floors = " ".join(f", ({newest} OFFSET %s LIMIT 1)" for _rows in WINDOW_ROWS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT ({newest} LIMIT 1){floors}",
                [*params, *(x for rows in WINDOW_ROWS for x in (*params, rows))],
            )
            top, *floors_found = cursor.fetchone()
        out: list[Plan] = []
        last = top >> BUCKET_SHIFT if top is not None else 0
        seen: tuple[str, ...] = ()
        for rows, floor in zip(WINDOW_ROWS, floors_found, strict=True):
            if floor is None or rows < reach:
                continue
            first = floor >> BUCKET_SHIFT
            if last - first >= WINDOW_BUCKETS:
                break
            buckets = tuple(_bucket(b) for b in range(first, last + 1))
            if buckets != seen:
                out.append(replace(plan, groups=(*plan.groups, buckets)))
            seen = buckets
        return out

    def _ids(self, plan: Plan, limit: int | None, offset: int, on_rows: bool = False) -> list[int]:
        """From the GIN index's bitmap (see `_fetch`). A page whose terms need `strpos`
        reads the candidates newest first in a subquery the planner may not flatten, and
        tests the text only of those it pulls until the page is full: its bigrams' estimate
        is far too low (they are not independent), so it would otherwise test every
        candidate's text before sorting (14 → 5 ms for 十五大 at 20k)."""
        index_part, params, text_part, text_params = self._conditions(plan, on_rows)
        if limit is None:
            sql = f"SELECT id FROM {DOCS} WHERE {index_part}{text_part} ORDER BY id DESC"
            return [r[0] for r in self._fetch(sql, [*params, *text_params], bitmap=True)]
        sql = self._newest("id", index_part, text_part) + " LIMIT %s OFFSET %s"
        return [r[0] for r in self._fetch(sql, [*params, *text_params, limit, offset], True)]

    @staticmethod
    def _newest(columns: str, index_part: str, text_part: str) -> str:
        """The matches' `columns` newest first, to be cut by a LIMIT. With `strpos` tests,
        the candidates are read newest first in a subquery the planner may not flatten
        (OFFSET 0) and only those pulled have their text tested (see `_ids`)."""
        if not text_part:
            return f"SELECT {columns} FROM {DOCS} WHERE {index_part} ORDER BY id DESC"
        return (
            f"SELECT {columns} FROM (SELECT {columns}, norm FROM {DOCS} WHERE {index_part}"
            f" ORDER BY id DESC OFFSET 0) candidates WHERE TRUE{text_part}"
        )

    def count(self, plan: Plan) -> int:
        where, params = self._where(plan)
        return int(self._fetch(f"SELECT count(*) FROM {DOCS} WHERE {where}", params, True)[0][0])

    def meta_groups(self, plan: Plan, years: Sequence[Year], limit: int) -> list[MetaGroup]:
        """The newest `limit` matches counted by (meta tokens, year), in one grouped query.

        Terms that need `strpos` test the text of the candidates newest first, only until
        `limit` have passed (as `_ids` does), not of every candidate: the text is stored out
        of line, about 6 µs a row to fetch (新华社, 37,000 candidates: 228 → 91 ms)."""
        index_part, params, text_part, text_params = self._conditions(plan)
        case, case_params = year_case(years)
        newest = self._newest("id, meta", index_part, text_part) + " LIMIT %s"
        rows = self._fetch(
            f"SELECT meta, {case}, count(*), min(id) FROM ({newest}) newest GROUP BY 1, 2",
            [*case_params, *params, *text_params, limit],
            True,
        )
        return [(m, int(y), int(n), int(low)) for m, y, n, low in rows]

    def df(self, tokens: Sequence[str]) -> dict[str, int]:
        return frequencies.read(tokens)


Index = Union["SqliteIndex", PostgresIndex, "TantivyIndex"]


@runtime_checkable
class Bounded(Protocol):
    """An index that orders matches by a bound of their score (`archive.ranking`)."""

    def ids(self, plan: Plan, limit: int | None = None, offset: int = 0) -> list[int]: ...

    def by_bound(
        self, plan: Plan, values: Sequence[tuple[str, float]], limit: int
    ) -> list[tuple[int, float]]:
        """The `limit` matches holding at least one of the meta tokens in `values`, by the sum
        of the values of those they hold, highest first: (id, that sum)."""
        ...

    def by_lowest(
        self, plan: Plan, read: Sequence[Sequence[str]], limit: int
    ) -> list[tuple[int, float]]:
        """The `limit` matches other than those holding a meta token of every group in
        `read`, by `rules.lowest_bound` of their length, highest first: (id, that bound)."""
        ...

    def rough_df(self, tokens: Sequence[str]) -> dict[str, int]:
        """Documents holding each token, roughly (at least as many), from the term dictionary."""
        ...


def current() -> Index:
    if connection.vendor == "postgresql":
        return PostgresIndex()
    if settings.SEARCH_INDEX == "tantivy":
        from archive.tantivy_index import TantivyIndex

        return TantivyIndex()
    from archive.sqlite_index import SqliteIndex

    return SqliteIndex()
