"""Relevance order: the exact BM25 top k (see `rules` for the formula and the tiers), reading as
few documents as it can.

Every document carries, for each of its tokens strong enough, a tier token: the token's impact
lies between two thresholds of `rules.TIERS`. A document's score is therefore bounded by what
its tier tokens say, and the ranker reads (scores from its text) the documents most likely to be
on top first, and stops when the k-th best score read beats the bound of every document unread.

- An index that orders matches by a sum of per-token values (`backends.Bounded`: tantivy) is asked
  for the matches in the order of their own bound, a batch at a time; then, among the matches
  with no tier token at all, in the order of the bound their length gives (see
  `rules.lowest_bound`). One or two index queries for most searches, whatever the number of
  terms.
- Otherwise (FTS5, PostgreSQL) the tiers are read from the top down, one index query a step,
  and the documents below every tier are scored from their lengths.
"""

import itertools
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.db import connection

from archive import backends, index, rules
from archive.backends import Plan

SCORE_ALL = 300  # up to this many matches are ranked by reading them all
# How many tiers each step of ranking several terms reads at once, from the top: the top eight
# (an impact of 0.84 or more) are mostly empty, and a step is an index query; then three; then
# one at a time, where documents crowd. Multi-term p95 at 100,000 documents, A/B in one
# process: 42.3 → 36.9 ms on PostgreSQL, 19.9 → 18.5 ms on SQLite; the same top 20.
BAND_STEPS = (8, 3)
# Terms weighing less than this share of the heaviest term's idf do not bring in tier
# candidates of their own: their whole weight counts in the bound instead.
LIGHT_TERM = 0.25


def _rows(ids: Sequence[int], columns: str) -> list[tuple[Any, ...]]:
    """The documents' id and `columns`, 500 ids a query."""
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id, {columns} FROM archive_document WHERE id IN ({marks})", chunk
            )
            rows += cursor.fetchall()
    return rows


def _texts(ids: Sequence[int]) -> dict[int, tuple[str, str, float]]:
    """Each document's normalised title and body, and the average length it was indexed at."""
    return {i: (*index.split_norm(norm), avg) for i, norm, avg in _rows(ids, "norm, avg_length")}


def _lengths(ids: Sequence[int]) -> dict[int, tuple[int, float]]:
    """Each document's normalised length, and the average length it was indexed at."""
    return {i: (n, avg) for i, n, avg in _rows(ids, "length, avg_length")}


