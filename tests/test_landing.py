"""Each role's home page is where its work is (issue 13): the page "/" sends each persona to."""

import pytest
from django.urls import reverse

# The table the office asked for, written out role by role (not derived from the code).
LANDING = {
    "officer_a": "submissions:home",  # the unit's items: drafts, returned, recent
    "head_a": "submissions:home",  # what awaits sign-off
    "editor": "submissions:home",  # the review queue
    "chief": "submissions:home",  # the office's counts and the queue
    "duty_officer": "emergencies:board",
    "leader": "insight:morning",  # the morning view (态势): what stands today
    "system_admin": "org:units",
    "security_admin": "org:security",
    "audit_admin": "audit:log",
}


@pytest.mark.parametrize("persona", LANDING)
def test_each_role_lands_where_its_work_is(persona, request, client_of) -> None:
    user = request.getfixturevalue(persona)
    client = client_of(user)
    answer = client.get("/")
    assert answer.status_code == 302
    assert answer["Location"] == reverse(LANDING[persona])
    assert client.get(answer["Location"]).status_code == 200


def test_the_head_sees_what_awaits_sign_off_and_the_editor_the_queue(
    head_a, editor, officer_a, leader, duty_officer, client_of
) -> None:
    head_page = client_of(head_a).get("/", follow=True).content.decode()
    assert 'id="awaiting"' in head_page
    editor_page = client_of(editor).get("/", follow=True).content.decode()
    assert 'id="queue"' in editor_page
    officer_page = client_of(officer_a).get("/", follow=True).content.decode()
    assert reverse("submissions:create") in officer_page
    leader_page = client_of(leader).get("/", follow=True).content.decode()
    assert 'id="published"' in leader_page and 'id="adopted"' in leader_page
    assert 'id="incidents"' in leader_page and 'id="overdue"' in leader_page
    duty_page = client_of(duty_officer).get("/", follow=True).content.decode()
    assert 'id="board"' in duty_page
