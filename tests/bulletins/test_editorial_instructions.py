"""Leader instructions (批示): one follow-up task per source unit, feedback (反馈) when the office
closes on the `feedback_days`-th working day after the instruction, and the deadline engine's
reminders and breach. Time is frozen at explicit moments in Asia/Shanghai."""

import calendar
import re
from datetime import time, timedelta

import pytest
from django.urls import reverse

from bulletins import actions
from bulletins.actions import do_add_entries, do_create_issue
from bulletins.deadline_kinds import EditorialKind
from bulletins.models import AdoptionLevel, EditorialPolicy, Instruction, TaskStatus
from deadlines.models import ExpectStatus
from emergencies.models import ViolationCandidate
from org.models import OfficeHours
from submissions.models import ItemState
from tests.bulletins.editorial_helpers import (
    clock,
    flips,
    instruct,
    local,
    record_paper_instruction,
    row_of,
    run_until_idle,
    submitted_item,
    task_of,
    told,
)
from tests.clock import nth_weekday
from tests.factories import make_item, make_publication

pytestmark = pytest.mark.django_db

MONDAY = local(f"{nth_weekday(3, calendar.MONDAY)} 10:00")  # first Monday of March
# Seven working days (no notice has ever made a March day a holiday): Tuesday to Friday, then
# Monday to Wednesday of the next week; the office closes at 17:30.
DUE = local(f"{MONDAY.date() + timedelta(days=9)} 17:30")
TUESDAY = MONDAY.date() + timedelta(days=1)
HALF = MONDAY + (DUE - MONDAY) / 2


@pytest.fixture
def item(officer_a, head_a):
    return submitted_item(officer_a, head_a, MONDAY - timedelta(days=1))


@pytest.fixture
def joint_item(officer_a, head_a, unit_b):
    return submitted_item(officer_a, head_a, MONDAY - timedelta(days=1), joint_units=(unit_b,))


@pytest.fixture
def instruction(editor, item):
    return record_paper_instruction(editor, item, MONDAY)


def feedback_row(instruction, unit):
    return row_of(unit, task=task_of(instruction, unit))


# --- the follow-up tasks ---------------------------------------------------------------------


def test_it_asks_every_source_unit_of_a_joint_item_for_feedback(editor, joint_item, unit_a, unit_b):
    instruction = record_paper_instruction(editor, joint_item, MONDAY)
    assert {t.unit for t in instruction.tasks.all()} == {unit_a, unit_b}


def test_feedback_is_due_at_1730_seven_working_days_after_the_instruction(instruction, unit_a):
    assert task_of(instruction, unit_a).due_at == DUE


def test_the_feedback_window_is_the_editorial_policy(editor, item, unit_a):
    EditorialPolicy.objects.update_or_create(pk=1, defaults={"feedback_days": 3})
    instruction = record_paper_instruction(editor, item, MONDAY)
    thursday = MONDAY.date() + timedelta(days=3)  # three working days: Tue, Wed, Thu
    assert task_of(instruction, unit_a).due_at == local(f"{thursday} 17:30")


def test_feedback_is_due_when_the_office_closes(editor, item, unit_a):
    OfficeHours.objects.update_or_create(pk=1, defaults={"afternoon_end": time(18, 0)})
    instruction = record_paper_instruction(editor, item, MONDAY)
    seventh_working_day = MONDAY.date() + timedelta(days=9)
    assert task_of(instruction, unit_a).due_at == local(f"{seventh_working_day} 18:00")


def test_each_task_is_a_feedback_deadline_for_the_engine(instruction, unit_a):
    row = feedback_row(instruction, unit_a)
    assert (row.kind, row.status, row.due_at) == (EditorialKind.FEEDBACK, ExpectStatus.OPEN, DUE)


def test_a_leader_writes_in_their_own_name_at_city_level(leader, item):
    instruction = instruct(leader, item, MONDAY, leader_name="冒名", level=AdoptionLevel.CENTRAL)
    assert (instruction.leader, instruction.leader_name, instruction.level) == (
        leader,
        leader.full_name,
        AdoptionLevel.CITY,
    )


def test_an_editor_records_the_leader_and_level_of_a_paper_instruction(instruction, editor):
    assert (instruction.leader, instruction.leader_name, instruction.level) == (
        None,
        "王省长",
        AdoptionLevel.PROVINCE,
    )
    assert instruction.recorded_by == editor


