"""The duty log and the handover: writes in one transaction with their audit rows, and the
refusals a duty officer meets, in Chinese."""

from datetime import timedelta

import pytest

from audit.models import AuditEntry
from deadlines.models import ExpectedReport, ExpectStatus
from duty import actions, queries
from duty.models import EntryKind, Handover, LogEntry
from org.models import DutyShift
from org.roles import Role
from tests.clock import TODAY, local
from tests.emergencies.emergency_factories import open_by_phone
from tests.factories import make_user
from xinbao.core.errors import ActionError

pytestmark = pytest.mark.django_db
NOW = local(TODAY, "08:05")


@pytest.fixture
def night(duty_officer):
    return DutyShift.objects.create(
        person=duty_officer,
        starts_at=NOW - timedelta(hours=16, minutes=5),
        ends_at=local(TODAY, "08:00"),
    )


@pytest.fixture
def relief(section):
    return make_user(Role.DUTY_OFFICER, section, username="relief", full_name="接班员")


@pytest.fixture
def day_shift(relief):
    return DutyShift.objects.create(
        person=relief, starts_at=local(TODAY, "08:00"), ends_at=local(TODAY, "18:00")
    )


def test_a_log_entry_is_written_with_its_audit_row_and_shown_in_the_log(night, duty_officer):
    entry = actions.add_entry(
        duty_officer,
        night,
        actions.Entry(
            at=NOW - timedelta(hours=3),
            kind=EntryKind.CALL_IN,
            summary="群众反映停水。",
            caller="李四",
        ),
        now=NOW,
    )
    assert AuditEntry.objects.filter(
        action="duty_log_entry_added", target=f"duty_log_entry:{entry.pk}"
    ).exists()
    lines = queries.log_lines(night)
    assert [line.summary for line in lines] == ["群众反映停水。"]


def test_an_entry_for_a_shift_not_begun_is_refused(duty_officer, day_shift):
    with pytest.raises(ActionError, match="尚未开始"):
        actions.add_entry(
            duty_officer,
            day_shift,
            actions.Entry(at=local(TODAY, "07:00"), kind=EntryKind.OTHER, summary="x"),
            now=local(TODAY, "07:30"),
        )
    assert not LogEntry.objects.exists()


def test_the_handover_carries_open_incidents_and_the_next_reports_due(
    night, day_shift, duty_officer, relief, unit_a
):
    incident = open_by_phone(duty_officer, unit_a, NOW - timedelta(hours=2))
    # The phone report taken in the night is in the night's log without being written twice.
    assert [line.link_label for line in queries.log_lines(night)] == [incident.title]
    assert queries.log_lines(night)[0].automatic
    handover = actions.start_handover(duty_officer, "甲区火情待续报。", now=NOW)
    incidents = [c["id"] for c in handover.carried if c["kind"] == "incident"]
    due = [c for c in handover.carried if c["kind"] == "deadline"]
    assert incidents == [incident.pk]
    open_rows = ExpectedReport.objects.filter(status=ExpectStatus.OPEN).order_by("due_at", "pk")
    assert [c["id"] for c in due] == [r.pk for r in open_rows]
    assert unit_a.name in {c["unit"] for c in due}
    assert handover.outgoing_shift == night
    signed = actions.sign_handover(relief, handover.pk, now=NOW + timedelta(minutes=5))
    assert (signed.outgoing, signed.incoming) == (duty_officer, relief)
    assert signed.signed_at == NOW + timedelta(minutes=5)
    actions_done = AuditEntry.objects.filter(target=f"duty_handover:{handover.pk}")
    assert sorted(actions_done.values_list("action", flat=True)) == [
        "duty_handover_signed",
        "duty_handover_started",
    ]


def test_a_handover_is_refused_to_the_wrong_signers(
    night, day_shift, duty_officer, relief, editor, chief
):
    handover = actions.start_handover(duty_officer, "", now=NOW)
    with pytest.raises(ActionError, match="不能自己签收"):
        actions.sign_handover(duty_officer, handover.pk, now=NOW)
    with pytest.raises(ActionError, match="只有接班班次的值班员"):
        actions.sign_handover(editor, handover.pk, now=NOW)
    assert Handover.objects.get(pk=handover.pk).signed_at is None
    actions.sign_handover(chief, handover.pk, now=NOW)  # the chief signs in place
    with pytest.raises(ActionError, match="不能重复签收"):
        actions.sign_handover(relief, handover.pk, now=NOW)
    assert Handover.objects.get(pk=handover.pk).incoming == chief


def test_a_handover_needs_a_shift_and_is_started_once(night, duty_officer, relief):
    with pytest.raises(ActionError, match="没有正在进行"):
        actions.start_handover(relief, "", now=NOW)
    actions.start_handover(duty_officer, "", now=NOW)
    with pytest.raises(ActionError, match="已经发起"):
        actions.start_handover(duty_officer, "", now=NOW)
    assert Handover.objects.count() == 1


def test_once_both_officers_signed_the_log_of_the_shift_is_closed(
    night, day_shift, duty_officer, relief
):
    def line(summary: str) -> actions.Entry:
        return actions.Entry(at=NOW - timedelta(hours=1), kind=EntryKind.OTHER, summary=summary)

    handover = actions.start_handover(duty_officer, "", now=NOW)
    # Started, not yet signed: the outgoing officer may still add what they forgot.
    actions.add_entry(duty_officer, night, line("补充：城东停水已恢复。"), now=NOW)
    actions.sign_handover(relief, handover.pk, now=NOW)
    for who in (duty_officer, relief):
        with pytest.raises(ActionError, match="本班次已交接，日志不可再修改"):
            actions.add_entry(who, night, line("交接后补写"), now=NOW)
    assert [e.summary for e in LogEntry.objects.all()] == ["补充：城东停水已恢复。"]
    assert AuditEntry.objects.filter(action="duty_log_entry_added").count() == 1
