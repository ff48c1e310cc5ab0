"""The search language and the index's vocabulary. Pure functions: no database, no clock.

Chinese has no spaces, so the index stores every character (unigram) and every pair of
adjacent characters (bigram) of the normalised text — Latin letters, digits and punctuation
included. A query term of one character is its unigram; a longer term is the phrase of its
bigrams, which matches exactly where the term occurs as a substring (adjacent bigrams overlap
by one character). So recall equals a substring scan over the normalised text, by
construction; tests check it against a separately written brute-force scan (bench/truth.py).

Normalisation, the same function for documents and query terms, over whole strings: NFKC
(full-width digits and letters become half-width, a letter and its combining mark become one
character), case folding, NFKC again (folding can denormalise), traditional characters folded
to simplified ones, and every run of whitespace becomes one space.

The traditional-to-simplified folding is OpenCC's (the `opencc-py` package, the OpenCC
project's own pure-Python release) applied character by character, to a fixed point: a
character folds the same wherever it stands, so a term found in a text is found in its folded
form too (OpenCC's phrase tables would fold a word differently inside a sentence than alone,
and recall would no longer equal a substring scan). Like case folding it merges a little more
than a person would (乾 and 干 are one character to the index); what is shown is the original.

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
from functools import cache
from itertools import pairwise

import opencc
from django.utils.translation import gettext_noop

from xinbao.core import inputs

# Bump when anything that decides the index's content changes: the tokens, the tiers, the
# normalisation (it follows the Unicode tables of the running Python and OpenCC's tables),
# the document builders.
SCHEMA_VERSION = f"7/unicode-{unicodedata.unidata_version}/opencc-{opencc.__version__}"

MAX_TERMS = 12
MAX_TERM_LENGTH = 60
MAX_QUERY_LENGTH = inputs.MAX_QUERY_LENGTH

_SPACES = re.compile(" {2,}")

# Where OpenCC's traditional characters live: the CJK Unified Ideographs and their
# extensions, and the compatibility ideographs (NFKC has already mapped those).
_HAN = (
    (0x3400, 0x4DC0),
    (0x4E00, 0xA000),
    (0xF900, 0xFB00),
    (0x20000, 0x2A6E0),
    (0x2A700, 0x2EBF0),
    (0x2F800, 0x2FA20),
    (0x30000, 0x31350),
)


@cache
def simplified() -> dict[str, str]:
    """Every Han character OpenCC's t2s changes, to its simplified form (followed to a fixed
    point: 薴 → 苧 → 苎). One conversion of all of them, newline-separated so that no phrase
    spans two (about half a second, once per process)."""
    chars = [chr(cp) for low, high in _HAN for cp in range(low, high)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):
        raise RuntimeError("OpenCC changed the number of lines: cannot build the folding")
    out = {c: s for c, s in zip(chars, converted, strict=True) if s != c}
    for c, s in out.items():
        while s in out and out[s] != s:
            s = out[s]
        out[c] = s
    return out


@cache
def _fold_table() -> dict[int, str]:
    """For `str.translate`: whitespace becomes a space, a traditional character its
    simplified form."""
    table = {cp: " " for cp in range(0x10000) if chr(cp).isspace()}
    table.update({ord(c): s for c, s in simplified().items()})
    return table


def _core(text: str) -> str:
    """NFKC, case folded, NFKC again, folded (whitespace as spaces, traditional as
    simplified) — over the whole string, so a letter and the combining mark after it meet."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.translate(_fold_table())


@cache
def _per_char() -> dict[int, str]:
    """Each Basic Multilingual Plane character's own normal form, for `str.translate` (a
    table lookup per character, several times faster than NFKC over a text with full-width
    punctuation in it)."""
    return {cp: _core(chr(cp)) for cp in range(0x10000) if not 0xD800 <= cp < 0xE000}


@cache
def _resized() -> re.Pattern[str]:
    """Characters of the Basic Multilingual Plane whose normal form is not one character
    ("…" → "...", "㈠" → "(一)")."""
    sized = [cp for cp, normal in _per_char().items() if len(normal) != 1]
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in sized) + "]")


@cache
def _interacting() -> re.Pattern[str]:
    """Characters that can change their neighbour under NFKC: combining marks, the second
    characters of canonical compositions (Hangul vowel and final jamo among them) — and
    everything outside the Basic Multilingual Plane, which the per-character table leaves
    out. A text without any of these, before or after the table, normalises character by
    character exactly as it does whole."""
    chars: set[int] = set()
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        if unicodedata.combining(c):
            chars.add(cp)
        parts = unicodedata.decomposition(c).split()
        canonical = len(parts) == 2 and not parts[0].startswith("<")
        if canonical and unicodedata.normalize("NFC", c) == c:  # a primary composite
            chars.add(int(parts[1], 16))
    chars.update(range(0x1161, 0x1176))  # Hangul vowels (composed by algorithm)
    chars.update(range(0x11A8, 0x11C3))  # Hangul final consonants
    ranges = "".join(f"\\u{cp:04x}" for cp in sorted(chars))
    return re.compile(f"[{ranges}\\U00010000-\\U0010ffff]")


