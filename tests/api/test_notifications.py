"""GET /api/notifications and POST …/{id}/read, …/read-all: a person's own inbox, newest first,
the unread filter, paging; another person's notification is not found; a session's write needs
its CSRF token."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from notify.actions import Message, dispatch
from notify.models import Notification, Severity
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def tell(user, n: int) -> None:
    dispatch(Message(f"通知{n}", "正文", f"/items/{n}/", Severity.INFO, f"test:{n}"), [user])


@pytest.fixture
def inbox(officer_a, officer_b, _pinned_clock):
    """Three notifications for officer A, a minute apart (通知1 oldest), one for officer B."""
    for n in (1, 2, 3):
        tell(officer_a, n)
        _pinned_clock.shift(timedelta(minutes=1))
    tell(officer_b, 9)


def listed(client, **params):
    body = client.get("/api/notifications", params).json()
    return [n["title"] for n in body["results"]], body


def test_a_person_lists_their_own_notifications_newest_first(client_of, officer_a, inbox):
    titles, body = listed(client_of(officer_a))
    assert titles == ["通知3", "通知2", "通知1"]
    assert (body["count"], body["unread"]) == (3, 3)
    assert body["results"][0]["url"] == "/items/3/"


def test_another_persons_inbox_is_theirs(client_of, officer_b, leader, inbox):
    assert listed(client_of(officer_b))[0] == ["通知9"]
    assert listed(client_of(leader))[0] == []


def test_marking_read_and_the_unread_filter(client_of, officer_a, inbox):
    client = client_of(officer_a)
    second = Notification.objects.get(recipient=officer_a, title="通知2")
    answer = client.post(f"/api/notifications/{second.pk}/read")
    assert answer.status_code == 200
    assert answer.json()["read_at"] is not None
    titles, body = listed(client, unread=True)
    assert titles == ["通知3", "通知1"]
    assert (body["count"], body["unread"]) == (2, 2)
    # Again: nothing changes, the answer is the same notification.
    assert client.post(f"/api/notifications/{second.pk}/read").json() == answer.json()
    assert client.post("/api/notifications/read-all").json() == {"marked": 2}
    assert client.post("/api/notifications/read-all").json() == {"marked": 0}
    assert listed(client, unread=True)[0] == []


def test_another_persons_notification_is_not_found(client_of, officer_a, officer_b, inbox):
    theirs = Notification.objects.get(recipient=officer_b)
    answer = client_of(officer_a).post(f"/api/notifications/{theirs.pk}/read")
    assert answer.status_code == 404
    assert error_of(answer) == {"code": "not_found", "message": "找不到该对象。"}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_come_in_pages(client_of, officer_a, inbox):
    client = client_of(officer_a)
    titles, body = listed(client, per_page=2)
    assert (titles, body["has_next"]) == (["通知3", "通知2"], True)
    titles, body = listed(client, per_page=2, page=2)
    assert (titles, body["has_next"]) == (["通知1"], False)


def test_a_session_write_without_its_csrf_token_is_refused(officer_a, inbox):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    note = Notification.objects.filter(recipient=officer_a).first()
    answer = client.post(f"/api/notifications/{note.pk}/read")
    assert answer.status_code == 403
    assert set(answer.json()) == {"error"}
    note.refresh_from_db()
    assert note.read_at is None


def test_nobody_signed_in_gets_401(client, inbox):
    assert client.get("/api/notifications").status_code == 401
    assert client.post("/api/notifications/read-all").status_code == 401


def test_bad_parameters_are_refused_in_chinese(client_of, officer_a):
    answer = client_of(officer_a).get("/api/notifications", {"unread": "perhaps"})
    assert answer.status_code == 422
    assert error_of(answer)["message"] == "请求无效。"


def test_the_list_costs_the_same_queries_for_more_notifications(client_of, officer_a, inbox):
    client = client_of(officer_a)
    client.get("/api/notifications")

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/api/notifications")
        return len(queries)

    before = counted()
    for n in range(10, 20):
        tell(officer_a, n)
    assert counted() == before