def test_an_officer_cannot_record_an_instruction(officer_a, item):
    with pytest.raises(actions.ActionError):
        instruct(officer_a, item, MONDAY, leader_name="王省长")
    assert not Instruction.objects.exists()


# --- feedback --------------------------------------------------------------------------------


def test_feedback_on_time_meets_the_deadline(instruction, officer_a, unit_a):
    task = task_of(instruction, unit_a)
    at = DUE - timedelta(days=1)
    actions.do_file_feedback(officer_a, task.pk, "已组织专题研究，整改完成。", now=at)
    task.refresh_from_db()
    row = feedback_row(instruction, unit_a)
    assert (task.status, task.late) == (TaskStatus.ANSWERED, False)
    assert (row.status, row.met_at) == (ExpectStatus.MET, at)


def test_feedback_after_the_deadline_is_marked_late(instruction, head_a, unit_a):
    task = task_of(instruction, unit_a)
    actions.do_file_feedback(head_a, task.pk, "已整改。", now=DUE + timedelta(hours=2))
    task.refresh_from_db()
    assert task.late
    assert feedback_row(instruction, unit_a).met_at > DUE


def test_late_feedback_is_not_an_emergency_violation(instruction, officer_a, unit_a):
    task = task_of(instruction, unit_a)
    actions.do_file_feedback(officer_a, task.pk, "已整改。", now=DUE + timedelta(hours=2))
    assert not ViolationCandidate.objects.exists()


def test_a_unit_cannot_file_another_units_feedback(editor, joint_item, officer_b, unit_a):
    instruction = record_paper_instruction(editor, joint_item, MONDAY)
    with pytest.raises(actions.ActionError):
        actions.do_file_feedback(officer_b, task_of(instruction, unit_a).pk, "代报。", now=HALF)


def test_feedback_is_filed_once(instruction, officer_a, head_a, unit_a):
    task = task_of(instruction, unit_a)
    actions.do_file_feedback(officer_a, task.pk, "第一次。", now=HALF)
    with pytest.raises(actions.ActionError):
        actions.do_file_feedback(head_a, task.pk, "第二次。", now=HALF)


# --- reminders and the breach ----------------------------------------------------------------


def test_halfway_the_unit_is_reminded(instruction, officer_a, head_a, unit_a, editor, chief):
    run_until_idle(HALF)
    row = feedback_row(instruction, unit_a)
    assert flips(row) == ["reminder"]
    assert told(row, "reminder") == {"officer_a", "head_a"}


def test_at_the_deadline_the_unit_and_the_section_are_told(
    instruction, officer_a, head_a, unit_a, editor, chief
):
    run_until_idle(DUE + timedelta(minutes=1))
    row = feedback_row(instruction, unit_a)
    assert flips(row)[-1] == "breach"
    assert told(row, "breach") == {"officer_a", "head_a", "editor", "chief"}


def test_feedback_in_time_stops_the_reminders(instruction, officer_a, unit_a):
    actions.do_file_feedback(officer_a, task_of(instruction, unit_a).pk, "已落实。", now=HALF)
    run_until_idle(DUE + timedelta(days=1))
    assert flips(feedback_row(instruction, unit_a)) == []


def test_the_unit_is_told_of_the_instruction_at_once(instruction, officer_a):
    assert officer_a.notifications.filter(key=f"instruction:{instruction.pk}").exists()


# --- the item page ---------------------------------------------------------------------------


def instruct_url(item):
    return reverse("bulletins:instruct", args=[item.pk])


def item_url(item):
    return reverse("submissions:detail", args=[item.pk])


@pytest.fixture
def adopted(officer_a, head_a, editor, city_daily):
    return make_item(
        officer_a, ItemState.ADOPTED, head=head_a, editor=editor, publication=city_daily
    )


def test_a_leader_is_offered_to_write_an_instruction(client_of, leader, adopted):
    page = client_of(leader).get(item_url(adopted)).content.decode()
    assert "写批示" in page
    assert 'name="instr-leader_name"' not in page


def test_an_editor_is_offered_to_record_one_with_leader_and_level(client_of, editor, adopted):
    page = client_of(editor).get(item_url(adopted)).content.decode()
    assert "登记批示" in page
    assert 'name="instr-leader_name"' in page and 'name="instr-level"' in page


def test_the_unit_sees_the_instructions_and_their_status_but_no_form(
    client_of, officer_a, editor, adopted
):
    record_paper_instruction(editor, adopted, MONDAY)
    page = client_of(officer_a).get(item_url(adopted)).content.decode()
    assert "省领导批示。" in page
    assert "王省长" in page
    assert 'name="instr-text"' not in page