def normalise(text: str) -> str:
    """The normal form documents are indexed in and query terms are looked up in: `_core`
    of the whole text, whitespace runs as one space, trimmed. Computed character by
    character where that gives the same (see `_interacting`)."""
    out = text.translate(_per_char())
    odd = _interacting()
    if odd.search(text) or odd.search(out):
        out = _core(text)
    if "  " in out:
        out = _SPACES.sub(" ", out)
    return out.strip()


def aligned(text: str, normal: str, reach: int | None = None) -> bool:
    """Whether `normal` is `text`'s normal form character for character (same offsets); with
    `reach`, over their first `reach` characters only (both of the same length, neither with a
    character that changes its neighbour)."""
    if len(text) != len(normal) or _interacting().search(text) or _interacting().search(normal):
        return False
    if reach is not None and reach < len(text):
        text, normal = text[:reach], normal[:reach]
    # Most Chinese text is its own normal form: equal strings correspond without a table pass.
    return text == normal or text.translate(_per_char()) == normal


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


OPENING_QUOTES = '"＂“「『'
CLOSING_QUOTES = '"＂”」』'
MINUS = "-－"


@dataclass(frozen=True)
class Query:
    """A parsed query: every positive term must occur, no excluded term may."""

    terms: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms and not self.excluded

    def conflicts(self) -> list[tuple[str, str]]:
        """(required term, excluded term) pairs that leave nothing to find: every document
        containing the term contains the excluded one (the same term, or a part of it)."""
        return [(t, x) for t in self.terms for x in self.excluded if x in t]

    @property
    def impossible(self) -> bool:
        return bool(self.conflicts())

    def text(self) -> str:
        def show(term: str) -> str:
            plain = " " not in term and term[0] not in OPENING_QUOTES + MINUS
            return term if plain else f'"{term}"'

        return " ".join([show(t) for t in self.terms] + [f"-{show(t)}" for t in self.excluded])


def split(raw: str) -> list[tuple[bool, str]]:
    """The query's parts as (excluded, text), not yet normalised. Parts are separated by
    whitespace; a part wrapped in a pair of quotes (" “” 「」 『』 ＂) is a phrase, spaces and
    all — the closing quote is the first one followed by whitespace or the end. Quotes
    anywhere else are part of the text (推进“两学一做”学习 is one term, quotes included). A
    leading minus excludes the part."""
    parts: list[tuple[bool, str]] = []
    i, n = 0, len(raw)
    while i < n:
        if raw[i].isspace():
            i += 1
            continue
        start = i
        negative = raw[i] in MINUS and i + 1 < n and not raw[i + 1].isspace()
        at = i + 1 if negative else i
        if raw[at] in OPENING_QUOTES:
            close = next(
                (
                    k
                    for k in range(at + 1, n)
                    if raw[k] in CLOSING_QUOTES and (k + 1 == n or raw[k + 1].isspace())
                ),
                None,
            )
            if close is not None:
                parts.append((negative, raw[at + 1 : close]))
                i = close + 1
                continue
        end = start
        while end < n and not raw[end].isspace():
            end += 1
        parts.append((negative, raw[at:end]))
        i = end
    return parts


def parse(raw: str) -> Query:
    """Terms separated by spaces are ANDed; "a quoted phrase" is one term, spaces and all;
    a leading minus excludes a term or a phrase (see `split`). Duplicates collapse. A term
    both required and excluded stays in both: the query then finds nothing, and says why
    (`Query.conflicts`)."""
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(
            gettext_noop("The query is too long (at most %(n)s characters)."), n=MAX_QUERY_LENGTH
        )
    terms: dict[str, None] = {}
    excluded: dict[str, None] = {}
    for negative, text in split(raw):
        term = normalise(text)
        if not term or (term in MINUS and not negative):
            continue
        if len(term) > MAX_TERM_LENGTH:
            raise QueryError(
                gettext_noop("A search term is too long (at most %(n)s characters)."),
                n=MAX_TERM_LENGTH,
            )
        (excluded if negative else terms).setdefault(term, None)
    if len(terms) + len(excluded) > MAX_TERMS:
        raise QueryError(gettext_noop("Too many search terms (at most %(n)s)."), n=MAX_TERMS)
    return Query(tuple(terms), tuple(excluded))


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


