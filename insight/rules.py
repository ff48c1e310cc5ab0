"""The archive's analysis as pure functions: duplicate signatures, merge checks and credit,
keywords and burst detection for early signs, and the small sums of the 全广新准 report.

No database and no clock: callers pass plain data and the moment they mean.

Duplicates. A record's signature is a bottom-k MinHash sketch of its character bigrams (the
shingles of `emergencies.rules`, the same ones sighting matching uses): the k smallest 32-bit
hashes of its shingles, stored with the record. Two sketches estimate the Jaccard similarity of
the two texts without reading either text, so a new record is compared with every record in
the window by reading only their signatures; the few that come close are then checked exactly
with `emergencies.rules.similarity`.
"""

import heapq
import math
import re
import statistics
import struct
import threading
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from hashlib import blake2b

import rjieba

from emergencies.rules import shingles, similarity

# --- Duplicates ------------------------------------------------------------------------------

SIGNATURE_SIZE = 128  # hashes kept per record: the estimate's standard error is ≤ 0.045
_HASH_BYTES = 4
# Estimates this far below the threshold are still checked exactly (over two standard errors),
# so the sketch never hides a pair the exact measure would show.
PREFILTER_MARGIN = 0.1


def _hash(shingle: str) -> int:
    # Python's hash() is salted per process; signatures are stored, so they must be stable.
    return int.from_bytes(blake2b(shingle.encode(), digest_size=_HASH_BYTES).digest(), "big")


def signature(text: str) -> bytes:
    """The bottom-k MinHash sketch of the text's shingles, ascending, packed big-endian."""
    smallest = heapq.nsmallest(SIGNATURE_SIZE, {_hash(s) for s in shingles(text)})
    return struct.pack(f">{len(smallest)}I", *smallest)


def _unpack(sketch: bytes) -> frozenset[int]:
    return frozenset(struct.unpack(f">{len(sketch) // _HASH_BYTES}I", sketch))


