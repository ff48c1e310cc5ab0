"""The eligibility rule as a table of cases, without a database.

Default rule (DESIGN §2.5): one provincial or two municipal notices in the calendar year,
naming the unit for late, missed or false reporting of important emergency information,
serious cases — disqualify. A notice counts once however many violations it names."""

import itertools

import pytest

from accountability.models import Issuer, NoticeStatus
from accountability.rules import (
    NamedViolation,
    NoticeFact,
    Rule,
    decision_problem,
    kinds_problem,
    verdict,
)
from tests import clock

YEAR = clock.YEAR
RULE = Rule(
    provincial_notices=1,
    municipal_notices=2,
    kinds=frozenset({"late", "missed", "false"}),
    serious_only=True,
    important_only=True,
)
COUNTED = {"late", "missed", "false"}


def notices(provincial: int, municipal: int, kind: str, serious: bool, year: int = YEAR):
    violation = NamedViolation(kind=kind, serious=serious, important=True)
    ids = itertools.count(1)
    return [
        NoticeFact(next(ids), issuer, year, NoticeStatus.ISSUED, (violation,))
        for issuer, n in ((Issuer.UPPER, provincial), (Issuer.OWN, municipal))
        for _ in range(n)
    ]


CASES = list(
    itertools.product((0, 1), (0, 1, 2, 3), (True, False), ("late", "missed", "false", "concealed"))
)


@pytest.mark.parametrize(("provincial", "municipal", "serious", "kind"), CASES)
def test_the_table(provincial, municipal, serious, kind):
    qualifies = serious and kind in COUNTED
    expected_out = qualifies and (provincial >= 1 or municipal >= 2)
    v = verdict(YEAR, notices(provincial, municipal, kind, serious), RULE, reinstated=False)
    assert v.eligible is not expected_out
    assert v.disqualified_by_rule is expected_out
    assert v.reinstated is False
    assert (v.upper, v.own) == ((provincial, municipal) if qualifies else (0, 0))
    assert len(v.notice_ids) == v.upper + v.own


def test_the_table_covers_every_combination():
    assert len(CASES) == 2 * 4 * 2 * 4


@pytest.mark.parametrize(("provincial", "municipal"), [(1, 0), (0, 2), (1, 3)])
def test_a_live_reinstatement_restores_eligibility_and_says_so(provincial, municipal):
    v = verdict(YEAR, notices(provincial, municipal, "late", True), RULE, reinstated=True)
    assert (v.eligible, v.disqualified_by_rule, v.reinstated) == (True, True, True)


def test_a_reinstatement_of_a_unit_the_rule_spares_changes_nothing():
    v = verdict(YEAR, notices(0, 1, "late", True), RULE, reinstated=True)
    assert (v.eligible, v.disqualified_by_rule, v.reinstated) == (True, False, False)


def test_a_notice_of_the_previous_year_does_not_count():
    last_year = notices(1, 2, "late", True, year=YEAR - 1)
    v = verdict(YEAR, last_year, RULE, reinstated=False)
    assert (v.eligible, v.upper, v.own, v.notice_ids) == (True, 0, 0, ())


def test_several_qualifying_violations_in_one_notice_count_once():
    three = tuple(NamedViolation(k, True, True) for k in ("late", "missed", "false"))
    v = verdict(
        YEAR, [NoticeFact(7, Issuer.OWN, YEAR, NoticeStatus.ISSUED, three)], RULE, reinstated=False
    )
    assert (v.own, v.notice_ids, v.eligible) == (1, (7,), True)


def test_one_qualifying_violation_is_enough_for_a_notice_to_count():
    mixed = (NamedViolation("concealed", True, True), NamedViolation("late", True, True))
    facts = [NoticeFact(n, Issuer.OWN, YEAR, NoticeStatus.ISSUED, mixed) for n in (3, 4)]
    v = verdict(YEAR, facts, RULE, reinstated=False)
    assert (v.eligible, v.own, v.notice_ids) == (False, 2, (3, 4))


def test_draft_notices_do_not_count():
    draft = NoticeFact(
        1, Issuer.UPPER, YEAR, NoticeStatus.DRAFT, (NamedViolation("late", True, True),)
    )
    assert verdict(YEAR, [draft], RULE, reinstated=False).eligible


def test_only_important_information_counts_under_the_default_rule():
    minor = NamedViolation("late", serious=True, important=False)
    v = verdict(
        YEAR,
        [NoticeFact(1, Issuer.UPPER, YEAR, NoticeStatus.ISSUED, (minor,))],
        RULE,
        reinstated=False,
    )
    assert v.eligible and v.upper == 0


def test_the_rule_is_data_kinds_seriousness_and_importance():
    lenient = Rule(1, 2, frozenset({"concealed"}), serious_only=False, important_only=False)
    minor = NamedViolation("concealed", serious=False, important=False)
    facts = [NoticeFact(1, Issuer.UPPER, YEAR, NoticeStatus.ISSUED, (minor,))]
    assert not verdict(YEAR, facts, lenient, reinstated=False).eligible
    assert verdict(YEAR, facts, RULE, reinstated=False).eligible


@pytest.mark.parametrize(("provincial", "municipal"), [(5, 0), (0, 9)])
def test_a_threshold_of_zero_means_that_issuer_never_disqualifies(provincial, municipal):
    off = Rule(0, 0, RULE.kinds, serious_only=True, important_only=True)
    v = verdict(YEAR, notices(provincial, municipal, "late", True), off, reinstated=False)
    assert v.eligible and not v.disqualified_by_rule
    assert (v.upper, v.own) == (provincial, municipal)


def test_three_municipal_notices_disqualify_under_a_stricter_count_of_three_only():
    three = Rule(1, 3, RULE.kinds, serious_only=True, important_only=True)
    assert verdict(YEAR, notices(0, 2, "late", True), three, reinstated=False).eligible
    assert not verdict(YEAR, notices(0, 3, "late", True), three, reinstated=False).eligible


def test_the_rule_needs_a_known_kind():
    assert kinds_problem([]) == "no_kinds"
    assert kinds_problem(["late", "tardy"]) == "unknown_kind"
    assert kinds_problem(["late", "concealed"]) is None


@pytest.mark.parametrize(
    ("status", "decision", "reason", "problem"),
    [
        ("pending", "confirm", "", None),
        ("pending", "waive", "  ", "waiver_needs_reason"),
        ("pending", "waive", "系统故障，已核实", None),
        ("confirmed", "waive", "已核实", "decided"),
        ("withdrawn", "confirm", "", "decided"),
        ("pending", "delete", "", "unknown_decision"),
    ],
)
def test_the_chief_decides_pending_violations_only_and_a_waiver_needs_a_reason(
    status, decision, reason, problem
):
    assert decision_problem(status, decision, reason) == problem