def tier_upper(tier: int) -> float:
    """A token's impact at `tier` is below this (`tier` 0: below every tier)."""
    return TIERS[tier + 1] if tier + 1 < len(TIERS) else 1.0


def lowest_bound(length: int, avg_length: float) -> float:
    """The highest impact a token below every tier can have in a document of this length: the
    impact of `most_below_lowest_tier` occurrences. For most documents that is one occurrence,
    and then the bound is the impact itself."""
    return impact(most_below_lowest_tier(length, avg_length), length, avg_length)


def tier_bounds(
    grams: Sequence[tuple[str, float]],
) -> tuple[float, list[tuple[str, float]]]:
    """Bounds by tier tokens, for (gram, weight) pairs — each term's rarest gram (a phrase is
    at most as strong as any of its bigrams) and its weight. A document holding the terms
    scores less than the first value plus the values of the tier tokens it holds (at most one
    per gram): below every tier a term counts at most TIERS[1], at tier j at most
    `tier_upper(j)`."""
    floor = sum(weight * TIERS[1] for _g, weight in grams) * (K1 + 1)
    extra = [
        (tier_token(j, gram), weight * (tier_upper(j) - TIERS[1]) * (K1 + 1))
        for gram, weight in grams
        for j in range(1, len(TIERS))
    ]
    return floor, extra


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


@cache
def _overlaps_itself(term: str) -> bool:
    """Whether two occurrences of the term can overlap (it begins the way it ends: 哈哈, ABA)."""
    return any(term[:k] == term[-k:] for k in range(1, len(term)))


def count_overlapping(text: str, term: str) -> int:
    if not _overlaps_itself(term):
        return text.count(term)  # the same count, in C
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
    """A normalised text with, for each of its offsets, the original characters it came from
    (`origin[i]` to `ends[i]`), so that matches found in the normal form can be marked in the
    original."""

    original: str
    normal: str
    origin: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)


def _units(text: str) -> list[tuple[int, str]]:
    """The text cut where normalising the pieces one by one gives the same as normalising it
    whole: a character with the combining marks after it, joined with its neighbour where
    the two compose (Hangul jamo, a few Indic vowel signs). (offset, piece) pairs."""
    units: list[tuple[int, str]] = []
    for i, c in enumerate(text):
        if units and unicodedata.combining(c):
            start, piece = units[-1]
            units[-1] = (start, piece + c)
        else:
            units.append((i, c))
    merged: list[tuple[int, str]] = []
    for start, piece in units:
        if merged:
            at, previous = merged[-1]
            if _core(previous + piece) != _core(previous) + _core(piece):
                merged[-1] = (at, previous + piece)
                continue
        merged.append((start, piece))
    return merged


def map_normalised(text: str) -> Mapped:
    """The normalised text with each of its offsets' original characters."""
    quick = text.translate(_per_char())
    if aligned(text, quick) and "  " not in quick and quick == quick.strip():
        return Mapped(text, quick, list(range(len(text))), list(range(1, len(text) + 1)))
    odd = _interacting()
    simple = not (odd.search(text) or odd.search(quick))
    if simple and "  " not in quick and quick == quick.strip():
        # Each character normalises alone and no whitespace is dropped: the normal form is
        # `quick`, each character's piece of it as long as the table says ("……" grows).
        table = _per_char()
        origin: list[int] = []
        last = 0
        for found in _resized().finditer(text):
            at = found.start()
            origin.extend(range(last, at))
            origin.extend([at] * len(table[ord(text[at])]))
            last = at + 1
        origin.extend(range(last, len(text)))
        return Mapped(text, quick, origin, [i + 1 for i in origin])
    out: list[str] = []
    origin = []
    ends: list[int] = []
    space = True  # drops leading whitespace and collapses runs
    if not simple:
        pieces = [(start, piece, _core(piece)) for start, piece in _units(text)]
    else:
        # No character can change its neighbour: each one normalises alone, as `quick` did
        # (a "……" or a "㈠" grows, so the offsets still have to be mapped).
        table = _per_char()
        pieces = [(i, c, table.get(ord(c), c)) for i, c in enumerate(text)]
    for start, piece, normal in pieces:
        for c in normal:
            if c == " ":
                if space:
                    continue
                space = True
            else:
                space = False
            out.append(c)
            origin.append(start)
            ends.append(start + len(piece))
    while out and out[-1] == " ":
        out.pop()
        origin.pop()
        ends.pop()
    return Mapped(text, "".join(out), origin, ends)


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
