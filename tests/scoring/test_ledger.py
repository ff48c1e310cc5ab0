"""The ledger through the real actions: instruction → task → feedback → points; solicitation
miss → penalty; rebuilds are idempotent; the board does not go N+1."""

import calendar
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from bulletins import actions as bulletins
from bulletins.models import AdoptionLevel
from scoring.actions import load_facts, rebuild
from scoring.models import ScoreEntry, ScoreRule, ScoreTotal
from submissions.models import ItemState
from tests.bulletins.editorial_helpers import (
    answer,
    clock,
    instruct,
    local,
    solicit,
    submitted_item,
    task_of,
)
from tests.clock import LAST_YEAR, YEAR, nth_weekday
from tests.factories import make_item, make_unit
from tests.scoring.scoring_helpers import adopted, assign, city_notice, ledger_rows, violation

pytestmark = pytest.mark.django_db

MONDAY = local(f"{nth_weekday(3, calendar.MONDAY)} 10:00")  # first Monday of March
LATER = local(f"{YEAR}-06-30 12:00")


@pytest.fixture
def item(officer_a, head_a):
    return submitted_item(officer_a, head_a, MONDAY - timedelta(days=1))


@pytest.fixture
def instruction(leader, item):
    return instruct(leader, item, MONDAY)


def ledger(unit=None) -> set[tuple[int, str, str, int, Decimal]]:
    rows = ScoreEntry.objects.all() if unit is None else ScoreEntry.objects.filter(unit=unit)
    return {
        (e.unit_id, e.rule.code, e.source_kind, e.source_id, e.points)
        for e in rows.select_related("rule")
    }


def codes(unit) -> list[str]:
    return sorted(code for _, code, _, _, _ in ledger(unit))


def test_feedback_on_time_earns_the_bonus_and_no_penalty(officer_a, unit_a, instruction):
    task = task_of(instruction, unit_a)
    bulletins.do_file_feedback(officer_a, task.pk, "已落实。", now=task.due_at - timedelta(hours=1))
    rebuild(YEAR, as_of=LATER)
    assert codes(unit_a) == ["instruction-city"]
    assert ScoreEntry.objects.get(unit=unit_a).points == Decimal(10)


def test_feedback_filed_late_costs_points(officer_a, unit_a, instruction):
    task = task_of(instruction, unit_a)
    bulletins.do_file_feedback(officer_a, task.pk, "已落实。", now=task.due_at + timedelta(hours=1))
    rebuild(YEAR, as_of=LATER)
    assert codes(unit_a) == ["feedback-late", "instruction-city"]


def test_feedback_never_filed_is_missing_once_the_deadline_passed(unit_a, instruction):
    task = task_of(instruction, unit_a)
    rebuild(YEAR, as_of=task.due_at - timedelta(minutes=1))
    assert codes(unit_a) == ["instruction-city"]
    rebuild(YEAR, as_of=task.due_at + timedelta(minutes=1))
    assert codes(unit_a) == ["feedback-missing", "instruction-city"]


def test_a_second_instruction_at_the_same_level_does_not_stack(leader, editor, unit_a, item):
    instruct(leader, item, MONDAY)
    instruct(leader, item, MONDAY + timedelta(days=1))
    instruct(editor, item, MONDAY, leader_name="王省长", level=AdoptionLevel.PROVINCE)
    rebuild(YEAR, as_of=MONDAY + timedelta(days=2))
    assert codes(unit_a) == ["instruction-city", "instruction-province"]


def test_a_solicitation_never_answered_costs_the_unit_after_its_deadline(
    editor, officer_b, head_b, unit_a, unit_b
):
    due = MONDAY + timedelta(days=3)
    solicitation = solicit(editor, [unit_a, unit_b], MONDAY, due)
    answer(officer_b, head_b, solicitation, due - timedelta(hours=2))
    rebuild(YEAR, as_of=due - timedelta(minutes=1))
    assert codes(unit_a) == []
    rebuild(YEAR, as_of=due + timedelta(minutes=1))
    assert codes(unit_a) == ["solicitation-missed"]
    assert codes(unit_b) == []


