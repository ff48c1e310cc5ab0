"""The search benchmark at 1,000,000 documents, a `make bench-1m` target of its own (it is not
part of `make bench`: the build alone takes about half an hour on the 2-core machine):

    make bench-1m            # python -m bench._search_1m; BENCH_SEARCH_QUERIES defaults to 30

Both indexes of the embedded deployment are measured on the same million documents: FTS5, then
the tantivy backend (`XINBAO_SEARCH_INDEX=tantivy`, reindexed from the same database).

Writes bench/results/search_1m.json and search_1m.md through bench._record, under the same
provenance rules as `make bench` (refused from a changed tree unless BENCH_ALLOW_DIRTY=1, the
commit it started from, the load before and after); `python -m bench search` then quotes that
section under its own, with the date it was measured.
"""

import os
import sys
from datetime import datetime

from bench import _record as record
from bench._common import log


def main() -> int:
    os.environ.setdefault("BENCH_SEARCH_DOCS", "1000000")
    os.environ.setdefault("BENCH_SEARCH_QUERIES", "30")
    # FTS5 first, then the product's tantivy backend on the same database (BENCH_SEARCH_TANTIVY=0:
    # FTS5 only); the tantivy figures are the `tantivy_backend_*` keys.
    os.environ.setdefault("BENCH_SEARCH_TANTIVY", "1")
    started = datetime.now().astimezone()
    try:
        prov = record.start(started)
    except record.Refused as refused:
        print(f"make bench-1m refuses to write results: {refused}", file=sys.stderr)
        return 3
    from bench import search

    result = search.run()
    log(f"1M search run: targets {'met' if result.ok else 'not met'} at this size")
    try:
        record.write_plain_section("search_1m", record.when(started), result, prov)
    except record.Refused as refused:
        print(f"make bench-1m refuses to write results: {refused}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
