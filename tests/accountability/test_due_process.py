"""Due process: the engine's candidate becomes a pending violation in its own transaction; the
unit explains; only the chief confirms or waives (a waiver with a reason, or nothing is
written); superseded candidates withdraw theirs; decisions are audited and told to the unit."""

from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from accountability import actions, rules
from accountability.models import Explanation, Violation, ViolationKind, ViolationStatus
from audit.models import AuditEntry
from deadlines import engine
from emergencies import actions as emergency_actions
from emergencies import actions_sightings
from emergencies.models import CandidateKind, CandidateStatus, ViolationCandidate
from notify.models import Notification
from tests.accountability.accountability_helpers import DAY, late_report, pending, phoned_in_time
from tests.clock import LAST_SUNDAY, TODAY
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import minutes, sighting

pytestmark = pytest.mark.django_db


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_a_late_candidate_is_a_pending_violation_with_its_facts(officer_a, head_a):
    incident = late_report(officer_a, head_a)
    candidate = ViolationCandidate.objects.get()
    violation = Violation.objects.get()
    assert violation.candidate == candidate
    assert (violation.status, violation.kind, violation.unit, violation.incident) == (
        ViolationStatus.PENDING,
        ViolationKind.LATE,
        officer_a.unit,
        incident,
    )
    assert violation.minutes_late == 16
    assert violation.report == incident.reports.get(channel="written")
    known = timezone.localtime(incident.known_at)
    assert violation.occurred_on == known.date()
    assert f"{known:%Y-%m-%d} 10:15" in violation.evidence  # due 60 minutes after 09:00, +15


def test_the_unit_explains_and_the_chief_confirms(officer_a, head_a, chief):
    late_report(officer_a, head_a)
    violation = Violation.objects.get()
    actions.do_file_explanation(officer_a, violation.pk, "单位负责人外出开会，审签延误。")
    (told,) = Notification.objects.filter(recipient=chief, key__startswith="explanation:")
    assert told.title.startswith("[Explanation] 甲区委办公室")
    decided = actions.do_decide(
        chief, violation.pk, actions.Decision(rules.CONFIRM, "情况属实", serious=True)
    )
    assert (decided.status, decided.decided_by, decided.serious) == (
        ViolationStatus.CONFIRMED,
        chief,
        True,
    )
    assert decided.decided_at is not None
    assert ViolationCandidate.objects.get().status == CandidateStatus.CONFIRMED
    entry = AuditEntry.objects.get(action="violation_confirmed")
    assert entry.data["before"] == {"serious": False, "important": True}
    assert entry.data["after"] == {"serious": True, "important": True}
    assert any("[Violation confirmed]" in t for t in inbox(officer_a))
    assert any("[Violation confirmed]" in t for t in inbox(head_a))


def test_the_chief_waives_with_a_reason_and_the_candidate_follows(officer_a, head_a, chief):
    late_report(officer_a, head_a)
    violation = Violation.objects.get()
    actions.do_decide(chief, violation.pk, actions.Decision(rules.WAIVE, "系统故障导致延误"))
    violation.refresh_from_db()
    assert (violation.status, violation.decision_reason) == (
        ViolationStatus.WAIVED,
        "系统故障导致延误",
    )
    assert ViolationCandidate.objects.get().status == CandidateStatus.WAIVED
    assert AuditEntry.objects.filter(action="violation_waived").count() == 1
    assert any("[Violation waived]" in t for t in inbox(officer_a))


def test_a_waiver_without_a_reason_is_refused_and_nothing_is_written(officer_a, head_a, chief):
    late_report(officer_a, head_a)
    violation = Violation.objects.get()
    audit_before = AuditEntry.objects.count()
    with pytest.raises(actions.ActionError, match="A waiver needs a reason"):
        actions.do_decide(chief, violation.pk, actions.Decision(rules.WAIVE, "   "))
    violation.refresh_from_db()
    assert (violation.status, violation.decided_by, violation.decided_at) == (
        ViolationStatus.PENDING,
        None,
        None,
    )
    assert ViolationCandidate.objects.get().status == CandidateStatus.OPEN
    assert AuditEntry.objects.count() == audit_before
    assert not Notification.objects.filter(key__startswith="violation:").exists()


