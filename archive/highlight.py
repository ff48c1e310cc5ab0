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


def snippet(
    text: str, terms: Sequence[str], normal: str | None = None, width: int = SNIPPET_CHARS
) -> SafeString:
    """A window of the text around the first match (or its start), escaped, matches marked.
    `normal`: the text's normal form if known."""
    text = " ".join(text.split())
    spans = _original_spans(text, terms, normal)[1] if terms else []
    first = spans[0].start if spans else 0
    start = max(0, first - width // 4)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    inside = [
        Span(s.start - start, s.end - start) for s in spans if s.start >= start and s.end <= end
    ]
    body = _marked(text[start:end], inside)
    return mark_safe(("…" if start > 0 else "") + body + ("…" if end < len(text) else ""))