class _DocFrequencies:
    """Document frequencies of tokens, kept per process: counting a common bigram's documents
    may walk its whole posting list (milliseconds; see each backend's `df`), and idf hardly
    moves while the index grows by less than 1%. Ranking stays exact for the weights it uses."""

    def __init__(self) -> None:
        self.known: dict[str, int] = {}
        self.at_count = 0

    def get(self, tokens: Sequence[str], doc_count: int) -> dict[str, int]:
        if abs(doc_count - self.at_count) > max(self.at_count // 100, 10):
            self.known.clear()
            self.at_count = doc_count
        missing = [t for t in tokens if t not in self.known]
        if missing:
            if len(self.known) > 50_000:
                self.known.clear()
            self.known.update(backends.current().df(missing))
        return {t: self.known[t] for t in tokens}


_DF = _DocFrequencies()


def _weights_df(query: rules.Query) -> tuple[list[tuple[str, float]], dict[str, int]]:
    """Each term's idf (a phrase's is the sum of its tokens'), and the tokens' document
    frequencies — for queries of several terms; one term ranks the same whatever its weight."""
    if len(query.terms) == 1:
        return [(query.terms[0], 1.0)], {}
    tokens = sorted({g for t in query.terms for g in rules.term_grams(t)})
    n = max(index.doc_count(), 1)
    df = _DF.get(tokens, n)
    weights = []
    for t in query.terms:
        weights.append((t, sum(rules.idf(n, df[g]) for g in dict.fromkeys(rules.term_grams(t)))))
    return weights, df


class _Scores(dict[int, float]):
    """The documents read so far, by id, with their exact scores."""

    def __init__(self, weights: Sequence[tuple[str, float]], wanted: int) -> None:
        super().__init__()
        self.weights = weights
        self.wanted = wanted

    def read(self, ids: Sequence[int]) -> None:
        """Score these documents from their text (those not read yet)."""
        new = [i for i in ids if i not in self]
        for i, (title, body, avg) in _texts(new).items():
            self[i] = rules.score(title, body, self.weights, avg)

    def beat(self, bound: float) -> bool:
        """Whether the top `wanted` read so far all score at least `bound`."""
        if len(self) < self.wanted:
            return False
        return sorted(self.values(), reverse=True)[self.wanted - 1] >= bound

    def top(self) -> list[tuple[int, float]]:
        order = sorted(self.items(), key=lambda kv: (-kv[1], -kv[0]))
        return order[: self.wanted]


def ranked(plan: Plan, query: rules.Query, wanted: int) -> list[tuple[int, float]]:
    """The exact BM25 top `wanted` (see `rules`)."""
    backend = backends.current()
    if isinstance(backend, backends.Bounded):
        return _by_bounds(backend, plan, query, wanted)
    return _by_tiers(backend, plan, query, wanted)


# The first batch of matches read in the order of their bound, and how much each next one grows.
BOUND_BATCH = 64
BOUND_GROWTH = 4
# A term of several grams in at least this share of documents reads whole tiers from the top
# instead of batches: a tier of a common word holds thousands of documents within 2% of each
# other. Measured at 1,000,000 documents, p95 of the benchmark's classes (40 queries each):
# phrases 16.9 ms by tiers, 3.6 by batches; 新华社 28 ms by batches, 11 by tiers.
COMMON_TERM = 0.02
# tantivy sums the bounds in 32-bit floats: a bound is trusted to this relative margin.
BOUND_MARGIN = 1e-5


def _by_bounds(
    backend: backends.Bounded, plan: Plan, query: rules.Query, wanted: int
) -> list[tuple[int, float]]:
    """Reading the matches in the order of their bound (see the module docstring): first those
    at some tier, then those below every tier. The bound of a match is at least its score, so
    once the `wanted`-th best score read reaches the highest bound of the matches unread, none
    of them can enter the top."""
    weights, df = _weights_df(query)
    if not df:  # one term: any of its grams bounds it, the rarest closest (a rough count will do)
        df = backend.rough_df(rules.term_grams(weights[0][0]))
    rarest = [(min(rules.term_grams(t), key=lambda g: (df[g], g)), w) for t, w in weights]
    floor, values = rules.tier_bounds(rarest)
    scores = _Scores(weights, wanted)
    if len(weights) == 1 and _by_whole_tiers(weights[0][0], df[rarest[0][0]]):
        # One word of one gram, or a common one: its tiers from the top, each read whole. A
        # gram's tier is its exact impact band, so few documents are read; for a phrase the
        # tier query is a phrase query each step, cheaper only where batches would cut
        # through large tiers. The steps start at the highest tier every gram reaches.
        for tier in range(_highest_tier(backend, weights[0][0]), 0, -1):
            scores.read(backend.ids(replace(plan, tier=tier)))
            if scores.beat(rules.bound(tier, weights)):
                return scores.top()
        # Read: the matches with every gram at some tier. Each other one has a gram below
        # every tier, which the term can occur no more often than.
        grams = dict.fromkeys(rules.term_grams(weights[0][0]))
        read = [[rules.tier_token(j, g) for j in range(1, len(rules.TIERS))] for g in grams]
    else:
        # The matches holding a tier token of some term, by the sum of their tier tokens'
        # values, a batch at a time; the one after each batch tells the bound of the rest.
        size = max(BOUND_BATCH, wanted)
        while True:
            batch = backend.by_bound(plan, values, size + 1)
            scores.read([i for i, _b in batch[:size]])
            if len(batch) <= size:
                break  # every such match is read
            if scores.beat((floor + batch[-1][1]) * (1 + BOUND_MARGIN)):
                return scores.top()
            size *= BOUND_GROWTH
        read = [[token for token, _v in values]]  # the matches with a term's rarest gram tiered
    # Every other match has, for every term, a gram below every tier: each term's impact is at
    # most `rules.lowest_bound` of the document's length, and usually exactly that.
    weight = sum(w for _t, w in weights)
    size = max(BOUND_BATCH, wanted)
    while not scores.beat(floor * (1 + BOUND_MARGIN)):
        found = backend.by_lowest(plan, read, size + 1)
        _score_lowest(scores, [i for i, _b in found[:size] if i not in scores], weight)
        if len(found) <= size:
            break  # every match is read
        if scores.beat(weight * found[-1][1] * (rules.K1 + 1) * (1 + BOUND_MARGIN)):
            break
        size *= BOUND_GROWTH
    return scores.top()


def _highest_tier(backend: backends.Bounded, term: str) -> int:
    """The highest tier at which some document may hold every gram of the term (0: none), by
    the index's rough counts of the tier tokens (never too low: they count deleted documents
    until a merge drops them). The tiers above it are empty, and reading them was a query each:
    most of the nineteen for most words."""
    grams = dict.fromkeys(rules.term_grams(term))
    tiers = range(1, len(rules.TIERS))
    held = backend.rough_df([rules.tier_token(j, g) for j in tiers for g in grams])
    return min(max((j for j in tiers if held[rules.tier_token(j, g)]), default=0) for g in grams)


def _by_whole_tiers(term: str, rarest_df: int) -> bool:
    """Whether one term reads whole tiers rather than batches: a word of one gram, or a common
    one (COMMON_TERM)."""
    if len(set(rules.term_grams(term))) == 1:
        return True
    return rarest_df >= COMMON_TERM * max(index.doc_count(), 1)


def _score_lowest(scores: _Scores, ids: Sequence[int], weight: float) -> None:
    """Score documents below every tier for every term: from the length alone where a term
    below the lowest tier can only occur once (its impact is then exact), otherwise from the
    text."""
    unread = []
    for i, (length, avg) in _lengths(ids).items():
        if rules.most_below_lowest_tier(length, avg) <= 1:
            scores[i] = weight * rules.impact(1, length, avg) * (rules.K1 + 1)
        else:
            unread.append(i)
    scores.read(unread)


def _by_tiers(
    backend: backends.Index, plan: Plan, query: rules.Query, wanted: int
) -> list[tuple[int, float]]:
    """Scoring the highest tiers first, one index query a step (see the module docstring)."""
    weights, df = _weights_df(query)
    scores = _Scores(weights, wanted)
    score = scores.read

    def settled(tier: int, strong: tuple[str, ...]) -> bool:
        return scores.beat(rules.bound(tier, weights, strong))

    matched: list[int] = []

    def every_match() -> list[int]:
        """Every match, newest first, fetched once."""
        if not matched:
            matched.extend(backend.ids(plan))
        return matched

    # Several terms need every match below (one term only a first page of them).
    if len(weights) > 1:
        few = every_match()[: SCORE_ALL + 1]
    else:
        few = backend.ids(plan, limit=SCORE_ALL + 1)
    if len(few) <= SCORE_ALL:  # a small result set: scoring it all is cheaper than tiers
        score(few)
        return scores.top()
    heaviest = max(w for _t, w in weights)
    strong = tuple(t for t, w in weights if w >= LIGHT_TERM * heaviest)
    # From the top tier down, one tier at a time: each step is one index query, and each tier
    # passed widens what has to be read.
    tier = len(rules.TIERS) - 1
    if len(weights) == 1:
        while True:
            score(backend.ids(replace(plan, tier=tier, tier_terms=strong)))
            if settled(tier, strong) or tier == 1:
                break
            tier -= 1
    else:
        # Several terms: a term can only be at a tier if its rarest token is, so each step
        # reads the documents whose rarest tokens sit exactly at that tier — a short list.
        rarest = [min(rules.term_grams(t), key=lambda g: (df[g], g)) for t in strong]
        # The band's short posting lists are read alone and met with the result set, fetched
        # once: cheaper than making the index intersect them with every term and grant.
        matches = set(every_match())
        for step in itertools.chain(BAND_STEPS, itertools.repeat(1)):
            low = max(tier - step + 1, 1)
            band = tuple(rules.tier_token(j, g) for j in range(low, tier + 1) for g in rarest)
            banded = Plan(groups=(band,), id_min=plan.id_min, id_max=plan.id_max)
            score([i for i in backend.ids(banded) if i in matches])
            tier = low
            if settled(tier, strong) or tier == 1:
                break
            tier -= 1
    everything = tuple(t for t, _w in weights)
    if not settled(tier, strong) and strong != everything:
        score(backend.ids(replace(plan, tier=1, tier_terms=everything)))
        strong = everything
    if not settled(1, strong):
        # Below the lowest tier every term's impact is under TIERS[1], so it occurs fewer than
        # k1 * (1 - b + b * L / avgL) times: in all but very long documents, exactly once —
        # and then the length alone gives the exact score, without reading the text.
        rest = [i for i in every_match() if i not in scores]
        _score_lowest(scores, rest, sum(w for _t, w in weights))
    return scores.top()
