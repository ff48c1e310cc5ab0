"""What changed between two versions of a text, down to the character (Chinese has no spaces).

`compare(old, new)` returns segments whose "equal" and "delete" parts spell the old text and
whose "equal" and "insert" parts spell the new one, whatever the texts are.

A character comparison (difflib's SequenceMatcher) costs up to len(old) × len(new) steps: at the
body's maximum length that is 400 million, and a revision page with one character changed took
25 s. So the comparison narrows down before it compares characters:

1. The common start and end are cut off (linear time). The usual edit — a figure corrected, a
   sentence added — is then a few characters wide.
2. A wide remainder is compared sentence by sentence (a sentence ends after 。！？；!?; or a
   newline), anchored on sentences that occur once in each version; the changed runs of
   sentences clause by clause (after ，、：,: or a space) the same way; and only pieces that are
   small enough character by character, each piece again with its common start and end cut
   off first.
3. Every comparison is charged to a work budget sized so the worst case stays well under a
   second at the maximum length. Only texts made to be hard exhaust it (thousands of repeated
   sentences, a two-letter alphabet, a long run with no punctuation rewritten here and there);
   what is left is then shown as deleted and inserted whole: coarser, still exact.
"""

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import Match, SequenceMatcher
from itertools import accumulate
from typing import Literal

# The item body's maximum length in characters (`ItemForm.clean_body` refuses longer ones);
# the benchmark measures the comparison at this length.
BODY_MAX_LENGTH = 20_000

# Work is counted in SequenceMatcher's inner steps (one pair of equal characters or sentences
# it looks at, a few tenths of a microsecond each), charged before each search for a longest
# match. The budget bounds the whole comparison; measured worst cases are in docs/BENCHMARKS.md
# ("Revision diffs").
WORK_BUDGET = 500_000
# Pieces of up to this many character pairs are compared by characters straight away ...
CHARS_AT_ONCE = 40_000  # e.g. 200 × 200 characters
# ... and one character comparison may spend at most this much of the budget.
PIECE_WORK = 250_000

_CLOSERS = "”’」』）)》〉】"
# Coarse to fine: sentences, then clauses. A token keeps its closing marks (and a closing quote
# after them), so the tokens of a text always join back into the text.
_LEVELS = tuple(
    re.compile(rf"[^{ends}]*[{ends}]+[{_CLOSERS}]*|[^{ends}]+")
    for ends in ("。！？；!?;\n", "，、：,:\\s")
)

Op = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


def compare(old: str, new: str, *, budget: int = WORK_BUDGET) -> list[Segment]:
    """The changes from `old` to `new`, as few segments as possible, in reading order."""
    comparison = _Comparison(budget)
    comparison.narrow(old, new, 0)
    return _tidy(comparison.out)


class _OutOfWork(Exception):
    pass


class _Matcher(SequenceMatcher[str]):
    """SequenceMatcher that pays for each search for a longest match before it runs.

    A search over a[alo:ahi] steps through, for each a[i], the positions of b that hold a[i]
    (junk aside): prefix sums of those counts price a search in constant time, and
    `_OutOfWork` stops the comparison when the allowance cannot pay.

    With `unique_anchors` (for sentences and clauses) a match can only start at a token that
    occurs once in each text, patience diff's idea: a sentence that recurs elsewhere cannot pull
    the alignment away from where the text really corresponds. Recurring tokens still join a
    match next to an anchor, and whatever is left unmatched is compared more finely.
    """

    def __init__(
        self, a: Sequence[str], b: Sequence[str], allowance: int, *, unique_anchors: bool
    ) -> None:
        in_b = Counter(b)
        isjunk: Callable[[str], bool] | None = None
        if unique_anchors:
            in_a = Counter(a)

            def isjunk(token: str) -> bool:
                return in_a[token] != 1 or in_b[token] != 1

        super().__init__(isjunk, a, b, autojunk=False)
        steps = (0 if isjunk and isjunk(x) else in_b[x] for x in a)
        self.steps = [0, *accumulate(n + 1 for n in steps)]
        self.allowance = allowance - len(a) - len(b)  # indexing b, pricing a
        if self.allowance < 0:
            raise _OutOfWork

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> Match:
        ahi = len(self.steps) - 1 if ahi is None else ahi
        self.allowance -= self.steps[ahi] - self.steps[alo]
        if self.allowance < 0:
            raise _OutOfWork
        return super().find_longest_match(alo, ahi, blo, bhi)


