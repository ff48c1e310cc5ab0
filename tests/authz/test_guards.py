"""The page's guard is what its buttons ask (org/guards.py): the emergency board shows "report an
incident" to exactly the roles the report page lets in."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from org import guards
from tests.factories import PERSONAS

NEW = reverse("emergencies:new")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_report_button_shows_iff_the_report_page_opens(persona, personas, client_of) -> None:
    user = personas[persona]
    client = client_of(user)
    board = client.get(reverse("emergencies:board"))
    opens = client.get(NEW).status_code == 200
    if board.status_code != 200:
        assert not opens  # no board, no button; and the page refuses too
        return
    shown = f'href="{NEW}"' in board.content.decode()
    assert shown is opens, (persona, shown, opens)


def test_unit_heads_and_leaders_are_not_offered_the_report(head_a, leader, officer_a) -> None:
    assert not guards.may(head_a, "emergencies:new")
    assert not guards.may(leader, "emergencies:new")
    assert guards.may(officer_a, "emergencies:new")


def test_asking_about_a_page_without_a_guard_is_an_error(editor) -> None:
    request = RequestFactory().get("/")
    request.user = editor
    template = Template('{% load org_access %}{% may "submissions:list" as ok %}{{ ok }}')
    with pytest.raises(ImproperlyConfigured):
        template.render(Context({"request": request}))


def test_nobody_anonymous_may(db) -> None:
    assert guards.may(None, "emergencies:new") is False


def test_a_hidden_page_answers_404_to_a_stranger(client_of, leader, unit_a) -> None:
    """A leader reads the rankings but not a unit's eligibility: the page does not exist for
    them, and the rankings do not link it."""
    url = reverse("accountability:unit_eligibility", args=[unit_a.pk])
    assert client_of(leader).get(url).status_code == 404
    assert not guards.may(leader, "accountability:unit_eligibility", unit_a.pk)