def estimate(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the texts behind two sketches (exact for short texts,
    whose sketch holds every shingle)."""
    va, vb = _unpack(a), _unpack(b)
    if not va or not vb:
        return 0.0
    union = heapq.nsmallest(SIGNATURE_SIZE, va | vb)
    both = sum(1 for h in union if h in va and h in vb)
    return both / len(union)


def prefilter(
    target: bytes, candidates: Iterable[tuple[int, bytes]], threshold: float
) -> list[int]:
    """Keys of the candidates whose estimate comes near the threshold: those worth an exact
    look. Candidates without a signature are always kept (the caller computes theirs)."""
    floor = max(threshold - PREFILTER_MARGIN, 0.0)
    return [pk for pk, sketch in candidates if not sketch or estimate(target, sketch) >= floor]


@dataclass(frozen=True)
class Likely:
    pk: int
    score: float


def confirm(
    text: str, candidates: Mapping[int, str], threshold: float, limit: int = 10
) -> list[Likely]:
    """The candidates whose exact bigram similarity reaches the threshold, most similar first."""
    scored = [Likely(pk, round(similarity(text, other), 3)) for pk, other in candidates.items()]
    kept = [s for s in scored if s.score >= threshold]
    kept.sort(key=lambda s: (-s.score, -s.pk))
    return kept[:limit]


def window(moment: datetime, days: int) -> tuple[datetime, datetime]:
    return moment - timedelta(days=days), moment + timedelta(days=days)


class MergeRefusal(StrEnum):
    SAME = "same"  # a record cannot be merged into itself
    NOT_IN_SECTION = "not_in_section"  # one of them has not reached the section
    ALREADY = "already"  # it is already merged into that record
    ELSEWHERE = "elsewhere"  # it is merged into another record: undo that first
    OWN_CREDIT = "own_credit"  # it earned credit of its own (adopted, instructed)


@dataclass(frozen=True)
class MergeFacts:
    pk: int
    in_section: bool = True
    duplicate_of: int | None = None
    has_own_credit: bool = False


def merge_refusal(duplicate: MergeFacts, main: MergeFacts) -> MergeRefusal | None:
    """Why `duplicate` cannot be merged into `main` (already resolved to its cluster's main
    record), or None. A duplicate that is itself a main record brings its cluster along."""
    if duplicate.pk == main.pk:
        return MergeRefusal.SAME
    if not (duplicate.in_section and main.in_section):
        return MergeRefusal.NOT_IN_SECTION
    if duplicate.duplicate_of == main.pk:
        return MergeRefusal.ALREADY
    if duplicate.duplicate_of is not None:
        return MergeRefusal.ELSEWHERE
    if duplicate.has_own_credit:
        return MergeRefusal.OWN_CREDIT
    return None


def merged_credit(
    lead_unit: int,
    joint_units: Set[int],
    merged_before: Set[int],
    duplicate_units: Iterable[int],
) -> tuple[frozenset[int], frozenset[int]]:
    """A main item's joint units after its cluster changed, and the part of them that comes
    from merged duplicates.

    Every unit behind a merged duplicate becomes a joint unit of the main item, so the joint
    split of the points ledger credits it. The units the item had before any merge stay, and
    a unit added by a merge leaves again when no merged duplicate brings it any more."""
    own = set(joint_units) - set(merged_before)
    merged = set(duplicate_units) - own - {lead_unit}
    return frozenset(own | merged), frozenset(merged)


# --- Early signs: keywords, weeks and bursts -------------------------------------------------

# Function words and the boilerplate of official prose: never a sign of anything. The section
# chief adds local ones in the policy row.
_STOP_TEXT = """
    一个 一些 一是 二是 三是 四是 以及 以来 以上 以下 为了 为此 主要 今年 今日 近日 目前 当前 日前
    进一步 有关 相关 其中 其他 通过 对于 关于 根据 按照 围绕 有效 不断 切实 积极 认真 全面 深入
    工作 情况 问题 方面 部分 有关部门 我市 全市 本市 我区 全区 我县 全县 单位 部门 同志 领导 群众
    开展 推进 加强 落实 召开 部署 要求 负责 进行 组织 实施 提出 做好 确保 坚持 推动 强化 发生 导致
    反映 表示 认为 已经 没有 可以 需要 能够 以后 之后 之前 同时 并且 或者 但是 因为 所以 如果
    发现 存在 解决 依靠 使用 参与 原因 做法 全部 不足 建议 进展 完成 目标 任务 措施 有关 一定
"""
BASE_STOP_WORDS = frozenset(_STOP_TEXT.split())
# rjieba part-of-speech tags whose words never carry a topic: numerals, measure words,
# punctuation, prepositions, conjunctions, particles, adverbs, pronouns, directions, time
# words, interjections, onomatopoeia and modal particles.
_DROP_TAGS = frozenset("mqxpcudrftyeoz")
_HAS_CONTENT = re.compile(r"[\u3400-\u9fffA-Za-z]")
_NUMBERISH = re.compile(r"[\d.,%％]+")


# The trends' own segmenter, so the office's vocabulary (its tags, e.g. 电动自行车) can join
# the dictionary without touching anyone else's. Words once added stay: tags are never deleted.
_SEGMENTER: rjieba.Jieba | None = None
_SEGMENTER_LOCK = threading.Lock()


def _segmenter() -> rjieba.Jieba:
    global _SEGMENTER
    if _SEGMENTER is None:
        _SEGMENTER = rjieba.Jieba()
    return _SEGMENTER


def learn_words(words: Iterable[str]) -> None:
    """Teach the trends' segmenter whole words (the office's tags)."""
    with _SEGMENTER_LOCK:
        segmenter = _segmenter()
        for word in words:
            if len(word) >= 2 and not segmenter.has_word(word):
                segmenter.add_word(word, None, "nz")


def _tag(text: str) -> list[tuple[str, str]]:
    with _SEGMENTER_LOCK:
        return list(_segmenter().tag(text))


def parse_stop_words(raw: str) -> frozenset[str]:
    return frozenset(w for w in re.split(r"[\s,，、;；]+", raw) if w)


def keywords(text: str, stop_words: Set[str] = frozenset()) -> set[str]:
    """The words of a text that can name a topic: segmented by rjieba, without stop words,
    single characters and numbers."""
    out: set[str] = set()
    for word, tag in _tag(text):
        word = word.strip()
        if len(word) < 2 or word in BASE_STOP_WORDS or word in stop_words:
            continue
        if tag != "eng" and tag[:1] in _DROP_TAGS:
            continue
        if not _HAS_CONTENT.search(word) or _NUMBERISH.fullmatch(word):
            continue
        out.add(word.lower() if tag == "eng" else word)
    return out


def week_monday(day: date) -> date:
    """The Monday of the ISO week the day falls in."""
    return day - timedelta(days=day.weekday())


def weeks_ending(monday: date, count: int) -> list[date]:
    """The Mondays of `count` ISO weeks ending with the week of `monday`, oldest first."""
    return [monday - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


@dataclass(frozen=True)
class TrendParams:
    baseline_weeks: int = 8
    min_count: int = 3
    z_threshold: float = 3.0


@dataclass(frozen=True)
class Burst:
    term: str
    current: int
    expected: float  # the count the baseline predicts for the current week
    z: float
    series: tuple[int, ...]  # the baseline weeks, oldest first, then the current week


def burst_score(
    baseline: Sequence[int],
    current: int,
    baseline_totals: Sequence[int] | None = None,
    current_total: int | None = None,
) -> tuple[float, float]:
    """The count the baseline predicts for the current week, and how far the current count
    stands above it in units of the term's own spread — never less than the Poisson spread
    √expected, nor than one document, so a flat or empty baseline does not make a small rise
    look large.

    With the weeks' totals (all documents per week) the term's *share* of each week is the
    baseline, so a busier week does not make every word rise; weeks without documents say
    nothing and are left out. Without totals every week counts as one unit."""
    if baseline_totals is None or current_total is None:
        rates = [float(c) for c in baseline]
        volume = 1.0
    else:
        rates = [c / t for c, t in zip(baseline, baseline_totals, strict=True) if t]
        volume = float(current_total)
    mean = statistics.fmean(rates) if rates else 0.0
    spread = statistics.pstdev(rates) if len(rates) > 1 else 0.0
    expected = mean * volume
    scale = max(spread * volume, math.sqrt(expected), 1.0)
    return expected, (current - expected) / scale


def bursts(
    counts: Mapping[str, Sequence[int]],
    params: TrendParams,
    totals: Sequence[int] | None = None,
) -> list[Burst]:
    """Terms whose current-week count is significantly above their own baseline.

    `counts[term]` holds one count per week, oldest first, the current week last; the weeks
    before it (up to `baseline_weeks`) are the baseline. `totals`, aligned with the weeks, are
    the documents of each week (see `burst_score`). A term is flagged when the current week
    has at least `min_count` documents with it and its score reaches `z_threshold`."""
    out = []
    window = params.baseline_weeks
    for term, series in counts.items():
        if not series:
            continue
        current = series[-1]
        if current < params.min_count:
            continue
        baseline = list(series[:-1])[-window:]
        if totals is None:
            expected, z = burst_score(baseline, current)
        else:
            base_totals = list(totals[:-1])[-window:]
            expected, z = burst_score(baseline, current, base_totals, totals[-1])
        if z >= params.z_threshold:
            out.append(Burst(term, current, round(expected, 2), round(z, 2), tuple(series)))
    out.sort(key=lambda b: (-b.z, -b.current, b.term))
    return out


# --- The 全广新准 report -----------------------------------------------------------------------


def share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def median(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def days_between(earlier: datetime, later: datetime) -> int:
    return max((later - earlier).days, 0)


def is_silent(last: datetime | None, as_of: datetime, days: int) -> bool:
    """Silent: nothing reported, or the last report more than `days` days before `as_of`."""
    return last is None or as_of - last > timedelta(days=days)


def covered_units(parents: Mapping[int, int | None], reported: Set[int]) -> set[int]:
    """Units that reported themselves or through a unit below them (a township's item covers
    its county)."""
    covered: set[int] = set()
    for unit in reported:
        seen = 0
        current: int | None = unit
        while current is not None and current not in covered and seen <= len(parents):
            covered.add(current)
            current = parents.get(current)
            seen += 1
    return covered


def item_text(title: str, body: str) -> str:
    """What an item's signature is taken over."""
    return f"{title}\n{body}"


def incident_text(title: str, place: str, first_summary: str) -> str:
    """What an incident's signature is taken over: how it was first reported."""
    return " ".join([title, place, first_summary])
