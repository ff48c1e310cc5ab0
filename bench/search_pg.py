"""Issue 16: the search benchmark of `bench.search` on PostgreSQL, at the same size.

The same corpus, the same queries, the same ground truth (bench/truth.py), the same figures —
recall per class, newest/ranked/HTTP/filter-count p95, build time and size (here
`pg_total_relation_size` of the documents table: its rows, text, tsvector, GIN and other
indexes, as SQLite's figure counts the documents table and the FTS5 tables) — in a fresh
database on the server at BENCH_PG_URL (default: the local server, user postgres), dropped
after (BENCH_KEEP=1 keeps it). When no server answers, the section says so and nothing is
measured.
"""

import os

from bench import search
from bench._common import Result, log, pg_admin, pg_answers, pg_base_url, pg_url

NAME = "search_pg"
TITLE = "Archive search on PostgreSQL (issue 16)"
TARGETS = {
    "newest_p95_ms": 10.0,
    "ranked_p95_ms": 50.0,
    "http_p95_ms": 50.0,
    "facets_p95_ms": 50.0,
}


def run() -> Result:
    docs, per_class = search.sizes()
    if not pg_answers():
        where = pg_base_url().rsplit("@", 1)[-1]
        log(f"no PostgreSQL server answers at {where}: not measured")
        return Result(
            name=NAME,
            title=TITLE,
            figures={"docs": 0, "measured": 0},
            markdown=f"Not measured: no PostgreSQL server answered at {where}.\n",
            ok=False,
        )
    database = f"xinbao_bench_search_{os.getpid()}"
    pg_admin(f'DROP DATABASE IF EXISTS "{database}"')
    pg_admin(f'CREATE DATABASE "{database}"')
    env = {"DATABASE_URL": pg_url(database)}
    try:
        target = search.Target(NAME, TITLE, "PostgreSQL", TARGETS, env)
        return search.run_on(docs, per_class, target)
    finally:
        if os.environ.get("BENCH_KEEP") == "1":
            log(f"kept database {database}")
        else:
            pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
