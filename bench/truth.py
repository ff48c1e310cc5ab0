"""What a search should find, written a second time, as plainly as possible: the ground truth
of the search tests and of the benchmark. It shares no code with `archive.rules` (the product
must not import it either): its own query splitter, its own normalisation, a substring scan.

The language, as the search page states it:
- terms are separated by whitespace and must all occur (each within one field: the title or
  the body); a term is a substring of the field, after normalisation;
- a term wrapped in a pair of quotes (" “” 「」 『』 ＂) is a phrase, spaces and all; the closing
  quote is the first one followed by whitespace or the end of the query; quotes anywhere else
  are part of the term;
- a leading minus (- or －) excludes a term: no field may contain it.

Normalisation, of whole strings on both sides: NFKC, case folding, NFKC, each character
folded from traditional to simplified by OpenCC's t2s (the same library the product uses: the
folding is defined as that library's, so sharing it is sharing the definition, not the code;
each character alone, repeated until it no longer changes), whitespace runs as one space,
trimmed.

The documents are read straight from the source records (`source_documents`), not from the
index's own tables: the fields the index takes from each kind of source.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

import opencc

_PART = re.compile(r"([-－]?)[\"＂“「『](.*?)[\"＂”」』](?=\s|$)|(\S+)", re.DOTALL)


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _simplified(char: str) -> str:
    out = _converter().convert(char)
    while (again := _converter().convert(out)) != out:
        out = again
    return out


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFKC", text.casefold())
    text = "".join(_simplified(c) for c in text)
    return " ".join(text.split())


def split(raw: str) -> tuple[list[str], list[str]]:
    """(required terms, excluded terms), normalised."""
    required: list[str] = []
    excluded: list[str] = []
    for match in _PART.finditer(raw):
        minus, phrase, word = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            negative, text = bool(minus), phrase
        elif word[0] in "-－" and len(word) > 1:
            negative, text = True, word[1:]
        else:
            negative, text = False, word
        term = normalise(text)
        if not term or (term == "-" and not negative):
            continue
        (excluded if negative else required).append(term)
    return required, excluded


def prepare(documents: Iterable[tuple[str, Iterable[str]]]) -> list[tuple[str, list[str]]]:
    """(key, raw fields) documents with their fields normalised, once for many queries."""
    return [(key, [normalise(f) for f in fields]) for key, fields in documents]


def _match(normal: list[str], required: list[str], excluded: list[str]) -> bool:
    return all(any(t in f for f in normal) for t in required) and not any(
        x in f for x in excluded for f in normal
    )


def matches(fields: Iterable[str], raw: str) -> bool:
    """Whether a document with these raw fields is found by the raw query."""
    return _match([normalise(f) for f in fields], *split(raw))


def found(prepared: list[tuple[str, list[str]]], raw: str) -> set[str]:
    """The keys of the prepared documents the raw query finds."""
    required, excluded = split(raw)
    return {key for key, normal in prepared if _match(normal, required, excluded)}


def _joined(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def source_documents() -> list[tuple[str, tuple[str, str]]]:
    """Every searchable source as (key, (title, body)): items, incidents, incident reports
    (under their incident's title), bulletin entries, criticism notices (the document number
    heads the body). Needs Django set up."""
    from accountability.models import CriticismNotice
    from bulletins.models import IssueEntry
    from emergencies.models import Incident, IncidentReport
    from submissions.models import InfoItem

    docs: list[tuple[str, tuple[str, str]]] = []
    for pk, title, body in InfoItem.objects.values_list("pk", "title", "body").iterator():
        docs.append((f"item:{pk}", (title, body)))
    for pk, title, place, subtype in Incident.objects.values_list(
        "pk", "title", "place", "subtype"
    ):
        docs.append((f"incident:{pk}", (title, _joined(place, subtype))))
    for report in IncidentReport.objects.select_related("incident"):
        body = _joined(report.summary, report.cause, report.measures, report.trend, report.on_site)
        docs.append((f"report:{report.pk}", (report.incident.title, body)))
    for pk, title, body in IssueEntry.objects.values_list("pk", "title", "body"):
        docs.append((f"entry:{pk}", (title, body)))
    for pk, title, number, body in CriticismNotice.objects.values_list(
        "pk", "title", "doc_number", "body"
    ):
        docs.append((f"notice:{pk}", (title, _joined(number, body))))
    return docs
