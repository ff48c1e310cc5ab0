"""Snippets with the matched terms marked. Pure functions over text."""

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.rules import Span, aligned, find_spans, map_normalised

SNIPPET_CHARS = 110


def _marked(original: str, spans: Sequence[Span]) -> str:
    parts: list[str] = []
    at = 0
    for span in spans:
        parts.append(escape(original[at : span.start]))
        parts.append("<mark>" + escape(original[span.start : span.end]) + "</mark>")
        at = span.end
    parts.append(escape(original[at:]))
    return "".join(parts)


def _original_spans(
    text: str, terms: Sequence[str], normal: str | None = None
) -> tuple[str, list[Span]]:
    if normal is not None and aligned(text, normal):
        # The stored normal form, character for character: no need to map offsets.
        return text, find_spans(normal, terms)
    mapped = map_normalised(text)
    spans = []
    for s in find_spans(mapped.normal, terms):
        start = mapped.origin[s.start]
        end = mapped.ends[s.end - 1]
        spans.append(Span(start, end))
    return text, spans


def highlight(text: str, terms: Sequence[str], normal: str | None = None) -> SafeString:
    """The whole text, escaped, with every occurrence of the terms in <mark>. `normal`: the
    text's normal form if known."""
    if not terms:
        return mark_safe(escape(text))
    return mark_safe(_marked(*_original_spans(text, terms, normal)))


def _window(length: int, first: int, width: int) -> tuple[int, int]:
    start = max(0, first - width // 4)
    end = min(length, start + width)
    return max(0, min(start, end - width)), end


def _aligned_window(
    text: str, terms: Sequence[str], normal: str, width: int
) -> tuple[int, int, list[Span]] | None:
    """The window and its spans, read from the stored normal form up to the window's end only
    (a result page's snippets must not cost a pass over every long body); None when `text` and
    `normal` do not correspond character for character up to there."""
    found = [at for at in (normal.find(t) for t in terms) if at >= 0]
    start, end = _window(len(text), min(found, default=0), width)
    # Longer terms take their characters first (`find_spans`): a span inside the window can
    # lose to a chain of longer overlapping ones reaching past its end, each a different term.
    # Reading that far decides every span inside exactly as over the whole text.
    reach = min(len(text), end + sum(len(t) for t in set(terms)))
    if not aligned(text, normal, reach):
        return None
    return start, end, find_spans(normal[:reach], terms)


def snippet(
    text: str, terms: Sequence[str], normal: str | None = None, width: int = SNIPPET_CHARS
) -> SafeString:
    """A window of the text around the first match (or its start), escaped, matches marked.
    `normal`: the text's normal form if known."""
    text = " ".join(text.split())
    quick = _aligned_window(text, terms, normal, width) if terms and normal is not None else None
    if quick is not None:
        start, end, spans = quick
    else:
        spans = _original_spans(text, terms, normal)[1] if terms else []
        start, end = _window(len(text), spans[0].start if spans else 0, width)
    inside = [
        Span(s.start - start, s.end - start) for s in spans if s.start >= start and s.end <= end
    ]
    body = _marked(text[start:end], inside)
    return mark_safe(("…" if start > 0 else "") + body + ("…" if end < len(text) else ""))
