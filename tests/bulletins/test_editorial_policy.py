"""The editorial policy (feedback window, reminder fractions), edited by the section chief and
audited; and the menu links to the instruction and solicitation screens."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from bulletins import actions
from bulletins.models import EditorialPolicy

pytestmark = pytest.mark.django_db

POLICY = reverse("bulletins:editorial_policy")


def test_the_chief_changes_the_feedback_window_and_it_is_audited(client_of, chief):
    response = client_of(chief).post(
        POLICY,
        {
            "feedback_days": "5",
            "solicitation_days": "4",
            "reminder_fractions_0": "80",
            "reminder_fractions_1": "50",
        },
    )
    assert response.status_code == 302
    policy = EditorialPolicy.current()
    assert (policy.feedback_days, policy.solicitation_days) == (5, 4)
    assert policy.reminder_fractions == "0.5,0.8"
    entry = AuditEntry.objects.get(action="editorial_policy_changed")
    assert entry.data == {
        "before": {"feedback_days": 7, "solicitation_days": 7, "reminder_fractions": "0.5,0.9"},
        "after": {"feedback_days": 5, "solicitation_days": 4, "reminder_fractions": "0.5,0.8"},
    }


def test_bad_fractions_change_nothing(client_of, chief):
    response = client_of(chief).post(POLICY, {"feedback_days": "5", "reminder_fractions_0": "200"})
    assert response.status_code == 400
    assert EditorialPolicy.current().feedback_days == 7
    assert not AuditEntry.objects.filter(action="editorial_policy_changed").exists()


def test_an_editor_reads_the_policy_but_cannot_change_it(client_of, editor):
    client = client_of(editor)
    assert client.get(POLICY).status_code == 200
    assert (
        client.post(POLICY, {"feedback_days": "1", "reminder_fractions_0": "50"}).status_code == 403
    )
    with pytest.raises(actions.ActionError):
        actions.do_set_editorial_policy(editor, 1, "0.5")
    assert EditorialPolicy.current().feedback_days == 7


def test_units_do_not_see_the_policy_page(client_of, officer_a):
    assert client_of(officer_a).get(POLICY).status_code == 403


def test_saving_the_same_values_writes_no_audit_entry(chief):
    actions.do_set_editorial_policy(chief, 7, "0.5,0.9")
    assert not AuditEntry.objects.filter(action="editorial_policy_changed").exists()


# --- the menu --------------------------------------------------------------------------------


def menu(client):
    return {link.key for link in client.get(reverse("submissions:home")).context["nav_links"]}


@pytest.mark.parametrize(
    ("persona", "instructions", "solicitations"),
    [
        ("officer_a", True, True),
        ("head_a", True, True),
        ("editor", True, True),
        ("chief", True, True),
        ("leader", True, False),
        ("duty_officer", False, False),
    ],
)
def test_the_menu_links_where_the_role_works(
    personas, client_of, persona, instructions, solicitations
):
    keys = menu(client_of(personas[persona]))
    assert ("instructions" in keys, "solicitations" in keys) == (instructions, solicitations)
