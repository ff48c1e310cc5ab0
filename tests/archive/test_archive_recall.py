"""Recall equals a substring scan: the index finds exactly the documents that a separately
written brute-force scan of the source records finds (tests/archive/truth.py, bench/truth.py),
for terms of every length, several terms, phrases and exclusions; the ranked order is the exact
BM25 order over all matches, computed here from the formula."""

import math
import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from archive import backends, index, ranking, tantivy_index
from archive.models import Document, SortOrder
from archive.search import Filters, matching_ids, search
from archive.visibility import Grants
from submissions.models import InfoItem, ItemKind, ItemState
from tests.archive.corpus import sample_terms
from tests.archive.truth import Truth, split

EVERYONE = Grants.everything()


def brute(_items, raw):
    return Truth().found(raw)


def found(raw):
    ids = matching_ids(EVERYONE, raw)
    return set(Document.objects.filter(id__in=ids).values_list("key", flat=True))


@pytest.mark.parametrize("length", [1, 2, 3, 4, 6])
def test_it_finds_every_document_containing_the_term(corpus, length):
    for term in sample_terms(corpus, length, 25):
        assert found(term) == brute(corpus, term), term


def test_two_character_words_are_found(corpus):
    for word in ("火灾", "停电", "信访", "水库"):
        expected = brute(corpus, word)
        assert expected, word
        assert found(word) == expected


def test_several_terms_are_anded(corpus):
    terms = sample_terms(corpus, 2, 10) + sample_terms(corpus, 3, 10)
    for a, b in zip(terms, reversed(terms), strict=True):
        raw = f"{a} {b}"
        assert found(raw) == brute(corpus, raw), raw


def test_quoted_phrases_and_exclusions(corpus):
    cases = ['"安全生产 隐患"', "火灾 -停电", '-"防汛"', '防汛 -"暴雨"', "召开 会议 -部署 -落实"]
    for raw in cases:
        assert found(raw) == brute(corpus, raw), raw


def test_latin_is_case_insensitive_and_width_insensitive(corpus):
    assert found("app") == found("APP") == found("ＡＰＰ") == brute(corpus, "app")
    assert found("app")
    assert found("2019年") == found("２０１９年") == brute(corpus, "2019年")
    assert found("pm2.5") == brute(corpus, "PM2.5")


def test_a_term_does_not_span_title_and_body(officer_a, corpus):
    from submissions import actions
    from tests.factories import content

    actions.do_create_item(officer_a, content(title="标题结尾甲", body="乙正文开头"))
    assert found("甲乙") == set()
    assert found("甲 乙")


def newest_keys(corpus, raw):
    found_keys = brute(corpus, raw)
    chosen = (i for i in corpus if f"item:{i.pk}" in found_keys)
    return [f"item:{i.pk}" for i in sorted(chosen, key=lambda i: i.submitted_at, reverse=True)]


def test_newest_first_follows_the_date(corpus):
    result = search(EVERYONE, "工作", per_page=30)
    dates = [h.doc.date for h in result.hits]
    assert dates == sorted(dates, reverse=True)
    assert [h.doc.key for h in result.hits] == newest_keys(corpus, "工作")[:30]


def test_newest_first_pages_hold_exactly_the_newest_matches(corpus):
    """Terms whose bigrams must be confirmed in the text (three characters and more, long
    exclusions): each page of ten holds the next ten matches by date, none skipped."""
    cases = [*sample_terms(corpus, 3, 6), *sample_terms(corpus, 4, 4), "安全生产", "会议 -部署"]
    cases += ["工作 -安全生产", "隐患排查 -“火灾”"]
    for raw in cases:
        expected = newest_keys(corpus, raw)
        for page in (1, 2):
            result = search(EVERYONE, raw, per_page=10, page=page)
            assert [h.doc.key for h in result.hits] == expected[(page - 1) * 10 : page * 10], raw
            assert result.has_next == (len(expected) > page * 10), raw