def test_a_leader_writes_an_instruction_from_the_item_page(client_of, leader, adopted, unit_a):
    with clock(MONDAY):
        response = client_of(leader).post(
            instruct_url(adopted),
            {"instr-text": "很好，请总结推广。", "instr-instructed_on": f"{MONDAY:%Y-%m-%d}"},
        )
    assert response.status_code == 302
    instruction = Instruction.objects.get()
    assert (instruction.leader, instruction.text) == (leader, "很好，请总结推广。")
    assert instruction.tasks.get().unit == unit_a


def test_an_editor_records_a_paper_instruction_from_the_item_page(client_of, editor, adopted):
    with clock(MONDAY):
        client_of(editor).post(
            instruct_url(adopted),
            {
                "instr-leader_name": "李书记",
                "instr-level": "province",
                "instr-text": "请抓紧落实。",
                "instr-instructed_on": f"{MONDAY:%Y-%m-%d}",
            },
        )
    instruction = Instruction.objects.get()
    assert (instruction.leader_name, instruction.level) == ("李书记", AdoptionLevel.PROVINCE)


def test_a_paper_instruction_without_a_leader_is_refused(client_of, editor, adopted):
    response = client_of(editor).post(
        instruct_url(adopted),
        {
            "instr-level": "city",
            "instr-text": "请抓紧落实。",
            "instr-instructed_on": f"{MONDAY:%Y-%m-%d}",
        },
    )
    assert response.status_code == 400
    assert not Instruction.objects.exists()


def test_an_instruction_dated_tomorrow_is_refused(client_of, leader, adopted):
    with clock(MONDAY):
        response = client_of(leader).post(
            instruct_url(adopted),
            {
                "instr-text": "请落实。",
                "instr-instructed_on": f"{TUESDAY:%Y-%m-%d}",
            },
        )
    assert response.status_code == 400
    assert not Instruction.objects.exists()


def test_an_officer_cannot_reach_the_instruction_form(client_of, officer_a, adopted):
    assert client_of(officer_a).get(instruct_url(adopted)).status_code == 403


def test_a_leader_cannot_instruct_on_an_item_they_cannot_see(client_of, leader, item):
    assert client_of(leader).get(instruct_url(item)).status_code == 404


# --- the instruction board -------------------------------------------------------------------

BOARD = reverse("bulletins:instructions")


@pytest.fixture
def board_tasks(editor, joint_item, officer_a, unit_a, unit_b, officer_b):
    """Unit A filed late on one instruction; unit B's feedback on it is still due."""
    instruction = record_paper_instruction(editor, joint_item, MONDAY)
    actions.do_file_feedback(
        officer_a, task_of(instruction, unit_a).pk, "甲区已整改到位。", now=DUE + timedelta(hours=1)
    )
    return instruction


def test_the_section_sees_open_feedback_overdue_and_answered_late(client_of, editor, board_tasks):
    with clock(DUE + timedelta(hours=2)):
        response = client_of(editor).get(BOARD)
    page = response.content.decode()
    (row,) = response.context["open_rows"]
    assert (row["task"].unit.code, row["urgency"]) == ("unit-b", "overdue")
    assert 'class="urg-overdue"' in page
    assert "甲区已整改到位。" in page
    assert [t.unit.code for t in response.context["answered_page"]] == ["unit-a"]


def test_the_section_filters_late_feedback(client_of, editor, board_tasks):
    response = client_of(editor).get(BOARD, {"state": "late"})
    assert response.context["open_rows"] == []
    assert [t.unit.code for t in response.context["answered_page"]] == ["unit-a"]


def test_the_section_filters_by_unit(client_of, editor, board_tasks, unit_b):
    response = client_of(editor).get(BOARD, {"unit": unit_b.pk})
    assert [r["task"].unit.code for r in response.context["open_rows"]] == ["unit-b"]
    assert list(response.context["answered_page"]) == []


def test_a_unit_sees_its_own_tasks_with_a_feedback_form(client_of, officer_b, board_tasks):
    response = client_of(officer_b).get(BOARD)
    assert [r["task"].unit.code for r in response.context["open_rows"]] == ["unit-b"]
    assert list(response.context["answered_page"]) == []
    assert "甲区已整改到位。" not in response.content.decode()


