"""The embedded default index: a contentless SQLite FTS5 table whose row id is `Document.id`.

A term is an FTS5 phrase of its bigrams (or its unigram) within the title or the body
columns, exact by construction; grants, filters and ranking tiers are tokens of the `m`
column. Newest first walks the row ids downwards and stops after one page.
"""

import math
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.db import connection

from archive import rules
from archive.backends import (
    BROAD_SHARE,
    DOCS,
    SHARES_TTL,
    Entry,
    MetaGroup,
    Plan,
    Year,
    id_range,
    rules_everything,
    terms_for_tier,
    tier_any,
    year_case,
)
from archive.models import Unsynced

FTS = "archive_fts"
VOCAB = "archive_fts_vocab"
META_INDEX = "archive_document_meta"  # (id, meta), see migration 0004


# A newest-first page tests grants on `meta` among this many times its length of matches,
# for a reader who may see at least `BROAD_SHARE` of this many newest documents.
GRANT_DEPTH = 4
BREADTH_SAMPLE = 1000


def _is_grant(token: str) -> bool:
    from archive.visibility import EVERYTHING, GRANT

    return token == EVERYTHING or token.startswith(GRANT)


def _quote(token: str) -> str:
    return f'"{token}"'


def _fts_term(term: str) -> str:
    grams = rules.term_grams(term)
    cols = "{u}" if len(term) == 1 else "{t2 b2}"
    return f'{cols} : "{" ".join(grams)}"'