class _EveryTokenOnEveryDocument(dict[str, float]):
    """Planner statistics claiming every token is on every document."""

    def get(self, key, default=None):
        return 1.0


@pytest.mark.parametrize("statistics", ["none", "every token common", "every token rare"])
@pytest.mark.parametrize("rows, shift", [(7, 26), (60, 22), (60, 20)])
def test_newest_first_in_windows_of_ids_holds_exactly_the_newest_matches(
    corpus, settings, tmp_path, monkeypatch, rows, shift, statistics
):
    """A newest-first page is looked for among the newest documents first: on SQLite by the
    tantivy index (the newest 1/4`rows` then 1/`rows` of the id range), on PostgreSQL among
    the time buckets holding the newest `rows` // 4 then `rows` documents (the corpus spans 70
    days: buckets of 12 days, 18 hours, and 4.5 hours, too many for a window). PostgreSQL
    tries the narrow window only for terms its statistics call common, no window for terms
    they call rare, and tests groups of tokens they call broad (the reader's grants here) on
    the rows: without statistics, the wide window only; claiming every token common, both
    windows and the rows; claiming every token rare, the whole search — whatever the truth.
    Frequent and rare terms,
    pages deep enough to need more than the window, and a date range: each page the next
    matches by date."""
    if connection.vendor == "sqlite":
        if statistics != "none":
            pytest.skip("PostgreSQL's statistics")
        settings.SEARCH_INDEX = "tantivy"
        settings.SEARCH_INDEX_DIR = tmp_path / "windows"
        monkeypatch.setattr(tantivy_index, "WINDOWS_FROM", 0)
        monkeypatch.setattr(tantivy_index, "WINDOWS", (rows * 4, rows))  # shares of the range
    else:
        monkeypatch.setattr(backends, "WINDOW_ROWS", (rows // 4, rows))
        monkeypatch.setattr(backends, "BUCKET_SHIFT", shift)
        shares = {
            "none": backends.Shares({}, None),
            "every token common": backends.Shares(_EveryTokenOnEveryDocument(), 1.0),
            "every token rare": backends.Shares({}, 1e-9),
        }[statistics]
        monkeypatch.setattr(backends.PostgresIndex, "_shares_read", (math.inf, shares))
    cases = ["工作", "会", "安全生产", "会议 -部署", *sample_terms(corpus, 2, 4)]
    cases += sample_terms(corpus, 3, 4)
    for raw in cases:
        expected = newest_keys(corpus, raw)
        for page in (1, 2, 4, 25):  # 25: deeper than WINDOW_DEEP
            result = search(EVERYONE, raw, per_page=5, page=page)
            assert [h.doc.key for h in result.hits] == expected[(page - 1) * 5 : page * 5], raw
            assert result.has_next == (len(expected) > page * 5), raw
    dates = sorted(i.submitted_at for i in corpus)
    middle = Filters(date_from=dates[len(dates) // 4].date(), date_to=dates[len(dates) // 2].date())
    inside = [
        f"item:{i.pk}"
        for i in sorted(corpus, key=lambda i: i.submitted_at, reverse=True)
        if middle.date_from <= timezone.localdate(i.submitted_at) <= middle.date_to
        and f"item:{i.pk}" in brute(corpus, "工作")
    ]
    result = search(EVERYONE, "工作", middle, per_page=5)
    assert [h.doc.key for h in result.hits] == inside[:5]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's time buckets")
def test_documents_indexed_before_time_buckets_are_still_found_newest_first(corpus, monkeypatch):
    """Documents indexed before their tokens held their time bucket's (until the next
    rebuild after migration 0006): windows find none of them, and the whole search answers."""
    monkeypatch.setattr(backends, "WINDOW_ROWS", (2, 7))
    index.ensure_fresh()
    buckets = "ARRAY(SELECT lexeme FROM unnest(tokens) WHERE lexeme LIKE 'w%%')"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {backends.DOCS} SET tokens = ts_delete(tokens, {buckets})")
        assert cursor.rowcount == len(corpus)
        cursor.execute(f"SELECT count(*) FROM {backends.DOCS} WHERE cardinality({buckets}) > 0")
        assert cursor.fetchone()[0] == 0
    for raw in ["工作", "会", "安全生产", "会议 -部署"]:
        expected = newest_keys(corpus, raw)
        result = search(EVERYONE, raw, per_page=5)
        assert [h.doc.key for h in result.hits] == expected[:5], raw


RANKED = ["工作", "火灾", "会", "安全生产", "会议 工作", "报告 -通报", "城南区 排查"]
RANKED += ["工作 泥石流", "会 水库 泄漏", "泥石流", "城南区"]

# BM25 as the search page documents it (Lucene's form): k1 = 1.2, b = 0.75, the title counted
# three times, a document's length in normalised characters against the corpus's average; a
# term's weight is the sum of its distinct character pairs' idf (a one-character term: the
# character's), and a query of one term ranks by its impact alone.
K1, B, TITLE = 1.2, 0.75, 3


def occurrences(text, term):
    return sum(1 for i in range(len(text) - len(term) + 1) if text.startswith(term, i))


def bm25_order(raw):
    truth = Truth()
    docs = dict(truth.documents)
    n = len(docs)
    average = sum(len(t) + len(b) for t, b in docs.values()) / n
    terms, _excluded = split(raw)
    terms = list(dict.fromkeys(terms))

    def grams(term):
        return [term] if len(term) == 1 else list({term[i : i + 2] for i in range(len(term) - 1)})

    def idf(gram):
        df = sum(1 for t, b in docs.values() if gram in t or gram in b)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    weights = {t: 1.0 if len(terms) == 1 else sum(idf(g) for g in grams(t)) for t in terms}
    scored = []
    for key in truth.found(raw):
        title, body = docs[key]
        norm = K1 * (1 - B + B * (len(title) + len(body)) / average)
        score = 0.0
        for term, weight in weights.items():
            f = TITLE * occurrences(title, term) + occurrences(body, term)
            if f:
                score += weight * f / (f + norm) * (K1 + 1)
        scored.append((score, key))
    ids = dict(Document.objects.values_list("key", "id"))
    return [key for score, key in sorted(scored, key=lambda x: (-round(x[0], 9), -ids[x[1]]))]


@pytest.mark.parametrize("raw", RANKED)
@pytest.mark.parametrize("way", ["every match", "tiers", "one tier a step", "batches of one"])
def test_relevance_order_is_the_exact_bm25_order(corpus, raw, way, monkeypatch):
    """Every way of ranking. FTS5 and PostgreSQL: reading every match, and the tiers with their
    early stop (several terms' tiers read several at a step, or one at a time). tantivy: the
    matches in the order of their bound (common words of several characters by tiers), in
    batches of the default size, or of one page at a time for every word. Every document was
    indexed in one write, so each ranks against the corpus's true average."""
    if way != "every match":
        monkeypatch.setattr(ranking, "SCORE_ALL", 0)
    if way == "one tier a step":
        monkeypatch.setattr(ranking, "BAND_STEPS", ())
    if way == "batches of one":
        monkeypatch.setattr(ranking, "BOUND_BATCH", 1)
        monkeypatch.setattr(ranking, "BOUND_GROWTH", 2)
        monkeypatch.setattr(ranking, "COMMON_TERM", 1.01)  # words of several grams too
    page1 = search(EVERYONE, raw, sort=SortOrder.RELEVANCE, per_page=10)
    page2 = search(EVERYONE, raw, sort=SortOrder.RELEVANCE, per_page=10, page=2)
    expected = bm25_order(raw)
    assert [h.doc.key for h in page1.hits] == expected[:10]
    assert [h.doc.key for h in page2.hits] == expected[10:20]
    assert page1.total == len(expected)


def file_at_once(officer, bodies: list[str]) -> None:
    """Items with these bodies, filed and indexed in one write: every document ranks against
    the same average."""
    now = timezone.now()
    InfoItem.objects.bulk_create(
        InfoItem(
            unit=officer.unit,
            author=officer,
            kind=ItemKind.NEWS,
            state=ItemState.FILED,
            title=f"第{i}号",
            body=body,
            submitted_at=now - timedelta(hours=i),
            revision_count=1,
        )
        for i, body in enumerate(bodies)
    )
    index.ensure_fresh()


@pytest.mark.parametrize("raw", ["水库 泄漏", "泄漏", "水库"])
def test_matches_below_every_tier_rank_exactly_by_their_length(officer_a, monkeypatch, raw):
    """Sixty documents holding the terms once, and ten long ones holding 水库 twice: nearly all
    are below every tier, where tantivy reads them in the order of the bound their length
    gives, in batches (the long ones first: two occurrences could score that much), scoring
    single occurrences from the length alone and the others from the text. Each page, the
    exact BM25 order."""
    monkeypatch.setattr(ranking, "BOUND_BATCH", 1)
    monkeypatch.setattr(ranking, "BOUND_GROWTH", 2)
    rnd = random.Random(5)
    filler = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
    bodies = []
    for i in range(70):
        long = i % 7 == 0
        size = rnd.randint(1000, 1100) if long else rnd.randint(380, 460)
        words = ["水库", "泄漏", "水库"] if long else ["水库", "泄漏"]
        text = [rnd.choice(filler) for _ in range(size)]
        for at, word in zip(sorted(rnd.sample(range(size), len(words))), words, strict=True):
            text[at] += word
        bodies.append("".join(text))
    file_at_once(officer_a, bodies)
    expected = bm25_order(raw)
    assert len(expected) == 70
    for page in range(1, 7):
        result = search(EVERYONE, raw, sort=SortOrder.RELEVANCE, per_page=4, page=page)
        assert [h.doc.key for h in result.hits] == expected[(page - 1) * 4 : page * 4], page


def test_a_common_phrase_ranks_documents_with_only_some_grams_at_a_tier(officer_a):
    """A word of several characters in most documents reads whole tiers where every gram of it
    has reached the tier, then the rest by their length. Ten short documents repeat 乙丙 (a
    tier there) but hold 甲乙 once (below every tier): not every gram tiered, and the gram the
    term is bounded by (乙丙) not below every tier either. They hold 甲乙丙 once and are the
    shortest, so they lead the exact order."""
    rnd = random.Random(9)
    filler = "子丑寅卯辰巳午未申酉戌亥"
    bodies = []
    for i in range(60):
        few = i < 10
        text = [
            rnd.choice(filler)
            for _ in range(rnd.randint(380, 400) if few else rnd.randint(420, 460))
        ]
        words = ["甲乙丙"] + (["乙丙"] * 6 if few else ["甲乙"] * 3)
        for at, word in zip(sorted(rnd.sample(range(len(text)), len(words))), words, strict=True):
            text[at] += word
        bodies.append("".join(text))
    file_at_once(officer_a, bodies)
    expected = bm25_order("甲乙丙")
    assert len(expected) == 60
    result = search(EVERYONE, "甲乙丙", sort=SortOrder.RELEVANCE, per_page=15)
    assert [h.doc.key for h in result.hits] == expected[:15]


def test_highlighted_snippets_are_escaped(officer_a):
    from submissions import actions
    from tests.factories import content

    actions.do_create_item(
        officer_a, content(title="<b>火灾</b>通报", body="城南<script>alert(1)</script>发生火灾。")
    )
    hit = search(EVERYONE, "火灾").hits[0]
    assert "<mark>火灾</mark>" in hit.title and "&lt;b&gt;" in hit.title
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<mark>火灾</mark>" in hit.snippet
