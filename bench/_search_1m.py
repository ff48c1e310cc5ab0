"""The search benchmark at 1,000,000 documents, a `make bench-1m` target of its own (it is not
part of `make bench`: the build alone takes about half an hour on the 2-core machine):

    make bench-1m            # python -m bench._search_1m; BENCH_SEARCH_QUERIES defaults to 30

Both indexes of the embedded deployment are measured on the same million documents: the
default, then the other one (FTS5 or tantivy, reindexed from the same database).

Writes bench/results/search_1m.json and search_1m.md through bench._record, under the same
provenance rules as `make bench` (refused from a changed tree unless BENCH_ALLOW_DIRTY=1, the
commit it started from, the load before and after), and replaces the quotation of that section
under the search benchmark's, in its section and in docs/BENCHMARKS.md, with the date it was
measured (`python -m bench search` quotes the latest one as well).
"""

import os
import sys
from datetime import datetime

from bench import _record as record
from bench._common import log


def main() -> int:
    os.environ.setdefault("BENCH_SEARCH_DOCS", "1000000")
    os.environ.setdefault("BENCH_SEARCH_QUERIES", "30")
    # The default index first, then the other one on the same database (BENCH_SEARCH_OTHER=0:
    # the default only); the other's figures are its `<name>_backend_*` keys.
    os.environ.setdefault("BENCH_SEARCH_OTHER", "1")
    started = datetime.now().astimezone()
    try:
        prov = record.start(started)
    except record.Refused as refused:
        print(f"make bench-1m refuses to write results: {refused}", file=sys.stderr)
        return 3
    from bench import search

    docs, per_class = search.sizes()
    target = search.Target(search.NAME, search.TITLE, "SQLite", search.TARGETS_1M)
    result = search.run_on(docs, per_class, target)
    log(f"1M search run: targets {'met' if result.ok else 'not met'} at this size")
    try:
        when = record.when(started)
        record.write_plain_section(
            search.NAME_1M, when, result, prov, outer=search.NAME, legacy=search.INTRO_1M
        )
    except record.Refused as refused:
        print(f"make bench-1m refuses to write results: {refused}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
