"""The 密级 of the documents on a result page, read from their sources in one query per kind
(the index does not carry it): items, bulletin entries (their issue's), criticism notices."""

from collections.abc import Iterable

from accountability.models import CriticismNotice
from archive.models import DocKind
from archive.search import Hit
from bulletins.models import Issue
from submissions.models import InfoItem


def mark_hits(hits: Iterable[Hit]) -> None:
    """Set `secrecy` on each hit whose source carries one; the others get none."""
    hits = list(hits)
    wanted: dict[str, set[int]] = {DocKind.ITEM: set(), DocKind.ENTRY: set(), DocKind.NOTICE: set()}
    for hit in hits:
        if hit.doc.kind in wanted:
            source = hit.doc.parent_id if hit.doc.kind == DocKind.ENTRY else hit.doc.source_id
            if source is not None:
                wanted[hit.doc.kind].add(source)
    levels: dict[str, dict[int, str]] = {
        DocKind.ITEM: _levels(InfoItem, wanted[DocKind.ITEM]),
        DocKind.ENTRY: _levels(Issue, wanted[DocKind.ENTRY]),
        DocKind.NOTICE: _levels(CriticismNotice, wanted[DocKind.NOTICE]),
    }
    for hit in hits:
        kind = hit.doc.kind
        source = hit.doc.parent_id if kind == DocKind.ENTRY else hit.doc.source_id
        hit.secrecy = levels.get(kind, {}).get(source or 0, "")


Marked = type[InfoItem] | type[Issue] | type[CriticismNotice]


def _levels(model: Marked, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "secrecy"))
