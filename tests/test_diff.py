"""The revision diff (submissions.diff.compare): exact for every input, and as small as the edit.

Ground truth is the edit itself: the segments must spell the old and the new text, and an edit
made of characters the text does not contain can only be shown as those characters.
"""

import random
from itertools import pairwise

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from submissions import actions, diff
from submissions.diff import Segment, compare
from tests.factories import content
from xinbao.core.inputs import MAX_BODY_LENGTH
from xinbao.demo.items import ITEMS

# Real report text, about 10,000 characters, no sentence twice.
DEMO_TEXT = "\n".join(p for item in ITEMS for p in item.body)
# A body of the maximum length (the demo text again and again: sentences repeat).
LONGEST = (DEMO_TEXT + "\n") * (MAX_BODY_LENGTH // len(DEMO_TEXT) + 1)
LONGEST = LONGEST[:MAX_BODY_LENGTH]
# Never in the demo text, so an edit made of them has one smallest diff.
MARKS = "※★◆"

# Characters that reach every way the comparison splits a text: sentence and clause marks,
# newlines, spaces, closing quotes, Latin, emoji and a rare CJK character outside the BMP.
ALPHABET = "汛期安全生产会议召开部署。，、；！？\n ：”）abc1😀𠀀"
texts = st.text(alphabet=ALPHABET, max_size=300)
# Budgets from none at all to the default: the result must be exact whatever is left to spend.
budgets = st.sampled_from([0, 1, 30, 2_000, diff.WORK_BUDGET])


def spelled(segments: list[Segment]) -> tuple[str, str]:
    old = "".join(s.text for s in segments if s.op != "insert")
    new = "".join(s.text for s in segments if s.op != "delete")
    return old, new


def assert_exact(old: str, new: str, segments: list[Segment]) -> None:
    assert spelled(segments) == (old, new)
    assert all(s.text for s in segments)
    assert all(s.op in ("equal", "delete", "insert") for s in segments)
    # Between two unchanged stretches: at most one deletion, then at most one insertion.
    for before, after in pairwise(segments):
        assert before.op != after.op
        assert (before.op, after.op) != ("insert", "delete")


def changed(segments: list[Segment]) -> tuple[int, int]:
    deleted = sum(len(s.text) for s in segments if s.op == "delete")
    inserted = sum(len(s.text) for s in segments if s.op == "insert")
    return deleted, inserted


def apply(text: str, edits: list[tuple[float, int, str]]) -> str:
    """Each edit: at a fraction of the text, delete some characters and insert a string."""
    for where, cut, put in edits:
        at = int(where * len(text))
        text = text[:at] + put + text[at + cut :]
    return text


# --- exact for any input ----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(old=texts, new=texts, budget=budgets)
def test_the_segments_spell_both_texts(old, new, budget):
    assert_exact(old, new, compare(old, new, budget=budget))


@settings(max_examples=200, deadline=None)
@given(
    old=texts,
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 20), texts), max_size=5),
    budget=budgets,
)
def test_an_edited_text_is_spelled_exactly(old, edits, budget):
    new = apply(old, edits)
    assert_exact(old, new, compare(old, new, budget=budget))


@settings(max_examples=25, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 3000), st.text(ALPHABET, max_size=2000)),
        min_size=1,
        max_size=40,
    )
)
def test_edits_anywhere_in_a_body_of_the_maximum_length_are_spelled_exactly(edits):
    new = apply(LONGEST, edits)
    assert_exact(LONGEST, new, compare(LONGEST, new))


@pytest.mark.parametrize("alphabet", ["ab", "ab。", "啊。哦。\n", "甲，乙。丙\n"])
def test_texts_made_to_be_hard_are_still_spelled_exactly(alphabet):
    # Few distinct characters or sentences: the work budget runs out and a stretch is shown
    # as replaced whole, which is still exact.
    rng = random.Random(alphabet)
    old = "".join(rng.choice(alphabet) for _ in range(MAX_BODY_LENGTH))
    scattered = list(old)
    for at in range(0, MAX_BODY_LENGTH, 97):
        scattered[at] = rng.choice(alphabet)
    rewritten = "".join(rng.choice(alphabet) for _ in range(MAX_BODY_LENGTH))
    for new in ("".join(scattered), rewritten):
        assert_exact(old, new, compare(old, new))


