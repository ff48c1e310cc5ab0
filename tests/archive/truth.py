"""The ground truth of the search tests: every document read straight from the source records
(items, incidents, incident reports, bulletin entries, criticism notices) — not from the
index's tables — and matched by the separately written `bench.truth` (shared with the
benchmark, so both tell recall by the same definition)."""

from bench import truth
from bench.truth import normalise, source_documents, split


class Truth:
    """The source records as they are now, normalised once for many queries."""

    def __init__(self) -> None:
        self.documents = truth.prepare(source_documents())

    def found(self, raw: str) -> set[str]:
        return truth.found(self.documents, raw)


__all__ = ["Truth", "normalise", "source_documents", "split"]
