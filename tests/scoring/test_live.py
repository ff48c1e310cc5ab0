"""The live ledger: every source write queues a change in its own transaction (database
triggers), the worker's step counts it into the ledger, and after any sequence of events the
drained ledger equals the full rebuild from scratch (the proof)."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accountability.models import Violation, ViolationStatus
from bulletins.models import Adoption, AdoptionLevel, Publication
from scoring import live
from scoring.actions import rebuild
from scoring.models import LedgerChange, ScoreRule, ScoreTotal
from submissions.models import InfoItem
from tests.bulletins.editorial_helpers import instruct, local
from tests.clock import LAST_YEAR, PINNED, YEAR
from tests.factories import make_unit
from tests.scoring.scoring_helpers import adopted, assign, ledger_rows, violation

pytestmark = pytest.mark.django_db

NOW = PINNED


@pytest.fixture
def unit_c(db):
    return make_unit("丙市直部门", code="unit-c")


def totals() -> list[tuple[int, int, int, int, Decimal, int]]:
    return sorted(
        ScoreTotal.objects.values_list("year", "month", "unit_id", "rule_id", "points", "entries")
    )


def queued() -> set[int | None]:
    return set(LedgerChange.objects.values_list("unit_id", flat=True))


@pytest.fixture
def city(city_daily) -> Publication:
    return city_daily


@pytest.fixture
def drained(db):
    """Start from an empty queue and a rebuilt ledger (the migration queues one recompute)."""
    rebuild(None, as_of=NOW)
    live.catch_up_all(NOW)
    assert not queued()


def test_an_adoption_queues_its_units_and_the_step_counts_it(
    drained, officer_a, unit_a, unit_b, city
):
    item = adopted(officer_a, city, local(f"{YEAR}-03-02 10:00"), joint=(unit_b,))
    assert queued() == {unit_a.pk, unit_b.pk}
    assert not ledger_rows(YEAR)
    assert live.freshness().pending_units == 2

    handled = live.catch_up(NOW)

    assert handled >= 2
    assert not queued()
    rows = ledger_rows(YEAR)
    assert {(r[0], r[3], r[4]) for r in rows} == {
        (unit_a.pk, "adoption", item.adoptions.get().pk),
        (unit_b.pk, "adoption", item.adoptions.get().pk),
    }
    assert live.freshness().computed_at == NOW


def test_a_rolled_back_write_queues_nothing(drained, officer_a, city):
    with transaction.atomic():
        adopted(officer_a, city, local(f"{YEAR}-03-02 10:00"))
        transaction.set_rollback(True)
    assert not queued()


def test_a_step_that_fails_leaves_the_changes_queued(drained, officer_a, unit_a, city, monkeypatch):
    adopted(officer_a, city, local(f"{YEAR}-03-02 10:00"))

    def killed(*args, **kwargs):
        raise RuntimeError("worker killed mid-step")

    monkeypatch.setattr(live.ledger, "replace", killed)
    with pytest.raises(RuntimeError):
        live.catch_up(NOW)
    assert queued() == {unit_a.pk}
    assert not ledger_rows(YEAR)

    monkeypatch.undo()
    live.catch_up(NOW)
    assert not queued() and ledger_rows(YEAR)


def test_a_point_table_edit_queues_every_unit_and_rescoring_follows(
    drained, officer_a, unit_a, city
):
    adopted(officer_a, city, local(f"{YEAR}-03-02 10:00"))
    live.catch_up_all(NOW)
    rule = ScoreRule.objects.get(kind="adoption", level=AdoptionLevel.CITY, publication=None)
    ScoreRule.objects.filter(pk=rule.pk).update(points=Decimal("7.50"))
    assert queued() == {None}
    assert live.freshness().pending_all

    live.catch_up_all(NOW)

    assert [r[1] for r in ledger_rows(YEAR) if r[0] == unit_a.pk] == [Decimal("7.50")]


def test_instruction_and_violation_reach_the_ledger(
    drained, chief, leader, officer_a, unit_a, city
):
    item = adopted(officer_a, city, local(f"{YEAR}-03-02 10:00"))
    instruct(leader, item, local(f"{YEAR}-03-05 10:00"))
    violation(chief, unit_a, on=date(YEAR, 4, 1))
    assert unit_a.pk in queued()

    live.catch_up_all(NOW)

    kinds = {r[3] for r in ledger_rows(YEAR) if r[0] == unit_a.pk}
    assert {"adoption", "instruction", "violation"} <= kinds


def test_the_full_rebuild_empties_the_queue_it_covers(drained, officer_a, city):
    adopted(officer_a, city, local(f"{YEAR}-03-02 10:00"))
    rebuild(None, as_of=NOW)
    assert not queued()


def test_deadlines_passing_and_months_ending_reach_the_ledger_without_a_write(
    leader, officer_a, unit_a, city
):
    early = NOW - timedelta(days=60)
    rebuild(None, as_of=early)
    live.catch_up_all(early)
    assign(unit_a, "一类", date(early.year, early.month, 1), quota=3)
    item = adopted(officer_a, city, early + timedelta(hours=1))
    instruct(leader, item, early + timedelta(hours=2))
    live.catch_up_all(early + timedelta(hours=3))
    before = {r[2] for r in ledger_rows() if r[0] == unit_a.pk}
    assert not any("feedback" in code or "quota" in code for code in before)

    live.catch_up_all(NOW)  # nothing was written since: the task's deadline and months passed

    after = {r[2] for r in ledger_rows() if r[0] == unit_a.pk}
    assert any("feedback" in code for code in after) and any("quota" in code for code in after)
    drained = (ledger_rows(), totals())
    rebuild(None, as_of=NOW)
    assert (ledger_rows(), totals()) == drained


def test_the_pages_and_exports_say_when_the_figures_were_computed(
    drained, client_of, chief, officer_a, unit_a, city
):
    client = client_of(chief)
    page = client.get(reverse("scoring:board"), {"year": YEAR}).content.decode()
    assert f"计算时间：{NOW:%Y-%m-%d %H:%M:%S}（北京时间）" in page
    assert "无待计入的变动" in page

    adopted(officer_a, city, local(f"{YEAR}-03-02 10:00"))
    page = client.get(reverse("scoring:board"), {"year": YEAR}).content.decode()
    assert "有 1 个单位的变动待计入" in page
    card = client.get(reverse("scoring:unit", args=[unit_a.pk]), {"year": YEAR})
    assert "有 1 个单位的变动待计入" in card.content.decode()
    book = load_workbook(BytesIO(client.get(reverse("scoring:board_xlsx"), {"year": YEAR}).content))
    header = book.worksheets[0]["A2"].value
    assert "计算时间：" in header and "有 1 个单位的变动待计入" in header

    later = NOW + timedelta(minutes=5)
    live.catch_up(later)
    page = client.get(reverse("scoring:board"), {"year": YEAR}).content.decode()
    assert f"计算时间：{later:%Y-%m-%d %H:%M:%S}（北京时间）" in page
    assert "无待计入的变动" in page


def test_a_step_counts_the_whole_backlog_of_the_units_it_takes(drained, unit_a, unit_b):
    """An import queues a change per item: a step recomputing a unit counts all of them, and
    a unit beyond the step's first changes waits for the next one."""
    first = [LedgerChange(unit_id=unit_a.pk) for _n in range(4)]
    later = [LedgerChange(unit_id=unit_a.pk) for _n in range(6)]
    LedgerChange.objects.bulk_create([*first, LedgerChange(unit_id=unit_b.pk), *later])

    assert live.catch_up(NOW, limit=3) == 10
    assert queued() == {unit_b.pk}
    assert live.catch_up(NOW, limit=3) == 1
    assert not queued()