@pytest.mark.parametrize("who", ["officer_a", "head_a", "editor"])
def test_only_the_chief_and_the_secretary_general_decide(people, who):
    violation = pending(people["officer_a"].unit)
    with pytest.raises(actions.ActionError):
        actions.do_decide(people[who], violation.pk, actions.Decision(rules.CONFIRM))
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.PENDING


@pytest.mark.parametrize("decision", [rules.CONFIRM, rules.WAIVE])
def test_the_secretary_general_decides_as_the_chief_does(people, decision):
    """The README: the secretary-general does everything a chief does."""
    violation = pending(people["officer_a"].unit)
    actions.do_decide(people["secgen"], violation.pk, actions.Decision(decision, "经研究"))
    violation.refresh_from_db()
    expected = ViolationStatus.CONFIRMED if decision == rules.CONFIRM else ViolationStatus.WAIVED
    assert violation.status == expected
    action = "violation_confirmed" if decision == rules.CONFIRM else "violation_waived"
    assert AuditEntry.objects.filter(
        actor=people["secgen"], action=action, target=f"violation:{violation.pk}"
    ).exists()


def test_a_decision_is_taken_once(chief, unit_a):
    violation = pending(unit_a)
    actions.do_decide(chief, violation.pk, actions.Decision(rules.CONFIRM))
    with pytest.raises(actions.ActionError, match="already decided"):
        actions.do_decide(chief, violation.pk, actions.Decision(rules.WAIVE, "重新考虑"))


def test_another_unit_cannot_explain(officer_b, unit_a):
    violation = pending(unit_a)
    with pytest.raises(actions.ActionError):
        actions.do_file_explanation(officer_b, violation.pk, "不是我们的问题")
    assert not Explanation.objects.exists()


def test_no_explanation_after_the_decision(officer_a, chief):
    violation = pending(officer_a.unit)
    actions.do_decide(chief, violation.pk, actions.Decision(rules.CONFIRM))
    with pytest.raises(actions.ActionError, match="already decided"):
        actions.do_file_explanation(officer_a, violation.pk, "补充说明")


def test_an_empty_explanation_is_refused(head_a):
    violation = pending(head_a.unit)
    with pytest.raises(actions.ActionError):
        actions.do_file_explanation(head_a, violation.pk, "  ")
    assert not Explanation.objects.exists()


# --- sightings: missed candidates and their withdrawal ------------------------------------------


def test_a_missed_candidate_is_pending_until_its_sighting_is_matched(
    officer_a, duty_officer, chief
):
    seen = shanghai(LAST_SUNDAY, "01:40")
    s = sighting(duty_officer, officer_a.unit, seen)
    engine.run_pass(seen + minutes(35))
    missed = Violation.objects.get()
    assert (missed.kind, missed.status, missed.incident) == (
        ViolationKind.MISSED,
        ViolationStatus.PENDING,
        None,
    )
    report = emergency_actions.do_open_incident(
        duty_officer,
        emergency_actions.IncidentFacts(
            title="甲区某化工厂仓库火灾",
            category="accident",
            place="甲区经开区",
            occurred_at=seen - minutes(5),
            known_at=shanghai(LAST_SUNDAY, "02:30"),
            units=[officer_a.unit],
            level="2",
        ),
        emergency_actions.ReportContent(summary="仓库起火，已扑灭。"),
        emergency_actions.PhoneCall("张三", "13800000000", shanghai(LAST_SUNDAY, "02:30")),
        now=shanghai(LAST_SUNDAY, "02:30"),
    )
    actions_sightings.do_match_sighting(
        duty_officer, s.pk, report.incident_id, now=shanghai(LAST_SUNDAY, "02:31")
    )
    missed.refresh_from_db()
    assert missed.status == ViolationStatus.WITHDRAWN
    assert missed.incident_id == report.incident_id
    assert ViolationCandidate.objects.get(kind=CandidateKind.MISSED).status == (
        CandidateStatus.SUPERSEDED
    )
    # The late reports the incident's own deadlines found are pending in its place.
    late = Violation.objects.get(kind=ViolationKind.LATE)
    assert (late.status, late.minutes_late) == (ViolationStatus.PENDING, 35)
    with pytest.raises(actions.ActionError, match="already decided"):
        actions.do_decide(chief, missed.pk, actions.Decision(rules.CONFIRM))


