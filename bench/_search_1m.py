"""The search benchmark at 1,000,000 documents, run by hand (it is not part of `make bench`:
the build alone takes about half an hour on the 2-core machine):

    python -m bench._search_1m            # BENCH_SEARCH_QUERIES defaults to 30 here

Writes bench/results/search_1m.json and search_1m.md; `python -m bench search` then quotes
that section under its own, with the date it was measured.
"""

import os
import sys
from datetime import datetime

from bench._common import RESULTS_DIR, code_version, log, write_json


def main() -> int:
    os.environ.setdefault("BENCH_SEARCH_DOCS", "1000000")
    os.environ.setdefault("BENCH_SEARCH_QUERIES", "30")
    from bench import search

    started = datetime.now().astimezone()
    result = search.run()
    write_json("search_1m", result.figures)
    header = (
        f"_Measured {started.strftime('%Y-%m-%d %H:%M %Z').strip()}, code {code_version()},"
        f" targets {'met' if result.ok else 'not met'} at this size._"
    )
    (RESULTS_DIR / "search_1m.md").write_text(
        f"{header}\n\n{result.markdown.rstrip()}\n", encoding="utf-8"
    )
    log("wrote bench/results/search_1m.json and search_1m.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
