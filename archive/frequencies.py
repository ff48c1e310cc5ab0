"""PostgreSQL's document frequencies: how many documents hold each gram (a character or a
bigram, `rules.term_grams`), kept in a table of their own.

Ranking several terms weighs each by its idf, so the first sight of a query needs its grams'
document counts. Counted from the GIN index, a common bigram's count walks its posting list
and visits every matching row (13 ms for 的 at 100,000 documents: a bitmap scan reads the
heap even where the visibility map says every row is visible); the table answers a query's
grams in one index lookup each.

The counts change in the transaction that writes the documents, by deltas read from the
tokens the rows hold (`added`, `removed`), in gram order. Deltas commute, so writers never
depend on each other's order: a rebuild tallies its batches' grams in memory and adds them at
the end (`counted`: 300,845 grams at 100,000 documents, tallied in 32 s and written in 4,
where counting them from the table by SQL took 88), while a drain in another process adds
and removes its own. An upgraded database counts everything
once (`recount_sql`, migration 0008).
"""

from collections.abc import Mapping, Sequence

from django.db import connection

TABLE = "archive_gram_frequency"
# A gram's token is a character's hex code, or two joined by g; meta, tier and bucket tokens
# all begin with a letter after f.
GRAM = "^[0-9a-f]+(g[0-9a-f]+)?$"


def create_sql() -> list[str]:
    return [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (gram text PRIMARY KEY, documents integer NOT NULL)"
    ]


def drop_sql() -> list[str]:
    return [f"DROP TABLE IF EXISTS {TABLE}"]


def _counts(where: str) -> str:
    """Each gram of the documents `where` selects, with how many of them hold it."""
    return (
        "SELECT w, count(*) FROM archive_document d, unnest(tsvector_to_array(d.tokens)) w"
        f" WHERE {where} AND w ~ '{GRAM}' GROUP BY w ORDER BY w"
    )


_ADD = " ON CONFLICT (gram) DO UPDATE SET documents = f.documents + EXCLUDED.documents"


def _apply(ids: Sequence[int], sign: int) -> None:
    """The grams of these documents' rows counted into the table (+1 or -1 each); in gram
    order, so that two writers could never wait on each other's rows in a cycle."""
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} AS f (gram, documents)"
            f" SELECT w, {sign:d} * n FROM ({_counts('d.id = ANY(%s)')}) AS c(w, n)" + _ADD,
            [list(ids)],
        )


def counted(tally: Mapping[str, int]) -> None:
    """Counts tallied elsewhere (a rebuild's, from the same tokens) added to the table's."""
    if not tally:
        return
    grams = sorted(tally)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} AS f (gram, documents)"
            " SELECT * FROM unnest(%s::text[], %s::integer[])" + _ADD,
            [grams, [tally[g] for g in grams]],
        )


def added(ids: Sequence[int]) -> None:
    """After the documents' tokens are written."""
    _apply(ids, 1)


def removed(ids: Sequence[int]) -> None:
    """Before the documents' rows are deleted."""
    _apply(ids, -1)


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")


def recount_sql() -> list[str]:
    """Every count again from every document's tokens."""
    return [
        "SET LOCAL work_mem = '256MB'",
        f"DELETE FROM {TABLE}",
        f"INSERT INTO {TABLE} (gram, documents) {_counts('TRUE')}",
    ]


def read(tokens: Sequence[str]) -> dict[str, int]:
    """Each token's document count (0 for a gram no document holds)."""
    if not tokens:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT gram, documents FROM {TABLE} WHERE gram = ANY(%s)", [list(tokens)])
        found = dict(cursor.fetchall())
    return {t: int(found.get(t, 0)) for t in tokens}
