"""Zero reports: the policy, the filing, and the deadline engine watching them like any
expected report — reminders before, the breach after, late and missed candidates."""

from datetime import time, timedelta

import pytest

from accountability.models import Violation, ViolationStatus
from audit.models import AuditEntry
from deadlines import engine
from deadlines.models import DeadlineFlip, ExpectedReport, ExpectStatus
from duty import actions_zero, queries, schedule
from duty.models import ZeroPeriod, ZeroReport
from emergencies.models import CandidateKind, ViolationCandidate
from notify.models import Notification
from tests.clock import TODAY, local
from xinbao.core.errors import ActionError

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(chief, unit_a, unit_b):
    return actions_zero.save_period(
        chief,
        actions_zero.PeriodData(
            name="节日期间",
            starts_on=TODAY,
            ends_on=TODAY + timedelta(days=2),
            due_time=time(9, 0),
            reminder_minutes=60,
            units=[unit_a, unit_b],
        ),
        now=local(TODAY, "00:30"),
    )


def test_saving_a_period_is_audited_and_expects_today_and_tomorrow(period, unit_a):
    assert AuditEntry.objects.filter(action="zero_period_added").count() == 1
    rows = ExpectedReport.objects.filter(kind="zero", status=ExpectStatus.OPEN)
    # two units × today and tomorrow
    assert rows.count() == 4
    today = rows.get(unit=unit_a, sequence=0)
    assert today.due_at == local(TODAY, "09:00")
    assert today.next_check_at == local(TODAY, "08:00")  # the reminder


def test_an_overlapping_period_is_refused_and_nothing_is_written(period, chief):
    before = (ZeroPeriod.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ActionError, match="重叠"):
        actions_zero.save_period(
            chief,
            actions_zero.PeriodData(
                "另一时段", TODAY + timedelta(days=2), TODAY + timedelta(days=4), time(9), 60
            ),
        )
    assert (ZeroPeriod.objects.count(), AuditEntry.objects.count()) == before


def test_the_engine_reminds_then_a_missed_report_becomes_a_candidate(period, unit_a, officer_a):
    schedule.ensure_due(local(TODAY, "00:30"))
    assert engine.run_pass(local(TODAY, "08:00")) == 2  # both units: today's reminder
    assert Notification.objects.filter(recipient=officer_a, title__contains="零报告").exists()
    assert engine.run_pass(local(TODAY, "09:00")) == 2  # the breach, both units
    candidate = ViolationCandidate.objects.get(unit=unit_a)
    assert candidate.kind == CandidateKind.MISSED
    assert candidate.incident_id is None
    violation = Violation.objects.get(candidate=candidate)
    assert violation.status == ViolationStatus.PENDING
    assert DeadlineFlip.objects.filter(expected__unit=unit_a, kind="breach").count() == 1


def test_a_report_filed_after_the_breach_turns_missed_into_late(period, unit_a, officer_a):
    schedule.ensure_due(local(TODAY, "00:30"))
    engine.run_pass(local(TODAY, "09:00"))
    actions_zero.file_report(officer_a, False, "", now=local(TODAY, "09:42"))
    candidate = ViolationCandidate.objects.get(unit=unit_a)
    assert (candidate.kind, candidate.minutes_late) == (CandidateKind.LATE, 42)
    assert Violation.objects.get(candidate=candidate).minutes_late == 42
    row = ExpectedReport.objects.get(unit=unit_a, kind="zero", sequence=0)
    assert row.status == ExpectStatus.MET


def test_a_report_on_time_meets_the_row_and_leaves_no_candidate(period, unit_a, officer_a):
    report = actions_zero.file_report(
        officer_a, True, "辖区内发生一起小型火情，已扑灭。", now=local(TODAY, "08:10")
    )
    assert report.has_matters
    assert (
        ExpectedReport.objects.get(unit=unit_a, sequence=0, kind="zero").status == ExpectStatus.MET
    )
    engine.run_pass(local(TODAY, "09:30"))
    assert not ViolationCandidate.objects.filter(unit=unit_a).exists()
    assert AuditEntry.objects.filter(
        action="zero_report_filed", target=f"zero_report:{report.pk}"
    ).exists()


def test_one_report_a_day_and_something_to_report_needs_text(period, officer_a):
    with pytest.raises(ActionError, match="请填写"):
        actions_zero.file_report(officer_a, True, "  ", now=local(TODAY, "08:00"))
    actions_zero.file_report(officer_a, False, "", now=local(TODAY, "08:00"))
    with pytest.raises(ActionError, match="已经报送"):
        actions_zero.file_report(officer_a, False, "", now=local(TODAY, "08:05"))
    assert ZeroReport.objects.count() == 1


def test_no_report_is_owed_outside_a_period(officer_a):
    with pytest.raises(ActionError, match="无需报送"):
        actions_zero.file_report(officer_a, False, "", now=local(TODAY, "08:00"))


def test_the_grid_shows_who_reported_and_who_missed(period, unit_a, unit_b, officer_a):
    actions_zero.file_report(officer_a, False, "", now=local(TODAY, "08:30"))
    grid = queries.grid(TODAY, local(TODAY, "09:30"))
    standing = {row.unit.pk: row.standing for row in grid.rows}
    assert standing == {unit_a.pk: "on_time", unit_b.pk: "missed"}
    assert (grid.on_time, grid.late, grid.missed) == (1, 0, 1)


def test_editing_a_period_moves_the_reports_not_yet_due(period, chief, unit_a):
    actions_zero.save_period(
        chief,
        actions_zero.PeriodData(
            period.name, period.starts_on, period.ends_on, time(10, 0), 60, [unit_a]
        ),
        period,
        now=local(TODAY, "01:00"),
    )
    open_rows = ExpectedReport.objects.filter(kind="zero", status=ExpectStatus.OPEN)
    assert {(r.unit_id, r.due_at) for r in open_rows} == {
        (unit_a.pk, local(TODAY, "10:00")),
        (unit_a.pk, local(TODAY + timedelta(days=1), "10:00")),
    }
    assert AuditEntry.objects.filter(action="zero_period_changed").count() == 1


def test_only_the_chief_sets_periods(editor, duty_officer):
    from django.core.exceptions import PermissionDenied

    data = actions_zero.PeriodData("x", TODAY, TODAY, time(9), 60)
    for person in (editor, duty_officer):
        with pytest.raises(PermissionDenied):
            actions_zero.save_period(person, data)
    assert not ZeroPeriod.objects.exists()


def test_the_overlap_check_runs_inside_the_writes_transaction(period, chief):
    """Two chiefs saving overlapping periods at once cannot both pass the check: it reads the
    periods inside the transaction that writes (serialised: SQLite's BEGIN IMMEDIATE, an
    advisory lock on PostgreSQL), never before it."""
    from django.db import connection

    outer = len(connection.atomic_blocks)
    depths: list[int] = []

    def watch(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT") and '"duty_zeroperiod"."ends_on" >=' in sql:
            depths.append(len(connection.atomic_blocks))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch), pytest.raises(ActionError, match="重叠"):
        actions_zero.save_period(
            chief,
            actions_zero.PeriodData("另一时段", TODAY, TODAY, time(9), 60),
        )
    assert depths and all(depth > outer for depth in depths)
    assert ZeroPeriod.objects.count() == 1
