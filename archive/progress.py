"""A text progress bar for long commands (reindex, import): redrawn in place on a terminal,
a line every few seconds otherwise (logs, CI)."""

import sys
import time
from typing import TextIO


class Bar:
    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        final = done >= total
        if not final and now - self.last < (0.2 if self.tty else 5.0):
            return
        self.last = now
        share = done / total if total else 1.0
        filled = int(self.width * share)
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done}/{total} {share:4.0%} {rate:,.0f}/s {elapsed:,.0f}s"
        )
        if self.tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
