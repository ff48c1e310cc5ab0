"""Facet counts (kind, unit, item kind, year) equal counts taken straight from the source
records of the documents a brute-force scan finds — over a corpus that spans four calendar
years, with and without a chosen facet, and capped to the newest matches."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from archive import tantivy_index
from archive.search import Filters, facets
from archive.visibility import Grants
from submissions.models import InfoItem, ItemKind, ItemState
from tests.archive.corpus import WORDS, sentence
from tests.archive.truth import Truth

EVERYONE = Grants.everything()


@pytest.fixture
def years_corpus(officer_a, officer_b):
    """240 items, one every five days: about three and a quarter years back from now."""
    rnd = random.Random(5)
    now = timezone.now()
    officers = [officer_a, officer_b]
    items = [
        InfoItem(
            unit=officers[i % 3 % 2].unit,
            author=officers[i % 3 % 2],
            kind=rnd.choice(ItemKind.values),
            state=ItemState.FILED,
            title=sentence(rnd, rnd.randint(3, 6)),
            body=sentence(rnd, rnd.randint(10, 30)),
            submitted_at=now - timedelta(days=i * 5, hours=rnd.randint(0, 23)),
            revision_count=1,
        )
        for i in range(240)
    ]
    return {item.pk: item for item in InfoItem.objects.bulk_create(items)}


def expected(items, keys, unit=None):
    """What the facets should say, counted from the items themselves."""
    chosen = [
        items[int(key.split(":")[1])]
        for key in keys
        if unit is None or items[int(key.split(":")[1])].unit_id == unit
    ]
    every = [items[int(key.split(":")[1])] for key in keys]
    return {
        "total": len(chosen),
        # A chosen unit keeps the other units' counts: the unit facet ignores its own filter.
        "units": Counter(str(i.unit_id) for i in every),
        "kinds": Counter("item" for _ in chosen),
        "categories": Counter(i.kind for i in chosen),
        "years": Counter(timezone.localtime(i.submitted_at).year for i in chosen),
    }


def told(counts):
    return {
        "total": counts.total,
        "units": +counts.counts["units"],
        "kinds": +counts.counts["kinds"],
        "categories": +counts.counts["categories"],
        "years": +Counter(counts.years),
    }


def test_facet_counts_equal_the_source_records(years_corpus, officer_a):
    truth = Truth()
    assert len({i.submitted_at.year for i in years_corpus.values()}) >= 4
    for word in [*WORDS[:12], "火", "安全 -火灾", "“防汛”"]:
        keys = truth.found(word)
        assert told(facets(EVERYONE, word)) == expected(years_corpus, keys), word
        narrowed = facets(EVERYONE, word, Filters(units=(officer_a.unit_id,)))
        assert told(narrowed) == expected(years_corpus, keys, officer_a.unit_id), word


@pytest.mark.parametrize("windows", [False, True])
def test_capped_facet_counts_are_the_newest_matches(years_corpus, windows, monkeypatch):
    """`windows`: the tantivy index looks for the newest matches in the newest part of the
    id range first, as it does in a large index (no effect on the other indexes)."""
    if windows:
        monkeypatch.setattr(tantivy_index, "WINDOWS_FROM", 0)
    keys = Truth().found("安")
    assert len(keys) > 40
    newest = sorted(keys, key=lambda k: years_corpus[int(k.split(":")[1])].submitted_at)[-40:]
    capped = facets(EVERYONE, "安", limit=40)
    assert not capped.exact
    assert told(capped) == expected(years_corpus, newest)


@pytest.mark.parametrize("word", ["安", "“防汛”", "安全 -火灾"])
def test_counts_capped_at_exactly_every_match_are_exact(years_corpus, word):
    """A cap equal to the number of matches counts them all and says so; one fewer leaves
    out the oldest match and says the counts are not exact."""
    keys = Truth().found(word)
    assert len(keys) > 2, word
    whole = facets(EVERYONE, word, limit=len(keys))
    assert whole.exact, word
    assert told(whole) == expected(years_corpus, keys), word
    oldest_left_out = sorted(keys, key=lambda k: years_corpus[int(k.split(":")[1])].submitted_at)
    short = facets(EVERYONE, word, limit=len(keys) - 1)
    assert not short.exact, word
    assert told(short) == expected(years_corpus, oldest_left_out[1:]), word
