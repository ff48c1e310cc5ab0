"""The deadline engine's move out of emergencies keeps its rows: expected reports written under
the old schema (a foreign key each to an incident, a sighting, a feedback task or a
solicitation, and to the report that met them) read back after the migrations with the same
subject, times, status, flips and candidates; and the migrations run backwards too."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bulletins.models import FollowUpTask, Solicitation
from deadlines.models import DeadlineFlip, ExpectedReport, ExpectStatus
from emergencies.models import Incident, IncidentReport, Sighting, ViolationCandidate
from org.roles import Role
from tests.factories import make_item, make_unit, make_user
from tests.migrating import Executor as MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("emergencies", "0006_input_bounds")


@pytest.fixture
def before_the_move():
    """The people and the item, written through the real actions while the schema is current
    (the item's columns of later migrations go away with them when the executor rolls back)."""
    unit = make_unit(code="unit-old")
    officer = make_user(Role.OFFICER, unit)
    chief = make_user(Role.CHIEF, make_unit(code="section-old"))
    item = make_item(officer, "submitted", title="旧库中的一条信息")
    return unit, officer, chief, item


@pytest.fixture
def executor(before_the_move):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("deadlines", None)])
    executor.loader.build_graph()
    yield executor
    executor = MigrationExecutor(connection)
    executor.migrate(latest)


def _old_apps(executor):
    """The models as the database holds them before the move: every migration still applied
    (emergencies before its 0007, every other app as far as that allows)."""
    executor.loader.build_graph()
    applied = [
        key for key in executor.loader.applied_migrations if key in executor.loader.graph.nodes
    ]
    assert ("emergencies", "0007_deadlines_moved") not in applied and BEFORE in applied
    return executor.loader.project_state(applied).apps


def _old_world(old, people_and_item):
    """One row of each subject kind, written through the historical models."""
    now = timezone.now().replace(microsecond=0)
    unit, officer, chief, item = people_and_item
    incident = old.get_model("emergencies", "Incident").objects.create(
        title="旧库中的火灾",
        category="accident",
        place="某路",
        occurred_at=now,
        known_at=now,
        clock_start=now,
        policy_applied_at=now,
        created_by_id=officer.pk,
    )
    report = old.get_model("emergencies", "IncidentReport").objects.create(
        incident=incident,
        unit_id=unit.pk,
        kind="initial",
        channel="written",
        state="received",
        summary="起火",
        author_id=officer.pk,
        received_at=now + timedelta(minutes=50),
    )
    sighting = old.get_model("emergencies", "Sighting").objects.create(
        source_kind="media", source="某网", seen_at=now, text="网传起火", recorded_by_id=chief.pk
    )
    instruction = old.get_model("bulletins", "Instruction").objects.create(
        item_id=item.pk,
        leader_name="某领导",
        level="city",
        text="请核实",
        instructed_on=now.date(),
        recorded_by_id=chief.pk,
    )
    task = old.get_model("bulletins", "FollowUpTask").objects.create(
        instruction=instruction, unit_id=unit.pk, due_at=now + timedelta(days=2)
    )
    solicitation = old.get_model("bulletins", "Solicitation").objects.create(
        topic="汛期",
        requirements="报送汛期信息",
        due_at=now + timedelta(days=3),
        issued_by_id=chief.pk,
    )
    expected = old.get_model("emergencies", "ExpectedReport")

    def row(kind, status, **subject):
        return expected.objects.create(
            unit_id=unit.pk,
            kind=kind,
            window_start=now,
            due_at=now + timedelta(minutes=30),
            status=status,
            stage=2,
            next_check_at=now + timedelta(minutes=30) if status == "open" else None,
            **subject,
        ).pk

    rows = {
        "written": row(
            "written", "met", incident=incident, met_by=report, met_at=report.received_at
        ),
        "sighting": row("sighting", "open", sighting=sighting),
        "feedback": row("feedback", "open", task=task),
        "solicited": row("solicited", "cancelled", solicitation=solicitation),
    }
    old.get_model("emergencies", "DeadlineFlip").objects.create(
        expected_id=rows["written"], kind="breach", stage=3, due_moment=now
    )
    old.get_model("emergencies", "ViolationCandidate").objects.create(
        kind="late",
        unit_id=unit.pk,
        incident=incident,
        expected_id=rows["written"],
        minutes_late=20,
        evidence="晚报20分钟",
    )
    subjects = {
        "written": (Incident, incident.pk),
        "sighting": (Sighting, sighting.pk),
        "feedback": (FollowUpTask, task.pk),
        "solicited": (Solicitation, solicitation.pk),
    }
    return rows, subjects, report.pk


def test_expected_reports_keep_their_subjects_flips_and_candidates(executor, before_the_move):
    old = _old_apps(executor)
    rows, subjects, report_pk = _old_world(old, before_the_move)
    before = {
        pk: (r.due_at, r.status, r.stage, r.next_check_at, r.met_at)
        for pk, r in old.get_model("emergencies", "ExpectedReport").objects.in_bulk().items()
    }

    executor.migrate(executor.loader.graph.leaf_nodes())

    for kind, pk in rows.items():
        row = ExpectedReport.objects.get(pk=pk)
        model, subject_pk = subjects[kind]
        assert (type(row.subject), row.subject.pk, row.kind) == (model, subject_pk, kind)
        assert (row.due_at, row.status, row.stage, row.next_check_at, row.met_at) == before[pk]
        # The owning app reaches its rows back through its generic relation.
        assert list(model.objects.get(pk=subject_pk).expected.values_list("pk", flat=True)) == [pk]
    written = ExpectedReport.objects.get(pk=rows["written"])
    assert (written.status, written.met_by_id) == (ExpectStatus.MET, report_pk)
    assert IncidentReport.objects.filter(pk=written.met_by_id).exists()
    assert ExpectedReport.objects.get(incident=subjects["written"][1]).pk == rows["written"]
    assert list(DeadlineFlip.objects.values_list("expected_id", "kind")) == [
        (rows["written"], "breach")
    ]
    assert ViolationCandidate.objects.get().expected == written


def test_the_move_runs_backwards_to_the_old_foreign_keys(executor, before_the_move):
    old = _old_apps(executor)
    rows, subjects, report_pk = _old_world(old, before_the_move)
    executor.migrate(executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()

    executor.migrate([("deadlines", None)])

    back = _old_apps(executor).get_model("emergencies", "ExpectedReport").objects
    assert back.get(pk=rows["written"]).incident_id == subjects["written"][1]
    assert back.get(pk=rows["written"]).met_by_id == report_pk
    assert back.get(pk=rows["sighting"]).sighting_id == subjects["sighting"][1]
    assert back.get(pk=rows["feedback"]).task_id == subjects["feedback"][1]
    assert back.get(pk=rows["solicited"]).solicitation_id == subjects["solicited"][1]