@settings(max_examples=100, deadline=None)
@given(text=texts | st.just(LONGEST))
def test_an_unchanged_text_shows_no_change(text):
    assert compare(text, text) == ([Segment("equal", text)] if text else [])


def test_with_no_work_left_a_change_is_shown_whole_between_the_unchanged_ends():
    assert compare("召开防汛会议", "召开安全生产会议", budget=0) == [
        Segment("equal", "召开"),
        Segment("delete", "防汛"),
        Segment("insert", "安全生产"),
        Segment("equal", "会议"),
    ]


# --- as small as the edit ---------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(at=st.integers(0, MAX_BODY_LENGTH - 1), mark=st.sampled_from(MARKS))
def test_one_changed_character_of_the_longest_body_is_shown_as_that_character(at, mark):
    new = LONGEST[:at] + mark + LONGEST[at + 1 :]
    expected = [
        Segment("equal", LONGEST[:at]),
        Segment("delete", LONGEST[at]),
        Segment("insert", mark),
        Segment("equal", LONGEST[at + 1 :]),
    ]
    assert compare(LONGEST, new) == [s for s in expected if s.text]


@settings(max_examples=40, deadline=None)
@given(at=st.integers(0, MAX_BODY_LENGTH), size=st.integers(1, 2000))
def test_a_passage_added_or_removed_anywhere_is_shown_as_that_passage(at, size):
    passage = (MARKS * size)[:size]
    added = LONGEST[:at] + passage + LONGEST[at:]
    assert changed(compare(LONGEST, added)) == (0, size)
    removed = LONGEST[:at] + LONGEST[at + size :]
    assert changed(compare(LONGEST, removed)) == (len(LONGEST) - len(removed), 0)


@settings(max_examples=60, deadline=None)
@given(
    positions=st.sets(st.integers(0, len(DEMO_TEXT) - 1), min_size=1, max_size=400),
    mark=st.sampled_from(MARKS),
)
def test_scattered_changed_characters_are_each_shown_as_one_character(positions, mark):
    # Every paragraph may be touched, several characters in one sentence, side by side.
    new = "".join(mark if i in positions else c for i, c in enumerate(DEMO_TEXT))
    segments = compare(DEMO_TEXT, new)
    assert_exact(DEMO_TEXT, new, segments)
    assert changed(segments) == (len(positions), len(positions))


@settings(max_examples=40, deadline=None)
@given(
    places=st.sets(st.integers(0, len(DEMO_TEXT)), min_size=1, max_size=100),
    words=st.sampled_from(["※", "★◆", "※★◆※"]),
)
def test_scattered_insertions_are_each_shown_as_what_was_inserted(places, words):
    new = DEMO_TEXT
    for at in sorted(places, reverse=True):
        new = new[:at] + words + new[at:]
    assert changed(compare(DEMO_TEXT, new)) == (0, len(words) * len(places))


# --- on the page ------------------------------------------------------------------------------


def test_the_revision_page_of_the_longest_body_shows_the_one_changed_character(
    officer_a, client_of
):
    item = actions.do_create_item(officer_a, content(body=LONGEST))
    body = item.body
    at = next(i for i in range(len(body) // 2, len(body)) if "\u4e00" <= body[i] <= "\u9fff")
    actions.do_revise(officer_a, item.pk, content(body=body[:at] + "※" + body[at + 1 :]))

    page = client_of(officer_a).get(reverse("submissions:revision", args=[item.pk, 2]))

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<del>") == html.count("<ins>") == 1
    assert f"<del>{body[at]}</del><ins>※</ins>" in html
