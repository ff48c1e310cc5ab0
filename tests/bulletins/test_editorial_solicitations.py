"""Solicitations (约稿): one answer expected per target unit, met when an item linked to the
solicitation is signed off by the unit head; reminders and the breach through the deadline
engine; the section's view of who answered on time, late, or not at all."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from bulletins import actions
from bulletins.deadline_kinds import EditorialKind
from bulletins.models import Solicitation
from bulletins.rules import AnswerStatus
from deadlines.models import ExpectStatus
from org.models import UnitKind
from org.roles import Role
from submissions import actions as items
from submissions.models import InfoItem
from tests.bulletins.editorial_helpers import (
    answer,
    clock,
    flips,
    local,
    row_of,
    run_until_idle,
    solicit,
    told,
)
from tests.clock import YEAR
from tests.factories import content, make_unit, make_user

pytestmark = pytest.mark.django_db

ISSUED = local(f"{YEAR}-06-01 09:00")
DUE = local(f"{YEAR}-06-05 17:30")
HALF = ISSUED + (DUE - ISSUED) / 2
AFTER = DUE + timedelta(hours=1)
LIST = reverse("bulletins:solicitations")


@pytest.fixture
def unit_c(db):
    return make_unit("丙区委办公室", code="unit-c", kind=UnitKind.DISTRICT)


@pytest.fixture
def department(db):
    return make_unit("市农业农村局", code="dept", kind=UnitKind.DEPARTMENT)


@pytest.fixture
def solicitation(editor, officer_a, head_a, officer_b, head_b, unit_a, unit_b):
    return solicit(editor, [unit_a, unit_b], ISSUED, DUE)


def detail_url(solicitation):
    return reverse("bulletins:solicitation", args=[solicitation.pk])


# --- the deadline rows -----------------------------------------------------------------------


def test_each_target_unit_owes_one_answer(solicitation, unit_a, unit_b):
    rows = solicitation.expected.all()
    assert {(r.unit, r.kind, r.due_at) for r in rows} == {
        (unit_a, EditorialKind.SOLICITED, DUE),
        (unit_b, EditorialKind.SOLICITED, DUE),
    }


def test_the_target_officers_are_told_at_once(solicitation, officer_a, officer_b):
    key = f"solicitation:{solicitation.pk}"
    assert officer_a.notifications.filter(key=key).exists()
    assert officer_b.notifications.filter(key=key).exists()


def test_an_item_signed_off_before_the_deadline_meets_it(solicitation, officer_a, head_a, unit_a):
    item = answer(officer_a, head_a, solicitation, HALF)
    row = row_of(unit_a, solicitation=solicitation)
    assert item.solicitation_id == solicitation.pk
    assert (row.status, row.met_at) == (ExpectStatus.MET, HALF)


def test_an_answer_awaiting_sign_off_is_not_in_yet(solicitation, officer_a, unit_a):
    with clock(HALF):
        items.do_create_item(officer_a, content(solicitation_id=solicitation.pk), submit=True)
    assert row_of(unit_a, solicitation=solicitation).status == ExpectStatus.OPEN


def test_halfway_the_silent_units_are_reminded(solicitation, unit_a):
    run_until_idle(HALF)
    row = row_of(unit_a, solicitation=solicitation)
    assert flips(row) == ["reminder"]
    assert told(row, "reminder") == {"officer_a", "head_a"}


def test_a_unit_that_never_answers_is_breached_at_the_deadline(
    solicitation, officer_a, head_a, unit_a, unit_b, editor, chief
):
    answer(officer_a, head_a, solicitation, HALF - timedelta(hours=1))
    run_until_idle(AFTER)
    silent = row_of(unit_b, solicitation=solicitation)
    assert flips(silent)[-1] == "breach"
    assert told(silent, "breach") == {"officer_b", "head_b", "editor", "chief"}
    assert flips(row_of(unit_a, solicitation=solicitation)) == []


def test_an_officer_cannot_issue_a_solicitation(officer_a, unit_a):
    with pytest.raises(actions.ActionError):
        solicit(officer_a, [unit_a], ISSUED, DUE)


# --- the solicitation's page -----------------------------------------------------------------


@pytest.fixture
def answered(editor, officer_a, head_a, officer_b, head_b, unit_a, unit_b, unit_c):
    """A answered on time, B late, C never."""
    solicitation = solicit(editor, [unit_a, unit_b, unit_c], ISSUED, DUE)
    on_time = answer(officer_a, head_a, solicitation, HALF)
    late = answer(officer_b, head_b, solicitation, AFTER)
    return {"on_time": on_time, "late": late}


def statuses(response):
    return {line.unit.code: line.status for line in response.context["lines"]}


def test_the_section_sees_who_answered_on_time_late_or_missed(client_of, editor, answered):
    solicitation = Solicitation.objects.get(pk=answered["on_time"].solicitation_id)
    with clock(AFTER + timedelta(hours=1)):
        response = client_of(editor).get(detail_url(solicitation))
    assert statuses(response) == {
        "unit-a": AnswerStatus.ON_TIME,
        "unit-b": AnswerStatus.LATE,
        "unit-c": AnswerStatus.MISSED,
    }
    page = response.content.decode()
    for item in answered.values():
        assert reverse("submissions:detail", args=[item.pk]) in page


def test_before_the_deadline_a_silent_unit_is_not_yet_missed(client_of, editor, solicitation):
    with clock(HALF):
        response = client_of(editor).get(detail_url(solicitation))
    assert set(statuses(response).values()) == {AnswerStatus.PENDING}


def test_the_list_counts_answers_and_misses(client_of, editor, answered):
    with clock(AFTER + timedelta(hours=1)):
        response = client_of(editor).get(LIST)
    (row,) = response.context["rows"]
    assert (row["s"].n_units, row["s"].n_on_time, row["s"].n_late, row["missed"]) == (3, 1, 1, 1)


def test_the_officer_sees_the_requirements_and_a_button_to_answer(
    client_of, officer_a, solicitation
):
    with clock(HALF):
        page = client_of(officer_a).get(detail_url(solicitation)).content.decode()
    assert "请报送本地汛期隐患排查整治的做法和成效" in page
    assert f'href="/items/new/?solicitation={solicitation.pk}"' in page


def test_the_item_form_preselects_the_solicitation(client_of, officer_a, solicitation):
    with clock(HALF):
        page = client_of(officer_a).get(f"/items/new/?solicitation={solicitation.pk}")
    assert f'<option value="{solicitation.pk}" selected>' in page.content.decode()


ANSWER = {
    "title": "本区汛期隐患排查整治情况",
    "kind": "news",
    "body": "本区组织排查汛期隐患点12处，已整改9处，其余3处落实专人值守。",
}


def test_the_item_form_links_the_item_to_the_solicitation(client_of, officer_a, solicitation):
    with clock(HALF):
        client_of(officer_a).post("/items/new/", {**ANSWER, "solicitation": solicitation.pk})
    assert InfoItem.objects.get(title=ANSWER["title"]).solicitation_id == solicitation.pk


def test_the_item_form_refuses_a_solicitation_the_unit_was_not_asked(
    client_of, editor, officer_a, unit_b, solicitation
):
    other = solicit(editor, [unit_b], ISSUED, DUE)
    with clock(HALF):
        response = client_of(officer_a).post("/items/new/", {**ANSWER, "solicitation": other.pk})
        assert f'<option value="{other.pk}"' not in response.content.decode()
    assert "solicitation" in response.context["form"].errors
    assert not InfoItem.objects.filter(title=ANSWER["title"]).exists()


def test_the_officer_sees_only_their_units_line(client_of, officer_a, solicitation):
    with clock(HALF):
        response = client_of(officer_a).get(detail_url(solicitation))
    assert list(statuses(response)) == ["unit-a"]


def test_a_unit_not_asked_cannot_open_it(client_of, solicitation, unit_c):
    outsider = make_user(Role.OFFICER, unit_c)
    assert client_of(outsider).get(detail_url(solicitation)).status_code == 404


def test_the_unit_list_shows_its_own_status(client_of, officer_a, head_a, solicitation):
    answer(officer_a, head_a, solicitation, HALF)
    response = client_of(head_a).get(LIST)
    assert [(r["s"], r["status"]) for r in response.context["rows"]] == [
        (solicitation, AnswerStatus.ON_TIME)
    ]


# --- issuing from the list page --------------------------------------------------------------


def issue(client, **fields):
    data = {
        "topic": "粮食安全工作情况",
        "requirements": "请报送本地粮食生产情况。",
        "due_at": f"{YEAR}-06-10T17:30",
        **fields,
    }
    with clock(ISSUED):
        return client.post(LIST, data)


def test_the_section_issues_a_solicitation_to_chosen_units(client_of, editor, unit_a, department):
    response = issue(client_of(editor), units=[unit_a.pk, department.pk])
    solicitation = Solicitation.objects.get()
    assert response.status_code == 302
    assert set(solicitation.units.all()) == {unit_a, department}
    assert solicitation.due_at == local(f"{YEAR}-06-10 17:30")
    assert solicitation.expected.count() == 2


def test_all_districts_and_counties_at_once(client_of, editor, unit_a, unit_b, department):
    issue(client_of(editor), groups=["districts"])
    assert set(Solicitation.objects.get().units.all()) == {unit_a, unit_b}


def test_all_departments_at_once(client_of, editor, unit_a, department):
    issue(client_of(editor), groups=["departments"], units=[unit_a.pk])
    assert set(Solicitation.objects.get().units.all()) == {unit_a, department}


def test_a_solicitation_needs_target_units(client_of, editor, unit_a):
    assert issue(client_of(editor)).status_code == 400
    assert not Solicitation.objects.exists()


def test_a_past_deadline_is_refused(client_of, editor, unit_a):
    assert (
        issue(client_of(editor), units=[unit_a.pk], due_at=f"{YEAR}-05-30T17:30").status_code == 400
    )
    assert not Solicitation.objects.exists()


def test_an_officer_cannot_issue_from_the_page(client_of, officer_a, unit_a):
    assert issue(client_of(officer_a), units=[unit_a.pk]).status_code == 403
    assert not Solicitation.objects.exists()


def test_leaders_and_the_duty_office_have_no_solicitations(client_of, leader, duty_officer):
    assert client_of(leader).get(LIST).status_code == 403
    assert client_of(duty_officer).get(LIST).status_code == 403


# --- pages do not grow -----------------------------------------------------------------------


def answered_by(editor, n):
    """A solicitation to `n` new districts, each of which answered."""
    people = []
    for _ in range(n):
        unit = make_unit(kind=UnitKind.DISTRICT)
        people.append((make_user(Role.OFFICER, unit), make_user(Role.UNIT_HEAD, unit)))
    solicitation = solicit(editor, [o.unit for o, _h in people], ISSUED, DUE)
    for officer, head in people:
        answer(officer, head, solicitation, HALF)
    return solicitation


def queries(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(100) as counted:
        assert client.get(url).status_code == 200
    return len(counted.captured_queries)


def test_the_pages_do_not_grow_with_units_and_answers(
    client_of, editor, django_assert_max_num_queries
):
    client = client_of(editor)
    client.get(LIST)  # the first request of a session writes the idle-timeout stamp
    small = answered_by(editor, 1)
    few = {
        url: queries(client, url, django_assert_max_num_queries)
        for url in (LIST, detail_url(small))
    }
    large = answered_by(editor, 6)
    answered_by(editor, 3)
    assert queries(client, LIST, django_assert_max_num_queries) <= few[LIST]
    assert (
        queries(client, detail_url(large), django_assert_max_num_queries) <= few[detail_url(small)]
    )


def test_a_solicitation_sent_twice_from_one_form_is_issued_once(client_of, editor, unit_a):
    """A double click, or the browser resending after a timeout: the form's token is the same."""
    client = client_of(editor)
    page = client.get(LIST).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f]{32})"', page)
    assert token, "the solicitation form carries no token"
    first, again = (issue(client, units=[unit_a.pk], form_token=token[1]) for _ in range(2))
    solicitation = Solicitation.objects.get()
    assert first["Location"] == again["Location"] == detail_url(solicitation)
    issue(client, units=[unit_a.pk], form_token=uuid.uuid4().hex)
    assert Solicitation.objects.count() == 2