def test_the_unit_files_its_feedback_from_the_board(client_of, head_b, unit_b, board_tasks):
    task = task_of(board_tasks, unit_b)
    response = client_of(head_b).post(
        reverse("bulletins:task", args=[task.pk]), {f"t{task.pk}-feedback": "乙县已落实。"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.feedback, task.filed_by) == (
        TaskStatus.ANSWERED,
        "乙县已落实。",
        head_b,
    )


def test_another_unit_cannot_open_or_file_a_task(client_of, officer_b, board_tasks, unit_a, editor):
    instruction = record_paper_instruction(editor, board_tasks.item, MONDAY)
    task = task_of(instruction, unit_a)
    url = reverse("bulletins:task", args=[task.pk])
    assert client_of(officer_b).get(url).status_code == 404
    assert client_of(officer_b).post(url, {f"t{task.pk}-feedback": "代报。"}).status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_the_section_cannot_file_a_units_feedback(client_of, editor, board_tasks, unit_b):
    task = task_of(board_tasks, unit_b)
    url = reverse("bulletins:task", args=[task.pk])
    assert client_of(editor).post(url, {f"t{task.pk}-feedback": "代报。"}).status_code == 403


def test_a_leader_sees_the_feedback_on_their_instructions(client_of, leader, adopted, officer_a):
    instruction = instruct(leader, adopted, MONDAY)
    actions.do_file_feedback(officer_a, instruction.tasks.get().pk, "已按批示要求推广。", now=HALF)
    page = client_of(leader).get(BOARD).content.decode()
    assert "已按批示要求推广。" in page


def test_a_leader_does_not_see_instructions_recorded_for_others(client_of, leader, board_tasks):
    response = client_of(leader).get(BOARD)
    assert response.context["rows"] == []


def test_the_duty_officer_has_no_board(client_of, duty_officer):
    assert client_of(duty_officer).get(BOARD).status_code == 403


def test_the_board_does_not_grow_with_tasks(
    client_of, editor, officer_a, head_a, unit_b, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            item = submitted_item(officer_a, head_a, MONDAY, joint_units=(unit_b,))
            instruction = record_paper_instruction(editor, item, MONDAY)
            actions.do_file_feedback(officer_a, instruction.tasks.first().pk, "已落实。", now=HALF)

    for user in (editor, officer_a):
        client = client_of(user)
        client.get(BOARD)  # the first request of a session writes the idle-timeout stamp
        add(2)
        with django_assert_max_num_queries(100) as few:
            client.get(BOARD)
        add(6)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(BOARD)


# --- an instruction on a bulletin entry ------------------------------------------------------


@pytest.fixture
def entry(editor, adopted):
    daily = make_publication(code="yaoqing", name="要情专报", compiled_here=True)
    issue = do_create_issue(editor, daily, adopted.adoptions.get().adopted_on)
    do_add_entries(editor, issue.pk, [adopted.pk])
    return issue.entries.get()


def test_a_leader_instructs_on_an_item_as_it_appeared_in_a_bulletin(client_of, leader, entry):
    with clock(MONDAY):
        client_of(leader).post(
            instruct_url(entry.item) + f"?entry={entry.pk}",
            {"instr-text": "请推广。", "instr-instructed_on": f"{MONDAY:%Y-%m-%d}"},
        )
    assert Instruction.objects.get().entry == entry


def test_an_entry_of_another_item_is_not_found(client_of, leader, entry, officer_a, head_a):
    other = make_item(officer_a, ItemState.ADOPTED, head=head_a, publication=make_publication())
    assert client_of(leader).get(instruct_url(other) + f"?entry={entry.pk}").status_code == 404


def test_an_instruction_sent_twice_from_one_form_is_recorded_once(client_of, leader, adopted):
    """A double click, or the browser resending after a timeout: the form's token is the same."""
    client = client_of(leader)
    page = client.get(item_url(adopted)).content.decode()
    token = re.search(r'name="instr-form_token" value="([0-9a-f]{32})"', page)
    assert token, "the instruction form carries no token"
    data = {
        "instr-form_token": token[1],
        "instr-text": "很好，请总结推广。",
        "instr-instructed_on": f"{MONDAY:%Y-%m-%d}",
    }
    with clock(MONDAY):
        responses = [client.post(instruct_url(adopted), data) for _ in range(2)]
    assert [r["Location"] for r in responses] == [item_url(adopted)] * 2
    assert Instruction.objects.count() == 1
