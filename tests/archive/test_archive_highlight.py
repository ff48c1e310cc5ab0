"""Marking matches in the original text: offsets found in the normal form land on the
characters they came from, also where normalising changes a text's length ("……" becomes
six dots, "㈠" three characters, a letter and its combining mark one)."""

from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from archive.highlight import highlight, snippet
from archive.rules import count_overlapping, map_normalised
from archive.rules import normalise as stored_normal_form
from tests.archive.truth import normalise

# Characters that change length, merge or vanish under normalisation, beside ordinary ones.
PIECES = [
    "火",
    "灾",
    "发",
    "生",
    "國",
    "务",
    "院",
    "……",
    "㈠",
    "Ａ",
    "ﬁ",
    "e",
    "\u0301",
    " ",
    "\n",
    "\u3000",
    "가",
    "\u1161",
    "x",
]


def test_a_match_after_an_ellipsis_marks_the_original_characters():
    assert str(highlight("他说……火灾发生", ["火灾"])) == "他说……<mark>火灾</mark>发生"
    assert str(highlight("㈠火灾　发生", ["火灾"])) == "㈠<mark>火灾</mark>　发生"


def test_a_snippet_after_an_ellipsis_marks_the_match():
    text = "情况……" + "无关内容" * 20 + "突发火灾，已控制。"
    assert "<mark>火灾</mark>" in str(snippet(text, ["火灾"]))


def test_a_traditional_spelling_is_marked_where_it_stands():
    assert str(highlight("据國務院通知……", ["国务院"])) == "据<mark>國務院</mark>通知……"


@hypothesis_settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_mapped_text_is_the_normal_form_and_each_offset_comes_from_its_source(pieces):
    text = "".join(pieces)
    mapped = map_normalised(text)
    # The normal form from the benchmark's separate, simple implementation.
    assert mapped.normal == normalise(text)
    assert len(mapped.origin) == len(mapped.ends) == len(mapped.normal)
    assert mapped.origin == sorted(mapped.origin)
    for j, char in enumerate(mapped.normal):
        source = text[mapped.origin[j] : mapped.ends[j]]
        assert source, (text, j)
        assert char == " " or char in normalise(source), (text, j, source)


@hypothesis_settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="哈火灾AB", max_size=30), st.text(alphabet="哈火灾AB", max_size=4))
def test_occurrences_are_counted_overlapping_as_the_index_counts_them(text, term):
    # Ranking counts every start position: "哈哈" occurs twice in "哈哈哈".
    assert count_overlapping(text, term) == sum(
        text.startswith(term, i) for i in range(len(text) + 1)
    )


@hypothesis_settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.lists(st.sampled_from([*PIECES, "火灾", "发生火灾", "哈", "哈哈"]), max_size=80),
    st.lists(st.text(alphabet="火灾发生哈", min_size=1, max_size=4), min_size=1, max_size=4),
    st.integers(min_value=4, max_value=40),
)
# A longer term crossing the window's end takes the characters of a shorter one inside it.
@example(list("哈aaaaa火灾发xxxx"), ["哈", "火灾发", "火灾"], 8)
# ... and through a chain: the longest (past the end) beats the middle one, freeing the shortest.
@example(list("火aaaaaa灾发生哈哈哈"), ["火", "灾", "灾发生", "生哈哈哈"], 8)
def test_a_snippet_read_from_the_stored_normal_form_equals_one_mapped_from_the_text(
    pieces, terms, width
):
    """A result page passes each body's stored normal form, and the window is then read from
    it up to the window's end only. Overlapping terms (a longer one wins its characters),
    texts whose normal form shifts offsets and windows anywhere in the text mark exactly what
    the snippet computed from the text alone marks."""
    text = "".join(pieces)
    assert str(snippet(text, terms, stored_normal_form(text), width)) == str(
        snippet(text, terms, width=width)
    )