def test_a_joint_adoption_is_split_and_the_rebuild_is_idempotent(
    officer_a, head_a, editor, unit_a, unit_b, city_daily
):
    with clock(MONDAY):
        make_item(
            officer_a,
            ItemState.ADOPTED,
            head=head_a,
            editor=editor,
            publication=city_daily,
            joint_units=(unit_b,),
        )
    first = rebuild(YEAR, as_of=LATER)
    rows = ledger()
    second = rebuild(YEAR, as_of=LATER)
    assert ledger() == rows
    assert {(u, p) for u, _, _, _, p in rows} == {(unit_a.pk, Decimal(2)), (unit_b.pk, Decimal(2))}
    assert (first.entries, first.total) == (second.entries, second.total) == (2, Decimal(4))
    assert second.deleted == 2


def test_a_rebuild_of_one_year_leaves_other_years_alone(unit_a, instruction):
    rule = ScoreRule.objects.get(code="adoption-city")
    ScoreEntry.objects.create(
        unit=unit_a,
        points=4,
        rule=rule,
        source_kind="adoption",
        source_id=999,
        source_label="旧",
        occurred_on=local(f"{LAST_YEAR}-05-05 10:00").date(),
        year=LAST_YEAR,
        month=5,
    )
    rebuild(YEAR, as_of=LATER)
    assert ScoreEntry.objects.filter(year=LAST_YEAR).count() == 1


def test_the_command_rebuilds_and_prints_totals(unit_a, instruction, capsys):
    call_command("rebuild_ledger", "--year", str(YEAR))
    # Today is long past the feedback deadline: the bonus and the missing-feedback penalty.
    assert "wrote 2 entries, total 0.00 points" in capsys.readouterr().out
    assert codes(unit_a) == ["feedback-missing", "instruction-city"]


# --- the pages -------------------------------------------------------------------------------


def _fill(n: int) -> None:
    rule = ScoreRule.objects.get(code="adoption-city")
    ScoreEntry.objects.bulk_create(
        ScoreEntry(
            unit=make_unit(),
            points=4,
            rule=rule,
            source_kind="adoption",
            source_id=i,
            source_label=f"稿件{i}",
            occurred_on=MONDAY.date(),
            year=YEAR,
            month=3,
        )
        for i in range(n)
    )


def _board_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("scoring:board"), {"year": YEAR, "period": "q1"})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_board_query_count_does_not_grow_with_units(client_of, editor):
    client = client_of(editor)
    _fill(2)
    _board_queries(client)  # the first request also loads the session and the menu's caches
    few = _board_queries(client)
    _fill(8)
    assert _board_queries(client) == few


def test_the_board_ranks_units_and_links_to_their_ledger(
    client_of, leader, unit_a, unit_b, instruction, officer_a
):
    rebuild(YEAR, as_of=MONDAY + timedelta(hours=1))
    page = client_of(leader).get(reverse("scoring:board"), {"year": YEAR})
    assert page.status_code == 200
    assert reverse("scoring:unit", args=[unit_a.pk]) in page.content.decode()
    ledger_page = client_of(leader).get(reverse("scoring:unit", args=[unit_a.pk]), {"year": YEAR})
    # The ledger line says which rule earned it, by the rule's name (codes are not shown).
    assert ScoreRule.objects.get(code="instruction-city").label in ledger_page.content.decode()


def test_units_cannot_see_the_board(client_of, officer_a):
    assert client_of(officer_a).get(reverse("scoring:board")).status_code == 403


def test_the_chief_rebuilds_from_the_board_and_it_is_audited(client_of, chief, editor):
    response = client_of(chief).post(reverse("scoring:rebuild"), {"year": YEAR})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="ledger_rebuilt", actor=chief).exists()
    assert client_of(editor).post(reverse("scoring:rebuild"), {"year": YEAR}).status_code == 403


def test_loading_the_facts_takes_a_fixed_number_of_queries(
    leader, officer_a, head_a, unit_b, django_assert_num_queries
):
    for n in range(3):
        item = submitted_item(officer_a, head_a, MONDAY, joint_units=(unit_b,), title=f"稿件{n}")
        instruct(leader, item, MONDAY)
    # adoptions, instructions, joint units, tasks, solicited, violations, notices naming them,
    # class assignments, items that left each unit (lead and joint), and this office's own level
    # (the unit marked as its office; none here, so the first city-level Party office: two)
    with django_assert_num_queries(12):
        facts = load_facts(YEAR)
    assert len(facts.tasks) == 6


# --- the rebuild is a pure function of the sources --------------------------------------------


