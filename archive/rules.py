"""The search language and the index's vocabulary. Pure functions: no database, no clock.

Chinese has no spaces, so the index stores every character (unigram) and every pair of
adjacent characters (bigram) of the normalised text — Latin letters, digits and punctuation
included. A query term of one character is its unigram; a longer term is the phrase of its
bigrams, which matches exactly where the term occurs as a substring (adjacent bigrams overlap
by one character). So recall equals a substring scan over the normalised text, by
construction; tests check it against a brute-force scan.

Normalisation (both sides): NFKC (full-width digits and letters become half-width), case
folding, and every run of whitespace becomes one space.

Tokens are ASCII so that the database's plain tokenizer keeps each one whole: a character is
its code point in hex (``706b`` for 火), a bigram is two of them joined by ``g``. Tokens that
say something about a document rather than its text (kind, unit, who may see it, impact
tiers) start with a letter outside ``0-9a-f`` so they can never collide with a text token.
"""

import math
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from django.utils.translation import gettext_noop

from xinbao.core import inputs

# Bump when anything that decides the index's content changes: the tokens, the tiers, the
# normalisation (it follows the Unicode tables of the running Python), the document builders.
SCHEMA_VERSION = f"6/unicode-{unicodedata.unidata_version}"

MAX_TERMS = 12
MAX_TERM_LENGTH = 60
MAX_QUERY_LENGTH = inputs.MAX_QUERY_LENGTH

_WS = re.compile(r"\s+")
_SPACES = re.compile(" {2,}")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _char_normal(char: str) -> str:
    """NFKC, case folded, NFKC again (folding can denormalise); whitespace is a space."""
    if char.isspace():
        return " "
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", char).casefold())


# Every character of the Basic Multilingual Plane, for `str.translate` (a table lookup per
# character, about ten times faster than normalising the string). Built once, in ~50 ms.
_BMP = {cp: _char_normal(chr(cp)) for cp in range(0x10000) if not 0xD800 <= cp < 0xE000}


def normalise(text: str) -> str:
    """Character by character NFKC and case folding (so an offset in the result maps back to
    one character of the original), whitespace runs as one space, trimmed."""
    if _ASTRAL.search(text):
        text = "".join(_char_normal(c) if ord(c) > 0xFFFF else c for c in text)
    out = text.translate(_BMP)
    if "  " in out:
        out = _SPACES.sub(" ", out)
    return out.strip()


def _pieces(text: str) -> list[str]:
    return [_BMP[ord(c)] if ord(c) <= 0xFFFF else _char_normal(c) for c in text]


class _Hex(dict[str, str]):
    def __missing__(self, char: str) -> str:
        value = format(ord(char), "x")
        self[char] = value
        return value


_HEX = _Hex()


def unigram(char: str) -> str:
    return _HEX[char]


def bigram(a: str, b: str) -> str:
    return _HEX[a] + "g" + _HEX[b]


def unigrams(text: str) -> list[str]:
    return [_HEX[c] for c in text]


def bigrams(text: str) -> list[str]:
    codes = [_HEX[c] for c in text]
    return [a + "g" + b for a, b in pairwise(codes)]


def term_grams(term: str) -> list[str]:
    """The tokens a (normalised) term is looked up by: its unigram, or its bigram phrase."""
    return [unigram(term)] if len(term) == 1 else bigrams(term)


# --- Queries ---------------------------------------------------------------------------------


