"""The pure rules of the archive analysis, without a database: signatures, merge checks and
credit, keywords, burst detection and the report's small sums."""

from datetime import UTC, datetime, timedelta

import pytest

from emergencies.rules import similarity
from insight import rules
from tests.clock import THURSDAY, YEAR, nth_weekday

FIRE_A = "东湖区金桥商厦发生火灾 金桥商厦三层一服装店起火，明火已蔓延至相邻商铺，商厦正在疏散顾客。"
FIRE_B = (
    "金桥商厦火灾 东湖区中山路金桥商厦三层服装店起火，消防正在扑救，商厦顾客已疏散，暂无人员伤亡。"
)
WELFARE = "市民政局开展冬季困难群众走访慰问 组织干部走访慰问困难群众，发放慰问金和棉被。"
# Four hundred different characters: far more shingles than a sketch keeps.
LONG = "".join(chr(0x4E00 + 7 * n) for n in range(400))


def test_the_sketch_estimates_the_exact_similarity():
    for a, b in [(FIRE_A, FIRE_B), (FIRE_A, WELFARE), (LONG, LONG[: len(LONG) // 2])]:
        estimate = rules.estimate(rules.signature(a), rules.signature(b))
        assert estimate == pytest.approx(similarity(a, b), abs=0.12)


def test_a_sketch_is_stable_and_bounded():
    assert rules.signature(FIRE_A) == rules.signature(FIRE_A)
    assert len(rules.signature(LONG)) == rules.SIGNATURE_SIZE * 4
    assert rules.estimate(rules.signature(LONG), rules.signature(LONG)) == 1.0
    assert rules.estimate(b"", rules.signature(LONG)) == 0.0


def test_prefilter_keeps_near_pairs_and_unsigned_records():
    target = rules.signature(FIRE_A)
    pool = [(1, rules.signature(FIRE_B)), (2, rules.signature(WELFARE)), (3, b"")]
    assert rules.prefilter(target, pool, 0.3) == [1, 3]


def test_confirm_orders_by_similarity_and_applies_the_threshold():
    found = rules.confirm(FIRE_A, {1: WELFARE, 2: FIRE_B, 3: FIRE_A}, 0.25)
    assert [f.pk for f in found] == [3, 2]
    assert found[0].score == 1.0


@pytest.mark.parametrize(
    ("duplicate", "main", "refusal"),
    [
        (rules.MergeFacts(1), rules.MergeFacts(1), rules.MergeRefusal.SAME),
        (rules.MergeFacts(1, in_section=False), rules.MergeFacts(2), "not_in_section"),
        (rules.MergeFacts(1), rules.MergeFacts(2, in_section=False), "not_in_section"),
        (rules.MergeFacts(1, duplicate_of=2), rules.MergeFacts(2), rules.MergeRefusal.ALREADY),
        (rules.MergeFacts(1, duplicate_of=3), rules.MergeFacts(2), rules.MergeRefusal.ELSEWHERE),
        (rules.MergeFacts(1, has_own_credit=True), rules.MergeFacts(2), "own_credit"),
        (rules.MergeFacts(1), rules.MergeFacts(2, has_own_credit=True), None),
    ],
)
def test_merge_refusals(duplicate, main, refusal):
    assert rules.merge_refusal(duplicate, main) == refusal


def test_merged_units_become_joint_units_and_leave_again():
    # Item of unit 1 with joint unit 2; duplicates from units 3 and 2 are merged in.
    joint, merged = rules.merged_credit(1, {2}, set(), [3, 2, 1])
    assert joint == {2, 3} and merged == {3}
    # The duplicate from unit 3 is taken out: unit 3 leaves, the officer's joint unit stays.
    joint, merged = rules.merged_credit(1, joint, merged, [2])
    assert joint == {2} and merged == set()


def test_keywords_drop_stop_words_single_characters_and_numbers():
    text = f"近日，甲区多个小区反映停电频繁，群众到区信访局上访，共3次。{YEAR}年"
    words = rules.keywords(text, {"小区"})
    assert {"停电", "信访局", "上访"} <= words
    assert not words & {"近日", "反映", "小区", "3", str(YEAR), "年", "，"}
    assert all(len(w) >= 2 for w in words)


def test_the_offices_words_are_kept_whole():
    text = "沿河的柳塘湾防汛点值守"
    assert "柳塘湾防汛点" not in rules.keywords(text)
    rules.learn_words(["柳塘湾防汛点"])
    assert "柳塘湾防汛点" in rules.keywords(text)


def test_weeks_are_iso_weeks_ending_with_the_chosen_one():
    thursday = nth_weekday(3, THURSDAY)
    monday = rules.week_monday(thursday)
    assert monday == thursday - timedelta(days=3)
    week = timedelta(weeks=1)
    assert rules.weeks_ending(monday, 3) == [monday - 2 * week, monday - week, monday]


PARAMS = rules.TrendParams(baseline_weeks=8, min_count=3, z_threshold=3.0)


def test_a_rising_term_is_flagged():
    found = rules.bursts({"停电": [1, 0, 1, 2, 1, 0, 1, 1, 6]}, PARAMS)
    assert [b.term for b in found] == ["停电"]
    assert found[0].current == 6
    assert found[0].expected == 0.88
    assert found[0].series == (1, 0, 1, 2, 1, 0, 1, 1, 6)


def test_a_steady_or_noisy_term_is_not_flagged():
    counts = {
        "安全": [5, 5, 5, 5, 5, 5, 5, 5, 7],  # steady: a small rise is within √5
        "信访": [0, 6, 1, 7, 0, 5, 2, 6, 9],  # noisy: its own spread covers the peak
    }
    assert rules.bursts(counts, PARAMS) == []


def test_a_new_term_needs_the_minimum_count():
    assert rules.bursts({"猪瘟": [0] * 8 + [2]}, PARAMS) == []
    assert [b.term for b in rules.bursts({"猪瘟": [0] * 8 + [3]}, PARAMS)] == ["猪瘟"]
    loose = rules.TrendParams(min_count=1, z_threshold=1.5)
    assert [b.term for b in rules.bursts({"猪瘟": [0] * 8 + [2]}, loose)] == ["猪瘟"]


def test_only_the_last_baseline_weeks_count():
    # A busy spell long ago does not hide this week's rise.
    series = [9, 9, 9, 9] + [0] * 8 + [4]
    assert [b.term for b in rules.bursts({"内涝": series}, PARAMS)] == ["内涝"]


def test_bursts_are_ordered_by_score():
    counts = {"甲": [0] * 8 + [3], "乙": [0] * 8 + [8], "丙": [1] * 8 + [9]}
    assert [b.term for b in rules.bursts(counts, PARAMS)] == ["丙", "乙", "甲"]


def test_report_sums():
    assert rules.share(1, 3) == pytest.approx(1 / 3)
    assert rules.share(0, 0) is None
    assert rules.median([3, 1, 2, 10]) == 2.5
    assert rules.median([]) is None
    now = datetime(YEAR, 3, 31, tzinfo=UTC)
    assert rules.is_silent(None, now, 30)
    assert rules.is_silent(now - timedelta(days=30, seconds=1), now, 30)
    assert not rules.is_silent(now - timedelta(days=30), now, 30)


def test_a_township_covers_its_county():
    parents = {1: None, 10: 1, 11: 10, 20: 1, 30: 1}
    assert rules.covered_units(parents, {11, 30}) == {11, 10, 1, 30}


def test_a_busier_week_does_not_make_every_term_rise():
    # Twice the items this week, and the term keeps its share of a third: no sign.
    counts = {"检查": [1, 1, 1, 1, 1, 1, 1, 1, 6]}
    totals = [3, 3, 3, 3, 3, 3, 3, 3, 18]
    assert rules.bursts(counts, PARAMS) != []
    assert rules.bursts(counts, PARAMS, totals) == []
    # The same six items in an ordinary week are a sign.
    assert [b.term for b in rules.bursts(counts, PARAMS, [3] * 9)] == ["检查"]


def test_empty_weeks_say_nothing_about_a_share():
    counts = {"停电": [0, 0, 0, 0, 1, 1, 1, 1, 7]}
    totals = [0, 0, 0, 0, 4, 4, 4, 4, 8]
    found = rules.bursts(counts, PARAMS, totals)
    assert found[0].expected == 2.0  # a quarter of eight
    assert found[0].z == 3.54  # (7 - 2) / √2