def test_a_long_queue_is_counted_up_to_a_cap(drained):
    LedgerChange.objects.bulk_create(
        [LedgerChange(unit_id=n % (live.COUNT_UP_TO + 5)) for n in range(3000)]
    )
    fresh = live.freshness()
    assert (fresh.pending_units, fresh.more, fresh.pending_all) == (live.COUNT_UP_TO, True, False)
    assert fresh.pending_line == f"有超过 {live.COUNT_UP_TO} 个单位的变动待计入"
    LedgerChange.objects.filter(unit_id__gte=3).delete()
    LedgerChange.objects.create(unit_id=None)
    fresh = live.freshness()
    assert (fresh.pending_units, fresh.more, fresh.pending_all) == (3, False, True)


# --- the proof: any sequence of events, drained, equals the rebuild ---------------------

EVENTS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "adopt",
                "adopt_joint",
                "unadopt",
                "move",
                "instruct",
                "violate",
                "waive",
                "rule",
                "join",
                "leave",
                "classify",
                "drain",
            ]
        ),
        st.integers(min_value=0, max_value=1000),
    ),
    max_size=12,
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=EVENTS)
def test_any_events_drained_equal_the_rebuild(
    events,
    drained,
    chief,
    leader,
    officer_a,
    officer_b,
    unit_a,
    unit_b,
    unit_c,
    city,
    province_bulletin,
):
    officers = [officer_a, officer_b]
    units = [unit_a, unit_b, unit_c]
    publications = list(Publication.objects.order_by("pk"))
    with transaction.atomic():
        for step, (event, n) in enumerate(events):
            day = date(YEAR if n % 3 else LAST_YEAR, 1 + n % 11, 1 + n % 27)
            at = local(f"{day} 10:00") + timedelta(minutes=step)
            adoptions = list(Adoption.objects.order_by("pk"))
            items = list(InfoItem.objects.order_by("pk"))
            if event in ("adopt", "adopt_joint"):
                joint = (units[2 - n % 2],) if event == "adopt_joint" else ()
                adopted(officers[n % 2], publications[n % len(publications)], at, joint=joint)
            elif event == "unadopt" and adoptions:
                adoptions[n % len(adoptions)].delete()
            elif event == "move" and adoptions:
                Adoption.objects.filter(pk=adoptions[n % len(adoptions)].pk).update(adopted_on=day)
            elif event == "instruct" and items:
                instruct(leader, items[n % len(items)], at)
            elif event == "violate":
                violation(chief, units[n % 3], on=day)
            elif event == "waive":
                Violation.objects.filter(pk__in=Violation.objects.values("pk")[:1]).update(
                    status=ViolationStatus.WAIVED
                )
            elif event == "rule":
                rules = list(ScoreRule.objects.order_by("pk"))
                ScoreRule.objects.filter(pk=rules[n % len(rules)].pk).update(
                    points=Decimal(n % 40 - 10)
                )
            elif event == "join" and items:
                item = items[n % len(items)]
                others = [u for u in units if u.pk != item.unit_id]  # never its own lead
                item.joint_units.add(others[n % len(others)])
            elif event == "leave" and items:
                items[n % len(items)].joint_units.remove(units[n % 3])
            elif event == "classify":
                assign(units[n % 3], "一类", date(YEAR, 1 + n % 10, 1), quota=n % 4)
            elif event == "drain":
                live.catch_up(NOW, limit=1 + n % 3)
        live.catch_up_all(NOW)
        assert not queued()
        incremental = (ledger_rows(), totals())

        rebuild(None, as_of=NOW)

        assert (ledger_rows(), totals()) == incremental
        transaction.set_rollback(True)
