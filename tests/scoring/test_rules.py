"""The point table as pure functions: no database."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from scoring import rules
from scoring.models import RuleKind
from scoring.rules import (
    AdoptionFact,
    Facts,
    InstructionFact,
    MonthCount,
    QuotaFact,
    Rule,
    SolicitedFact,
    TaskFact,
    ViolationFact,
)
from tests.clock import LAST_YEAR, YEAR

SH = ZoneInfo("Asia/Shanghai")
DUE = datetime(YEAR, 3, 10, 17, 0, tzinfo=SH)
DAY = date(YEAR, 3, 2)
D = Decimal

TABLE = [
    Rule("adoption-city", RuleKind.ADOPTION, D(4), "city"),
    Rule("adoption-province", RuleKind.ADOPTION, D(20), "province", forwarded_multiplier=D(2)),
    Rule("adoption-central", RuleKind.ADOPTION, D(50), "central", forwarded_multiplier=D(5)),
    Rule("adoption-special", RuleKind.ADOPTION, D(10), "city", publication_id=7),
    Rule("instruction-city", RuleKind.INSTRUCTION, D(10), "city"),
    Rule("instruction-province", RuleKind.INSTRUCTION, D(30), "province"),
    Rule("feedback-late", RuleKind.FEEDBACK_LATE, D(-5)),
    Rule("feedback-missing", RuleKind.FEEDBACK_MISSING, D(-10)),
    Rule("solicitation-missed", RuleKind.SOLICITATION_MISSED, D(-10)),
]


def lines(as_of: datetime = DUE, **facts) -> list[tuple[int, Decimal, str]]:
    return [(x.unit, x.points, x.rule) for x in rules.ledger_lines(Facts(**facts), TABLE, as_of)]


def adoption(level: str, pub: int = 1, units: tuple[int, ...] = (1,), **kw) -> AdoptionFact:
    return AdoptionFact(
        id=kw.pop("id", 1), units=units, publication_id=pub, level=level, on=DAY, **kw
    )


def test_it_scores_an_adoption_by_level():
    assert lines(adoptions=[adoption("city")]) == [(1, D(4), "adoption-city")]
    assert lines(adoptions=[adoption("province")]) == [(1, D(20), "adoption-province")]
    assert lines(adoptions=[adoption("central")]) == [(1, D(50), "adoption-central")]


def test_a_publication_rule_overrides_the_level():
    assert lines(adoptions=[adoption("city", pub=7)]) == [(1, D(10), "adoption-special")]


def test_a_forwarded_item_carries_the_multiplier_upward_only():
    assert lines(adoptions=[adoption("province", forwarded=True)]) == [
        (1, D(40), "adoption-province")
    ]
    assert lines(adoptions=[adoption("central", forwarded=True)]) == [
        (1, D(250), "adoption-central")
    ]
    assert lines(adoptions=[adoption("city", forwarded=True)]) == [(1, D(4), "adoption-city")]


def test_a_joint_item_is_split_exactly_to_the_cent():
    got = lines(adoptions=[adoption("city", pub=7, units=(5, 6, 7))])
    assert got == [
        (5, D("3.34"), "adoption-special"),
        (6, D("3.33"), "adoption-special"),
        (7, D("3.33"), "adoption-special"),
    ]
    assert sum(p for _, p, _ in got) == D(10)


def test_a_unit_named_twice_on_a_joint_item_is_counted_once():
    assert rules.split(D(4), [1, 2, 1]) == [(1, D(2)), (2, D(2))]


def instruction(id: int, level: str, item: int = 1, on: date = DAY) -> InstructionFact:
    return InstructionFact(id=id, item_id=item, units=(1,), level=level, on=on)


def test_instructions_at_one_level_do_not_stack():
    got = rules.ledger_lines(
        Facts(instructions=[instruction(2, "city"), instruction(1, "city")]), TABLE, DUE
    )
    assert [(x.points, x.source_id) for x in got] == [(D(10), 1)]


def test_instructions_at_different_levels_stack():
    got = lines(instructions=[instruction(1, "city"), instruction(2, "province")])
    assert sorted(got) == [(1, D(10), "instruction-city"), (1, D(30), "instruction-province")]


def test_instructions_on_different_items_each_count():
    got = lines(instructions=[instruction(1, "city", item=1), instruction(2, "city", item=2)])
    assert got == [(1, D(10), "instruction-city"), (1, D(10), "instruction-city")]


def task(filed_at: datetime | None) -> TaskFact:
    return TaskFact(id=1, unit=3, due_at=DUE, due_on=DUE.date(), filed_at=filed_at)


def test_feedback_on_time_costs_nothing():
    assert lines(DUE + timedelta(days=9), tasks=[task(DUE - timedelta(hours=1))]) == []


def test_feedback_filed_late_costs_points():
    assert lines(tasks=[task(DUE + timedelta(minutes=1))]) == [(3, D(-5), "feedback-late")]


def test_feedback_missing_costs_more_but_only_after_the_deadline():
    assert lines(DUE, tasks=[task(None)]) == []
    assert lines(DUE + timedelta(minutes=1), tasks=[task(None)]) == [
        (3, D(-10), "feedback-missing")
    ]


def solicited(**kw) -> SolicitedFact:
    return SolicitedFact(id=1, unit=4, due_at=DUE, due_on=DUE.date(), **kw)


def test_an_unanswered_solicitation_is_a_miss_after_its_deadline():
    assert lines(DUE, solicited=[solicited()]) == []
    later = DUE + timedelta(hours=1)
    assert lines(later, solicited=[solicited()]) == [(4, D(-10), "solicitation-missed")]


def test_an_answered_or_cancelled_solicitation_is_no_miss():
    later = DUE + timedelta(days=1)
    assert lines(later, solicited=[solicited(met=True), solicited(cancelled=True)]) == []


def test_a_kind_without_an_active_rule_scores_nothing():
    assert rules.ledger_lines(Facts(adoptions=[adoption("city")]), [], DUE) == []


# --- violations ------------------------------------------------------------------------------

PENALTIES = [
    Rule("violation-late-province", RuleKind.VIOLATION, D(-100), "province", violation_kind="late"),
    Rule("violation-late-city", RuleKind.VIOLATION, D(-50), "city", violation_kind="late"),
    Rule("violation-late-base", RuleKind.VIOLATION, D(-20), "", violation_kind="late"),
    Rule(
        "violation-missed-province",
        RuleKind.VIOLATION,
        D(-200),
        "province",
        violation_kind="missed",
    ),
    Rule("violation-missed-base", RuleKind.VIOLATION, D(-40), "", violation_kind="missed"),
]


def violation(kind="late", status="confirmed", notices=(), id=1) -> ViolationFact:
    return ViolationFact(id=id, unit=9, kind=kind, status=status, on=DAY, notices=tuple(notices))


def penalties(*facts: ViolationFact, table=PENALTIES) -> list[tuple[int, Decimal, str]]:
    got = rules.ledger_lines(Facts(violations=facts), table, DUE)
    return [(x.source_id, x.points, x.rule) for x in got]


def test_a_confirmed_violation_in_no_notice_costs_the_base_points():
    assert penalties(violation()) == [(1, D(-20), "violation-late-base")]


def test_the_issuer_of_the_most_senior_issued_notice_decides_the_penalty():
    assert penalties(violation(notices=[("city", "issued")])) == [
        (1, D(-50), "violation-late-city")
    ]
    assert penalties(violation(kind="missed", notices=[("province", "issued")])) == [
        (1, D(-200), "violation-missed-province")
    ]


def test_penalties_do_not_stack_across_notices():
    named_twice = violation(
        notices=[("city", "issued"), ("province", "issued"), ("city", "issued")]
    )
    assert penalties(named_twice) == [(1, D(-100), "violation-late-province")]


def test_a_draft_notice_does_not_raise_the_penalty():
    assert penalties(violation(notices=[("province", "draft")])) == [
        (1, D(-20), "violation-late-base")
    ]


def test_without_a_rule_for_the_issuer_the_most_severe_applicable_rule_applies():
    # No city rule for missed reports: a city notice leaves the base penalty.
    assert penalties(violation(kind="missed", notices=[("city", "issued")])) == [
        (1, D(-40), "violation-missed-base")
    ]
    # A base penalty set harsher than the city's is still the most severe that applies.
    harsh = [
        *PENALTIES[:2],
        Rule("violation-late-base", RuleKind.VIOLATION, D(-70), violation_kind="late"),
    ]
    assert penalties(violation(notices=[("city", "issued")]), table=harsh) == [
        (1, D(-70), "violation-late-base")
    ]


def test_pending_waived_and_withdrawn_violations_cost_nothing():
    assert (
        penalties(
            violation(status="pending", id=1),
            violation(status="waived", id=2, notices=[("province", "issued")]),
            violation(status="withdrawn", id=3),
        )
        == []
    )


# --- quotas ----------------------------------------------------------------------------------

QUOTA = [Rule("quota-shortfall", RuleKind.QUOTA_SHORTFALL, D(-2))]


def period(month: int) -> int:
    """The quota period `month` of the pinned year, as the rule numbers it (YYYYMM)."""
    return YEAR * 100 + month


APRIL_1 = datetime(YEAR, 4, 1, 0, 0, tzinfo=SH)


def shortfalls(as_of: datetime, counts=(), since=date(YEAR, 1, 1), quota=5):
    facts = Facts(quotas=[QuotaFact(4, quota, since)], counts=list(counts))
    return [(x.source_id, x.points, x.label, x.on) for x in rules.ledger_lines(facts, QUOTA, as_of)]


def test_each_finished_month_below_the_quota_costs_points_per_missing_item():
    got = shortfalls(APRIL_1, [MonthCount(4, YEAR, 1, 5), MonthCount(4, YEAR, 2, 2)])
    assert got == [
        (period(2), D(-6), f"{YEAR}-02: 2/5", date(YEAR, 3, 1) - timedelta(days=1)),
        (period(3), D(-10), f"{YEAR}-03: 0/5", date(YEAR, 3, 31)),
    ]


def test_the_unfinished_month_is_not_charged():
    just_before = APRIL_1 - timedelta(seconds=1)
    assert [s for s, *_ in shortfalls(just_before)] == [period(1), period(2)]
    assert [s for s, *_ in shortfalls(APRIL_1)] == [
        period(1),
        period(2),
        period(3),
    ]


def test_months_before_the_quota_counts_are_not_charged():
    assert [s for s, *_ in shortfalls(APRIL_1, since=date(YEAR, 3, 1))] == [period(3)]


def test_lead_and_joint_counts_of_a_month_add_up():
    counts = [MonthCount(4, YEAR, 3, 3), MonthCount(4, YEAR, 3, 2)]  # lead, then joint items
    assert period(3) not in [s for s, *_ in shortfalls(APRIL_1, counts)]


def test_a_quota_of_zero_never_costs_anything():
    assert shortfalls(APRIL_1, quota=0) == []


# --- zeroing ---------------------------------------------------------------------------------

ZEROING = [
    Rule("adoption-city", RuleKind.ADOPTION, D(4), "city"),
    Rule("solicitation-missed", RuleKind.SOLICITATION_MISSED, D(-10)),
    Rule("zeroing", RuleKind.ZEROING, D(0), threshold=2),
]


def miss(id: int, day: int, unit: int = 1) -> SolicitedFact:
    due = datetime(YEAR, 5, day, 17, 0, tzinfo=SH)
    return SolicitedFact(id=id, unit=unit, due_at=due, due_on=due.date(), label=f"约稿{id}")


def adoptions(n: int, unit: int = 1) -> list[AdoptionFact]:
    return [adoption("city", units=(unit,), id=i) for i in range(1, n + 1)]


def zeroing(facts: Facts, as_of=datetime(YEAR, 6, 1, tzinfo=SH), table=ZEROING):
    return [x for x in rules.ledger_lines(facts, table, as_of) if x.rule == "zeroing"]


def test_the_nth_missed_solicitation_zeroes_a_positive_year():
    facts = Facts(adoptions=adoptions(10), solicited=[miss(1, 4), miss(2, 11)])
    [line] = zeroing(facts)
    # 10 adoptions × 4 − 2 misses × 10 = 20: the zeroing line takes it back to 0.
    assert (line.points, line.on, line.source_id) == (D(-20), date(YEAR, 12, 31), 2)
    total = sum(
        x.points for x in rules.ledger_lines(facts, ZEROING, datetime(YEAR, 6, 1, tzinfo=SH))
    )
    assert total == 0


def test_one_miss_fewer_than_the_threshold_zeroes_nothing():
    facts = Facts(adoptions=adoptions(10), solicited=[miss(1, 4), miss(2, 11)])
    assert zeroing(facts, as_of=datetime(YEAR, 5, 11, 18, 0, tzinfo=SH) - timedelta(hours=2)) == []
    assert zeroing(Facts(adoptions=adoptions(10), solicited=[miss(1, 4)])) == []


def test_a_negative_year_is_not_forgiven_but_still_marked_zeroed():
    facts = Facts(adoptions=adoptions(1), solicited=[miss(1, 4), miss(2, 11), miss(3, 18)])
    [line] = zeroing(facts)
    assert line.points == 0
    assert line.source_id == 2


def test_zeroing_is_off_when_its_rule_is_inactive():
    facts = Facts(adoptions=adoptions(10), solicited=[miss(1, 4), miss(2, 11)])
    assert zeroing(facts, table=ZEROING[:2]) == []


def test_misses_count_per_calendar_year_and_unit():
    december = datetime(LAST_YEAR, 12, 30, 17, 0, tzinfo=SH)
    last_year = SolicitedFact(id=9, unit=1, due_at=december, due_on=december.date())
    other_unit = miss(3, 11, unit=2)
    facts = Facts(adoptions=adoptions(10), solicited=[last_year, miss(1, 4), other_unit])
    assert zeroing(facts) == []


def test_points_are_kept_to_the_cent():
    table = [
        Rule(
            "adoption-province",
            RuleKind.ADOPTION,
            D("20.00"),
            "province",
            forwarded_multiplier=D("1.50"),
        )
    ]
    [line] = rules.ledger_lines(Facts(adoptions=[adoption("province", forwarded=True)]), table, DUE)
    assert str(line.points) == "30.00"