class _Comparison:
    def __init__(self, budget: int) -> None:
        self.left = budget
        self.out: list[Segment] = []

    def narrow(self, a: str, b: str, level: int) -> None:
        """Cut off the common start and end, then compare what remains at `level`."""
        head = _common_head(a, b)
        tail = _common_tail(a, b, head)
        self.out.append(Segment("equal", a[:head]))
        self.middle(a[head : len(a) - tail], b[head : len(b) - tail], level)
        self.out.append(Segment("equal", a[len(a) - tail :]))

    def middle(self, a: str, b: str, level: int) -> None:
        if not a or not b or len(a) * len(b) <= CHARS_AT_ONCE or level == len(_LEVELS):
            self.characters(a, b)
            return
        a_tokens, b_tokens = _LEVELS[level].findall(a), _LEVELS[level].findall(b)
        if len(a_tokens) == 1 and len(b_tokens) == 1:
            self.middle(a, b, level + 1)  # nothing to split on here: try finer marks
            return
        opcodes = self.opcodes(a_tokens, b_tokens, self.left, unique_anchors=True)
        if opcodes is not None and len(opcodes) == 1:
            # No token occurs once on each side and matches (a text pasted twice): match
            # recurring tokens too, if that can be paid for.
            opcodes = self.opcodes(a_tokens, b_tokens, self.left, unique_anchors=False) or opcodes
        if opcodes is None:
            self.replace(a, b)
            return
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                self.out.append(Segment("equal", "".join(a_tokens[i1:i2])))
            else:
                self.narrow("".join(a_tokens[i1:i2]), "".join(b_tokens[j1:j2]), level + 1)

    def characters(self, a: str, b: str) -> None:
        opcodes = (
            self.opcodes(a, b, min(self.left, PIECE_WORK), unique_anchors=False)
            if a and b
            else None
        )
        if opcodes is None:
            self.replace(a, b)
            return
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                self.out.append(Segment("equal", a[i1:i2]))
            else:
                self.replace(a[i1:i2], b[j1:j2])

    def opcodes(
        self, a: Sequence[str], b: Sequence[str], allowance: int, *, unique_anchors: bool
    ) -> list[tuple[str, int, int, int, int]] | None:
        """SequenceMatcher's opcodes, or None when they would cost more than `allowance`."""
        matcher: _Matcher | None = None
        try:
            matcher = _Matcher(a, b, allowance, unique_anchors=unique_anchors)
            return list(matcher.get_opcodes())
        except _OutOfWork:
            return None
        finally:
            spent = allowance - matcher.allowance if matcher else 0
            self.left = max(0, self.left - spent)

    def replace(self, a: str, b: str) -> None:
        self.out += [Segment("delete", a), Segment("insert", b)]


def _common_head(a: str, b: str) -> int:
    """Length of the longest common prefix, by halving (each step one comparison in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[low:mid] == b[low:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_tail(a: str, b: str, head: int) -> int:
    """Length of the longest common suffix that does not reach into the first `head` chars."""
    low, high = 0, min(len(a), len(b)) - head
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid : len(a) - low] == b[len(b) - mid : len(b) - low]:
            low = mid
        else:
            high = mid - 1
    return low


def _tidy(segments: list[Segment]) -> list[Segment]:
    """Drop empty segments, join neighbours of the same kind, and show each change between two
    unchanged stretches as one deletion followed by one insertion."""
    tidy: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            tidy.append(Segment("delete", "".join(deleted)))
        if inserted:
            tidy.append(Segment("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for segment in segments:
        if not segment.text:
            continue
        if segment.op == "delete":
            deleted.append(segment.text)
        elif segment.op == "insert":
            inserted.append(segment.text)
        else:
            flush()
            if tidy and tidy[-1].op == "equal":
                tidy[-1] = Segment("equal", tidy[-1].text + segment.text)
            else:
                tidy.append(segment)
    flush()
    return tidy