@pytest.fixture
def busy_year(
    officer_a,
    head_a,
    officer_b,
    head_b,
    leader,
    editor,
    chief,
    unit_a,
    unit_b,
    city_daily,
    province_bulletin,
):
    """A year with every kind of source: adoptions (joint, upward), instructions, feedback,
    a missed solicitation, violations in notices, quotas."""
    assign(unit_a, "一类", date(YEAR, 1, 1))
    assign(unit_b, "二类", date(YEAR, 2, 1))
    adopted(officer_a, city_daily, local(f"{YEAR}-01-12 10:00"), joint=(unit_b,))
    adopted(officer_b, province_bulletin, local(f"{YEAR}-02-03 10:00"))
    item = submitted_item(officer_a, head_a, local(f"{YEAR}-03-01 10:00"))
    instruct(leader, item, MONDAY)
    solicit(editor, [unit_a, unit_b], local(f"{YEAR}-04-01 09:00"), local(f"{YEAR}-04-03 17:00"))
    late = violation(chief, unit_b, "late", date(YEAR, 5, 6))
    city_notice(chief, [late], date(YEAR, 5, 20))
    ScoreEntry.objects.all().delete()


def test_rebuilding_twice_gives_identical_rows(busy_year):
    rebuild(YEAR, as_of=LATER)
    first = ledger_rows()
    assert {code for _, _, code, *_ in first} >= {
        "adoption-city",
        "adoption-province",
        "instruction-city",
        "feedback-missing",
        "solicitation-missed",
        "violation-late-city",
        "quota-shortfall",
    }
    rebuild(YEAR, as_of=LATER)
    assert ledger_rows() == first


def test_a_ledger_kept_up_by_rebuilds_equals_one_built_from_nothing(
    busy_year, officer_a, city_daily
):
    rebuild(YEAR, as_of=LATER)
    adopted(officer_a, city_daily, local(f"{YEAR}-06-15 10:00"))  # a new fact after the rebuild
    rebuild(YEAR, as_of=LATER)
    kept_up = ledger_rows()
    ScoreEntry.objects.all().delete()
    rebuild(None, as_of=LATER)
    assert ledger_rows() == kept_up


def test_every_year_rebuilt_at_once_equals_each_year_rebuilt_alone(
    busy_year, officer_a, city_daily
):
    adopted(officer_a, city_daily, local(f"{LAST_YEAR}-12-15 10:00"))
    rebuild(None, as_of=LATER)
    together = ledger_rows()
    ScoreEntry.objects.all().delete()
    rebuild(LAST_YEAR, as_of=LATER)
    rebuild(YEAR, as_of=LATER)
    assert ledger_rows() == together
    assert {row[7] for row in together} == {LAST_YEAR, YEAR}


def test_the_rebuild_takes_a_fixed_number_of_queries(busy_year, officer_a, city_daily):
    with CaptureQueriesContext(connection) as small:
        rebuild(YEAR, as_of=LATER)
    for n in range(5):
        adopted(officer_a, city_daily, local(f"{YEAR}-07-{n + 1:02d} 10:00"))
    with CaptureQueriesContext(connection) as larger:
        rebuild(YEAR, as_of=LATER)
    assert len(larger.captured_queries) == len(small.captured_queries)


def _summed_entries() -> list[tuple[int, int, int, int, Decimal, int]]:
    return sorted(
        (row["year"], row["month"], row["unit_id"], row["rule_id"], row["points"], row["n"])
        for row in ScoreEntry.objects.order_by()
        .values("year", "month", "unit_id", "rule_id")
        .annotate(points=Sum("points"), n=Count("pk"))
    )


def _totals() -> list[tuple[int, int, int, int, Decimal, int]]:
    return sorted(
        ScoreTotal.objects.values_list("year", "month", "unit_id", "rule_id", "points", "entries")
    )


def test_the_totals_the_rankings_read_are_the_ledger_summed(busy_year, officer_a, city_daily):
    adopted(officer_a, city_daily, local(f"{LAST_YEAR}-12-15 10:00"))
    rebuild(None, as_of=LATER)
    assert _totals() == _summed_entries() and len(_totals()) > 5
    # A new fact and a rebuild of one year: that year's totals follow, the other's stay.
    adopted(officer_a, city_daily, local(f"{YEAR}-06-15 10:00"))
    rebuild(YEAR, as_of=LATER)
    assert _totals() == _summed_entries()
    assert {year for year, *_ in _totals()} == {LAST_YEAR, YEAR}