def test_a_late_report_measured_again_updates_its_pending_violation(
    officer_a, head_a, duty_officer
):
    seen = shanghai(TODAY, "10:00")
    s = sighting(duty_officer, officer_a.unit, seen)
    known = seen + minutes(20)
    report = emergency_actions.do_open_incident(
        officer_a,
        emergency_actions.IncidentFacts(
            title="甲区某化工厂仓库火灾",
            category="accident",
            place="甲区经开区",
            occurred_at=seen - minutes(5),
            known_at=known,
            units=[officer_a.unit],
            level="3",
        ),
        emergency_actions.ReportContent(summary="仓库起火。"),
        now=known,
    )
    phoned_in_time(report.incident, officer_a.unit, known + minutes(5))  # Ⅲ: within 30 minutes
    emergency_actions.do_sign_off_report(head_a, report.pk, now=seen + minutes(85))
    assert Violation.objects.get().minutes_late == 5  # due 11:20 by its own clock
    actions_sightings.do_match_sighting(
        duty_officer, s.pk, report.incident_id, now=seen + minutes(90)
    )
    assert Violation.objects.get().minutes_late == 25  # the clock moved to the sighting: 11:00


# --- false and concealed reports, entered by the section ----------------------------------------


def test_an_editor_enters_a_false_report_with_its_evidence(editor, officer_a, head_a):
    entry = actions.Entry(
        unit=officer_a.unit,
        kind=ViolationKind.FALSE,
        evidence="核实发现伤亡人数与实际不符。",
        occurred_on=DAY,
        summary="某小区燃气泄漏",
        serious=True,
    )
    violation = actions.do_enter_violation(editor, entry)
    assert (violation.status, violation.entered_by, violation.serious) == (
        ViolationStatus.PENDING,
        editor,
        True,
    )
    assert AuditEntry.objects.get(action="violation_entered").data["kind"] == "false"
    assert any("[Violation recorded]" in t for t in inbox(officer_a))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": ViolationKind.LATE}, "deadline engine"),
        ({"evidence": "  "}, "evidence"),
        ({"summary": ""}, "Name the incident"),
    ],
)
def test_bad_entries_are_refused_with_a_message(editor, unit_a, change, message):
    fields = {
        "unit": unit_a,
        "kind": ViolationKind.CONCEALED,
        "evidence": "群众举报，核实属实。",
        "occurred_on": DAY,
        "summary": "某工地坍塌",
    } | change
    with pytest.raises(actions.ActionError, match=message):
        actions.do_enter_violation(editor, actions.Entry(**fields))
    assert not Violation.objects.exists()


def test_unit_people_cannot_enter_violations(officer_b, unit_a):
    entry = actions.Entry(unit_a, ViolationKind.FALSE, "证据", DAY, summary="某事")
    with pytest.raises(actions.ActionError):
        actions.do_enter_violation(officer_b, entry)


# --- candidates recorded before accountability existed ----------------------------------------


def test_the_migration_gives_earlier_candidates_their_violations(officer_a, head_a):
    late_report(officer_a, head_a)
    Violation.objects.all().delete()  # as before the app existed
    import_module("accountability.migrations.0004_seed_notice_policy_and_candidates").seed(
        apps, None
    )
    violation = Violation.objects.get()
    assert (violation.status, violation.minutes_late, violation.candidate) == (
        ViolationStatus.PENDING,
        16,
        ViolationCandidate.objects.get(),
    )