class SqliteIndex:
    vendor = "sqlite"
    stepwise = False  # no full build outside `archive.index.rebuild`

    # --- schema ------------------------------------------------------------------------------
    @staticmethod
    def create_sql() -> list[str]:
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(t2, b2, u, m,"
            " content='', tokenize='ascii', detail='full', columnsize=0)",
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB} USING fts5vocab({FTS}, 'row')",
        ]

    @staticmethod
    def drop_sql() -> list[str]:
        return [f"DROP TABLE IF EXISTS {VOCAB}", f"DROP TABLE IF EXISTS {FTS}"]

    def reset(self) -> None:
        with connection.cursor() as cursor:
            for sql in self.drop_sql() + self.create_sql():
                cursor.execute(sql)
            cursor.execute(f"DELETE FROM {DOCS}")
        Unsynced.objects.all().delete()  # a tantivy index's records, left by a switch

    # --- writes ------------------------------------------------------------------------------
    @staticmethod
    def _columns(row: "Entry") -> tuple[int, str, str, str, str]:
        rid, title, body, meta, avg = row
        t2, b2, chars, tiers = rules.index_tokens(title, body, avg)
        return rid, " ".join(t2), " ".join(b2), " ".join(chars), " ".join(meta + tiers)

    def add(self, rows: Sequence["Entry"]) -> None:
        """The index entries of documents whose rows the caller writes."""
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS} (rowid, t2, b2, u, m) VALUES (%s, %s, %s, %s, %s)",
                [self._columns(row) for row in rows],
            )

    def remove(self, rows: Sequence["Entry"]) -> None:
        """A contentless table forgets a row only when told exactly what it held."""
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS} ({FTS}, rowid, t2, b2, u, m)"
                " VALUES ('delete', %s, %s, %s, %s, %s)",
                [self._columns(row) for row in rows],
            )

    def bulk_mode(self, on: bool, documents: int = 0, failed: bool = False) -> None:
        """A rebuild buffers more in memory before writing a segment."""
        size = 64 * 1024 * 1024 if on else 1024 * 1024
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS} ({FTS}, rank) VALUES ('hashsize', %s)", [size])

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")

    def open(self) -> None:
        """Nothing to open: the index is in the database."""

    def sync(self, force: bool = False, background: bool = False) -> int:
        """Nothing lags: the index is written in the drain's transaction."""
        return 0

    # --- reads -------------------------------------------------------------------------------
    def _where(self, plan: Plan) -> tuple[str, list[Any]]:
        parts = [_fts_term(t) for t in plan.terms]
        parts += ["(" + " OR ".join(_quote(x) for x in group) + ")" for group in plan.groups]
        if plan.tier:
            tiers = [tier_any(t, plan.tier, _quote, " OR ", " AND ") for t in terms_for_tier(plan)]
            parts.append("(" + " OR ".join(tiers) + ")")
        if not parts:
            parts.append(_quote(rules_everything()))
        expr = " AND ".join(parts)
        if plan.excluded:
            expr = f"({expr}) NOT ({' OR '.join(_fts_term(t) for t in plan.excluded)})"
        span, span_params = id_range(plan, f"{FTS}.rowid")
        sql = f"{FTS} MATCH %s{span}"
        params: list[Any] = [expr, *span_params]
        if plan.ids is not None:
            sql += f" AND {FTS}.rowid IN ({', '.join(['%s'] * len(plan.ids)) or 'NULL'})"
            params += list(plan.ids)
        return sql, params

    def ids(self, plan: Plan, limit: int | None = None, offset: int = 0) -> list[int]:
        if limit is not None:
            page = self._granted_page(plan, limit, offset)
            if page is not None:
                return page
        where, params = self._where(plan)
        sql = f"SELECT rowid FROM {FTS} WHERE {where} ORDER BY rowid DESC"
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [r[0] for r in cursor.fetchall()]

    def _granted_page(self, plan: Plan, limit: int, offset: int) -> list[int] | None:
        """A page from the newest matches of the rest of the plan, each tested against the
        reader's grants on its short `meta` column; None when those did not decide it.

        In FTS5 a grant token is a posting list nearly as long as the table, and a group of
        them is walked beside the terms by every query (several terms at 300,000 documents:
        p95 4.7 ms, tested on `meta` 1.4 ms, the same pages). A reader who may see few
        documents is left to the walk, and so is a page the newest `GRANT_DEPTH` × its
        length of matches do not hold."""
        grants = [g for g in plan.groups if all(map(_is_grant, g))]
        if not grants:
            return None
        where, params = self._where(
            replace(plan, groups=tuple(g for g in plan.groups if g not in grants))
        )
        tests = " AND ".join(
            "(" + " OR ".join(["instr(' ' || d.meta || ' ', %s) > 0"] * len(g)) + ")"
            for g in grants
        )
        tested = [f" {t} " for g in grants for t in g]
        if not self._broad(tests, tested):
            return None
        wanted = limit + offset
        depth = GRANT_DEPTH * wanted
        seen: list[int] = []
        with connection.cursor() as cursor:
            # Stepped a page at a time: the walk stops once the page is full.
            cursor.execute(
                f"SELECT {FTS}.rowid, {tests} FROM {FTS}"
                f" JOIN {DOCS} d INDEXED BY {META_INDEX} ON d.id = {FTS}.rowid"
                f" WHERE {where} ORDER BY {FTS}.rowid DESC LIMIT %s",
                [*tested, *params, depth],
            )
            read = 0
            while len(seen) < wanted and read < depth:
                rows = cursor.fetchmany(wanted)
                read += len(rows)
                seen += [rid for rid, granted in rows if granted]
                if len(rows) < wanted:  # the statement ended
                    break
        if len(seen) >= wanted or read < depth:  # the page, or every match read
            return seen[offset:wanted]
        return None

    _breadth: dict[tuple[str, ...], tuple[float, bool]] = {}  # grants -> (when read, broad)

    @classmethod
    def _broad(cls, tests: str, tested: list[str]) -> bool:
        """Whether the grants let the reader see at least `BROAD_SHARE` of the newest
        `BREADTH_SAMPLE` documents; read once per process every `SHARES_TTL` s."""
        key = (tests, *tested)
        at, broad = cls._breadth.get(key, (-math.inf, False))
        if time.monotonic() - at < SHARES_TTL:
            return broad
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT avg({tests}) FROM (SELECT meta FROM {DOCS} INDEXED BY {META_INDEX}"
                " ORDER BY id DESC LIMIT %s) d",
                [*tested, BREADTH_SAMPLE],
            )
            share = cursor.fetchone()[0]
        broad = share is not None and share >= BROAD_SHARE
        cls._breadth[key] = (time.monotonic(), broad)
        return broad

    def count(self, plan: Plan) -> int:
        where, params = self._where(plan)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS} WHERE {where}", params)
            return int(cursor.fetchone()[0])

    def meta_groups(self, plan: Plan, years: Sequence[Year], limit: int) -> list[MetaGroup]:
        """The newest `limit` matches counted by (meta tokens, year), in one grouped query."""
        where, params = self._where(plan)
        case, case_params = year_case(years)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT meta, {case}, count(*), min(id) FROM {DOCS} INDEXED BY {META_INDEX}"
                f" WHERE id IN (SELECT rowid FROM {FTS}"
                f" WHERE {where} ORDER BY rowid DESC LIMIT %s) GROUP BY 1, 2",
                [*case_params, *params, limit],
            )
            return [(m, int(y), int(n), int(low)) for m, y, n, low in cursor.fetchall()]

    def df(self, tokens: Sequence[str]) -> dict[str, int]:
        if not tokens:
            return {}
        marks = ", ".join(["%s"] * len(tokens))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term, doc FROM {VOCAB} WHERE term IN ({marks})", list(tokens))
            found = dict(cursor.fetchall())
        return {t: int(found.get(t, 0)) for t in tokens}