class QueryError(ValueError):
    """A query that cannot be run; the message says why (English msgid, translated by the
    caller)."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Query:
    """A parsed query: every positive term must occur, no excluded term may."""

    terms: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms and not self.excluded

    def text(self) -> str:
        def show(term: str) -> str:
            return f'"{term}"' if " " in term else term

        return " ".join([show(t) for t in self.terms] + [f"-{show(t)}" for t in self.excluded])


_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "＂": '"'})
_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(raw: str) -> Query:
    """Terms separated by spaces are ANDed; "a quoted phrase" is one term, spaces and all;
    a leading minus excludes a term or a phrase. Duplicates collapse."""
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(
            gettext_noop("The query is too long (at most %(n)s characters)."), n=MAX_QUERY_LENGTH
        )
    raw = unicodedata.normalize("NFKC", raw.translate(_QUOTES))
    terms: dict[str, None] = {}
    excluded: dict[str, None] = {}
    for match in _PART.finditer(raw):
        minus, quoted, bare = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            negative, text = bool(minus), quoted
        else:
            negative = bare.startswith("-") and len(bare) > 1
            text = bare[1:] if negative else bare
        term = normalise(text)
        if not term or term == "-":
            continue
        if len(term) > MAX_TERM_LENGTH:
            raise QueryError(
                gettext_noop("A search term is too long (at most %(n)s characters)."),
                n=MAX_TERM_LENGTH,
            )
        (excluded if negative else terms).setdefault(term, None)
    if len(terms) + len(excluded) > MAX_TERMS:
        raise QueryError(gettext_noop("Too many search terms (at most %(n)s)."), n=MAX_TERMS)
    return Query(tuple(terms), tuple(t for t in excluded if t not in terms))


def contains(text: str, query: Query) -> bool:
    """The brute-force definition of a match over one field's normalised text."""
    return all(t in text for t in query.terms) and not any(t in text for t in query.excluded)


def matches(fields: Sequence[str], query: Query) -> bool:
    """A document matches when every term occurs in one of its fields (title, body) and no
    excluded term occurs in any. A term never spans two fields."""
    normed = [normalise(f) for f in fields]
    return all(any(t in f for f in normed) for t in query.terms) and not any(
        t in f for t in query.excluded for f in normed
    )


# --- Ranking ---------------------------------------------------------------------------------
#
# BM25 in the Lucene form: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), a phrase's idf is the
# sum of its tokens' idf; term frequency counts the title three times. Document length is in
# characters, against an average fixed when the index was (re)built.
#
# Ranking only what it must: every (token, document) pair whose impact
# f / (f + k1 * (1 - b + b * L / avgL)) reaches a tier threshold carries a tier token. A
# phrase's impact is at most its rarest bigram's, so a document below tier j for every term
# scores below TIERS[j] * sum(idf). The ranker scores the documents of the top tiers first
# and stops as soon as the k-th best beats that bound — the result is the exact BM25 top k.

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3
# Index 0: below every tier. Finer where documents crowd (one to five occurrences).
TIERS = (
    0.0,
    0.5,
    0.55,
    0.6,
    0.63,
    0.66,
    0.7,
    0.73,
    0.76,
    0.78,
    0.8,
    0.82,
    0.84,
    0.86,
    0.88,
    0.9,
    0.92,
    0.94,
    0.96,
    0.98,
)


def impact(freq: float, length: int, avg_length: float) -> float:
    norm = K1 * (1 - B + B * length / max(avg_length, 1.0))
    return freq / (freq + norm)


def most_below_lowest_tier(length: int, avg_length: float) -> int:
    """The largest term frequency a document of this length can have without reaching the
    lowest tier: impact < TIERS[1]  <=>  f < TIERS[1] / (1 - TIERS[1]) * norm."""
    norm = K1 * (1 - B + B * length / max(avg_length, 1.0))
    limit = TIERS[1] / (1 - TIERS[1]) * norm
    return max(1, math.ceil(limit) - 1)


def tier_of(value: float) -> int:
    tier = 0
    for j in range(1, len(TIERS)):
        if value >= TIERS[j]:
            tier = j
    return tier


def tier_token(tier: int, gram: str) -> str:
    return f"q{tier}x{gram}"


