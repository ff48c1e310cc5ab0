"""The point table as pure functions: no database."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from scoring import rules
from scoring.rules import AdoptionFact, Facts, InstructionFact, Rule, SolicitedFact, TaskFact

SH = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 3, 10, 17, 0, tzinfo=SH)
DAY = date(2026, 3, 2)
D = Decimal

TABLE = [
    Rule("adoption-city", rules.ADOPTION, D(4), "city"),
    Rule("adoption-province", rules.ADOPTION, D(20), "province", forwarded_multiplier=D(2)),
    Rule("adoption-central", rules.ADOPTION, D(50), "central", forwarded_multiplier=D(5)),
    Rule("adoption-special", rules.ADOPTION, D(10), "city", publication_id=7),
    Rule("instruction-city", rules.INSTRUCTION, D(10), "city"),
    Rule("instruction-province", rules.INSTRUCTION, D(30), "province"),
    Rule("feedback-late", rules.FEEDBACK_LATE, D(-5)),
    Rule("feedback-missing", rules.FEEDBACK_MISSING, D(-10)),
    Rule("solicitation-missed", rules.SOLICITATION_MISSED, D(-10)),
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
