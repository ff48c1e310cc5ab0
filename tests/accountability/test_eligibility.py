"""Eligibility from the database: the contract scoring calls (a verdict per unit in a fixed
number of queries; the disqualified set), the rule as data edited and audited, reinstatement
by a recorded decision, revocable."""

from datetime import date

import pytest

from accountability import actions, queries
from accountability import actions_notices as notice_actions
from accountability.models import EligibilityRule, Reinstatement, ViolationKind
from audit.models import AuditEntry
from tests.accountability.accountability_helpers import (
    city_notice,
    confirmed,
    province_notice,
)
from tests.clock import LAST_YEAR, YEAR
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def test_every_reporting_unit_gets_a_verdict(chief, unit_a, unit_b, section):
    verdicts = queries.eligibility(YEAR)
    assert set(verdicts) == {unit_a.pk, unit_b.pk}  # the section does not report
    assert all(v.eligible and not v.disqualified_by_rule for v in verdicts.values())


def test_one_provincial_notice_disqualifies(chief, unit_a, unit_b):
    notice = province_notice(chief, [confirmed(chief, unit_a)])
    verdict = queries.eligibility(YEAR)[unit_a.pk]
    assert (verdict.eligible, verdict.upper, verdict.notice_ids) == (False, 1, (notice.pk,))
    assert queries.disqualified_unit_ids(YEAR) == {unit_a.pk}
    assert queries.eligibility(YEAR)[unit_b.pk].eligible


def test_two_municipal_notices_disqualify_one_does_not(chief, unit_a):
    first = city_notice(chief, [confirmed(chief, unit_a)])
    assert queries.eligibility(YEAR, [unit_a.pk])[unit_a.pk].eligible
    second = city_notice(chief, [confirmed(chief, unit_a)])
    verdict = queries.eligibility(YEAR, [unit_a.pk])[unit_a.pk]
    assert (verdict.eligible, verdict.own, verdict.notice_ids) == (
        False,
        2,
        (first.pk, second.pk),
    )


def test_a_notice_naming_two_violations_of_a_unit_counts_once(chief, unit_a):
    city_notice(chief, [confirmed(chief, unit_a), confirmed(chief, unit_a, ViolationKind.MISSED)])
    verdict = queries.eligibility(YEAR, [unit_a.pk])[unit_a.pk]
    assert (verdict.own, verdict.eligible) == (1, True)


def test_only_serious_cases_count_by_default(chief, unit_a):
    province_notice(chief, [confirmed(chief, unit_a, serious=False)])
    assert queries.disqualified_unit_ids(YEAR) == set()


def test_a_notice_of_the_previous_year_does_not_count(chief, unit_a):
    province_notice(
        chief, [confirmed(chief, unit_a, on=date(LAST_YEAR, 12, 1))], on=date(LAST_YEAR, 12, 20)
    )
    assert queries.disqualified_unit_ids(LAST_YEAR) == {unit_a.pk}
    assert queries.disqualified_unit_ids(YEAR) == set()


def test_draft_notices_do_not_count(chief, unit_a):
    notice_actions.do_draft_notice(chief, [confirmed(chief, unit_a).pk])
    notice_actions.do_draft_notice(chief, [confirmed(chief, unit_a).pk])
    assert queries.disqualified_unit_ids(YEAR) == set()


def test_the_verdicts_take_a_fixed_number_of_queries(chief, django_assert_num_queries):
    units = [make_unit(f"单位{n}", code=f"u{n}") for n in range(12)]
    for unit in units[:6]:
        province_notice(chief, [confirmed(chief, unit)], number=f"省委办通〔{YEAR}〕{unit.pk}号")
    # The rule, the units, the notices' violations, the reinstatements.
    with django_assert_num_queries(4):
        verdicts = queries.eligibility(YEAR)
    assert sum(not v.eligible for v in verdicts.values()) == 6
    with django_assert_num_queries(3):
        queries.eligibility(YEAR, [u.pk for u in units])
    with django_assert_num_queries(3):
        assert len(queries.disqualified_unit_ids(YEAR)) == 6


# --- the rule is data ---------------------------------------------------------------------------


def rule_values(**change):
    return {
        "provincial_notices": 1,
        "municipal_notices": 2,
        "kinds": ["late", "missed", "false"],
        "serious_only": True,
        "important_only": True,
    } | change


def test_the_seeded_rule_is_the_founding_documents():
    rule = EligibilityRule.current()
    assert (rule.provincial_notices, rule.municipal_notices, rule.kinds) == (
        1,
        2,
        ["late", "missed", "false"],
    )
    assert rule.serious_only and rule.important_only