def index_tokens(title: str, body: str, avg_length: float) -> tuple[list[str], ...]:
    """A document's text tokens — title bigrams, body bigrams (every occurrence, in order: a
    phrase needs their positions), its distinct characters (a one-character term needs only
    presence) — and its tier tokens, computed in one pass (normalised title and body)."""
    t1 = [_HEX[c] for c in title]
    b1 = [_HEX[c] for c in body]
    t2 = [a + "g" + b for a, b in pairwise(t1)]
    b2 = [a + "g" + b for a, b in pairwise(b1)]
    freq = Counter(b1)
    freq.update(b2)
    heading = Counter(t1)
    heading.update(t2)
    for g, n in heading.items():
        freq[g] += TITLE_WEIGHT * n
    norm = K1 * (1 - B + B * (len(title) + len(body)) / max(avg_length, 1.0))
    # impact >= tau  <=>  f >= tau / (1 - tau) * norm
    floors = [t / (1 - t) * norm for t in TIERS[1:]]
    lowest = floors[0]
    tiers = [f"q{bisect_right(floors, f)}x{g}" for g, f in freq.items() if f >= lowest]
    chars = list(dict.fromkeys(t1 + b1))
    return t2, b2, chars, tiers


def tier_tokens(title: str, body: str, avg_length: float) -> list[str]:
    """The tier tokens of a document (normalised title and body)."""
    return index_tokens(title, body, avg_length)[3]


def count_overlapping(text: str, term: str) -> int:
    n, start = 0, text.find(term)
    while start >= 0:
        n += 1
        start = text.find(term, start + 1)
    return n


def term_frequency(title: str, body: str, term: str) -> int:
    """How often the term occurs (overlapping, as the index counts), the title weighted."""
    return TITLE_WEIGHT * count_overlapping(title, term) + count_overlapping(body, term)


def idf(doc_count: int, df: int) -> float:
    return math.log(1 + (doc_count - df + 0.5) / (df + 0.5))


def score(title: str, body: str, weights: Sequence[tuple[str, float]], avg_length: float) -> float:
    """BM25 of one document (normalised fields) for (term, idf) pairs."""
    length = len(title) + len(body)
    total = 0.0
    for term, weight in weights:
        f = term_frequency(title, body, term)
        if f:
            total += weight * impact(f, length, avg_length) * (K1 + 1)
    return total


def bound(
    tier: int, weights: Iterable[tuple[str, float]], strong: Iterable[str] | None = None
) -> float:
    """Every document below `tier` for each of the `strong` terms (default: all) scores
    strictly less than this; the other terms count with their whole weight (impact < 1)."""
    chosen = None if strong is None else set(strong)
    total = 0.0
    for term, weight in weights:
        total += weight * (TIERS[tier] if chosen is None or term in chosen else 1.0)
    return total * (K1 + 1)


# --- Highlighting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class Mapped:
    """A text normalised character by character, with each normalised offset's original
    offset, so that matches found in the normalised text can be marked in the original."""

    original: str
    normal: str
    origin: list[int] = field(default_factory=list)


def map_normalised(text: str) -> Mapped:
    """The normalised text with each of its offsets' original offset."""
    quick = None if _ASTRAL.search(text) else text.translate(_BMP)
    if (
        quick is not None
        and len(quick) == len(text)
        and "  " not in quick
        and quick == quick.strip()
    ):
        return Mapped(text, quick, list(range(len(text))))  # the usual case
    out: list[str] = []
    origin: list[int] = []
    space = True  # drops leading whitespace and collapses runs
    for i, piece in enumerate(_pieces(text)):
        for c in piece:
            if c == " ":
                if space:
                    continue
                space = True
            else:
                space = False
            out.append(c)
            origin.append(i)
    while out and out[-1] == " ":
        out.pop()
        origin.pop()
    return Mapped(text, "".join(out), origin)


def find_spans(normal: str, terms: Iterable[str]) -> list[Span]:
    """Non-overlapping spans of the terms in a normalised text, longest term first."""
    taken = [False] * len(normal)
    spans: list[Span] = []
    for term in sorted(set(terms), key=len, reverse=True):
        start = normal.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append(Span(start, end))
                for i in range(start, end):
                    taken[i] = True
            start = normal.find(term, start + 1)
    return sorted(spans, key=lambda s: s.start)