def test_the_chief_edits_the_rule_and_the_audit_keeps_before_and_after(chief, unit_a):
    city_notice(chief, [confirmed(chief, unit_a)])
    assert queries.eligibility(YEAR, [unit_a.pk])[unit_a.pk].eligible
    actions.do_update_rule(chief, rule_values(municipal_notices=1))
    assert not queries.eligibility(YEAR, [unit_a.pk])[unit_a.pk].eligible
    entry = AuditEntry.objects.get(action="eligibility_rule_changed")
    assert (
        entry.data["before"]["municipal_notices"],
        entry.data["after"]["municipal_notices"],
    ) == (
        2,
        1,
    )


def test_concealed_reports_count_once_the_rule_says_so(chief, unit_a):
    province_notice(chief, [confirmed(chief, unit_a, ViolationKind.CONCEALED)])
    assert queries.disqualified_unit_ids(YEAR) == set()
    actions.do_update_rule(chief, rule_values(kinds=["late", "missed", "false", "concealed"]))
    assert queries.disqualified_unit_ids(YEAR) == {unit_a.pk}


def test_a_rule_without_kinds_is_refused_and_nothing_changes(chief):
    with pytest.raises(actions.ActionError, match="at least one kind"):
        actions.do_update_rule(chief, rule_values(kinds=[]))
    assert EligibilityRule.current().kinds == ["late", "missed", "false"]
    assert not AuditEntry.objects.filter(action="eligibility_rule_changed").exists()


@pytest.mark.parametrize("who", ["editor", "officer_a"])
def test_only_the_chief_and_the_secretary_general_edit_the_rule(people, who):
    with pytest.raises(actions.ActionError):
        actions.do_update_rule(people[who], rule_values(provincial_notices=2))
    assert EligibilityRule.current().provincial_notices == 1


def test_the_secretary_general_edits_the_rule(people):
    actions.do_update_rule(people["secgen"], rule_values(provincial_notices=2))
    assert EligibilityRule.current().provincial_notices == 2


# --- reinstatement ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["chief", "secgen"])
def test_a_recorded_decision_reinstates_and_can_be_revoked(people, who):
    chief, unit_a = people["chief"], people["officer_a"].unit
    province_notice(chief, [confirmed(chief, unit_a)])
    reinstatement = actions.do_reinstate(
        people[who], unit_a, YEAR, "已整改到位，经秘书长办公会研究"
    )
    verdict = queries.eligibility(YEAR, [unit_a.pk])[unit_a.pk]
    assert (verdict.eligible, verdict.disqualified_by_rule, verdict.reinstated) == (
        True,
        True,
        True,
    )
    assert queries.disqualified_unit_ids(YEAR) == set()
    assert AuditEntry.objects.get(action="unit_reinstated").data["year"] == YEAR

    actions.do_revoke_reinstatement(people[who], reinstatement.pk, "整改不到位")
    reinstatement.refresh_from_db()
    assert reinstatement.revoked_by == people[who] and reinstatement.revoked_at is not None
    assert queries.disqualified_unit_ids(YEAR) == {unit_a.pk}
    # The reason is the chief's text: the log points at the reinstatement instead.
    assert AuditEntry.objects.get(action="reinstatement_revoked").data == {
        "year": YEAR,
        "reinstatement": reinstatement.pk,
    }
    # A fresh decision is possible after a revocation.
    actions.do_reinstate(chief, unit_a, YEAR, "复核后恢复")
    assert queries.disqualified_unit_ids(YEAR) == set()


def test_reinstating_needs_a_reason_and_a_disqualified_unit(chief, unit_a, unit_b):
    province_notice(chief, [confirmed(chief, unit_a)])
    with pytest.raises(actions.ActionError, match="reason"):
        actions.do_reinstate(chief, unit_a, YEAR, " ")
    with pytest.raises(actions.ActionError, match="not disqualified"):
        actions.do_reinstate(chief, unit_b, YEAR, "理由")
    assert not Reinstatement.objects.exists()


@pytest.mark.parametrize("who", ["editor", "officer_a", "head_a"])
def test_only_the_chief_or_the_secretary_general_reinstates(people, who):
    chief, unit_a = people["chief"], people["officer_a"].unit
    province_notice(chief, [confirmed(chief, unit_a)])
    with pytest.raises(actions.ActionError):
        actions.do_reinstate(people[who], unit_a, YEAR, "理由")
    assert not Reinstatement.objects.exists()


def test_a_reinstatement_holds_for_its_year_only(chief, unit_a):
    province_notice(
        chief, [confirmed(chief, unit_a, on=date(LAST_YEAR, 6, 1))], on=date(LAST_YEAR, 6, 9)
    )
    province_notice(chief, [confirmed(chief, unit_a)], number=f"省委办通〔{YEAR}〕9号")
    actions.do_reinstate(chief, unit_a, LAST_YEAR, "理由")
    assert queries.disqualified_unit_ids(LAST_YEAR) == set()
    assert queries.disqualified_unit_ids(YEAR) == {unit_a.pk}
