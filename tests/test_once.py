"""Idempotent submission: a create form posted again with its token — a double click, the browser
resending after a timeout, a retry after the server was killed — creates nothing new and leads
the user to what the first post saved. Two posts racing with one token make one row."""

import re
import threading
import uuid

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from emergencies.models import Incident, IncidentReport, Sighting
from submissions import actions as item_actions
from submissions.models import Attachment, InfoItem, ItemEvent
from tests.emergencies.emergency_factories import minutes, open_by_phone
from tests.factories import BODY, pdf

pytestmark = pytest.mark.django_db

CREATE = reverse("submissions:create")
NEW_INCIDENT = reverse("emergencies:new")
SIGHTINGS = reverse("emergencies:sightings")
_HIDDEN = re.compile(r'<input type="hidden" name="form_token" value="([0-9a-f]{32})"')
SAID_ALREADY = "此前的提交已经保存"  # the Chinese message, as the user reads it


def token_of(client: Client, url: str) -> str:
    """The token the rendered form carries, read from the page as a browser would send it."""
    page = client.get(url).content.decode()
    match = _HIDDEN.search(page)
    assert match, "the form carries no token"
    return match[1]


def item_post(token: str | None, **overrides) -> dict:
    data = {"title": "某区部署汛期安全生产隐患排查", "kind": "news", "body": BODY, "submit": "1"}
    if token is not None:
        data["form_token"] = token
    data.update(overrides)
    return data


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def incident_post(token: str, **extra) -> dict:
    ago = timezone.now() - minutes(10)
    return {
        "form_token": token,
        "title": "甲区某化工厂仓库火灾",
        "category": "accident",
        "level": "2",
        "place": "甲区经开区某化工厂",
        "occurred_at": local(ago - minutes(5)),
        "known_at": local(ago),
        "summary": "仓库起火，明火已扑灭，无人员被困。",
        "deaths": "0",
        "injuries": "0",
        "measures": "消防救援力量已到场处置。",
        **extra,
    }


def call_post(unit, token: str) -> dict:
    call = {"unit": str(unit.pk), "caller": "张三", "caller_phone": "13800000000"}
    return incident_post(token, called_at=local(timezone.now() - minutes(8)), **call)


# --- items ----------------------------------------------------------------------------------


def test_each_rendering_of_the_form_carries_a_new_token(client_of, officer_a):
    client = client_of(officer_a)
    assert token_of(client, CREATE) != token_of(client, CREATE)


def test_a_double_submit_creates_one_item_and_leads_to_it(client_of, officer_a):
    client = client_of(officer_a)
    token = token_of(client, CREATE)
    first = client.post(CREATE, item_post(token, attachments=[pdf("现场.pdf")]))
    again = client.post(CREATE, item_post(token, attachments=[pdf("现场.pdf")]), follow=True)
    item = InfoItem.objects.get()
    assert first["Location"] == again.redirect_chain[0][0] == f"/items/{item.pk}/"
    assert SAID_ALREADY in again.content.decode()
    assert (Attachment.objects.count(), ItemEvent.objects.filter(item=item).count()) == (1, 3)


def test_a_different_token_creates_a_second_item(client_of, officer_a):
    client = client_of(officer_a)
    client.post(CREATE, item_post(token_of(client, CREATE)))
    client.post(CREATE, item_post(token_of(client, CREATE)))
    assert InfoItem.objects.count() == 2


def test_the_same_token_from_two_people_is_two_items(client_of, officer_a, officer_b):
    token = uuid.uuid4().hex
    client_of(officer_a).post(CREATE, item_post(token))
    client_of(officer_b).post(CREATE, item_post(token))
    assert sorted(InfoItem.objects.values_list("author__username", flat=True)) == [
        "officer_a",
        "officer_b",
    ]


def test_a_post_without_a_token_still_creates_without_dedupe(client_of, officer_a):
    client = client_of(officer_a)
    responses = [client.post(CREATE, item_post(None)) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert InfoItem.objects.count() == 2


def test_a_damaged_token_is_refused_with_a_message_and_writes_nothing(client_of, officer_a):
    response = client_of(officer_a).post(CREATE, item_post("not-a-token"))
    assert response.status_code == 200
    assert "表单已损坏" in response.content.decode()
    assert InfoItem.objects.count() == 0


def test_a_form_shown_again_for_bad_input_keeps_its_token(client_of, officer_a):
    client = client_of(officer_a)
    token = token_of(client, CREATE)
    shown = client.post(CREATE, item_post(token, body="太短了。"))
    assert f'value="{token}"' in shown.content.decode()
    client.post(CREATE, item_post(token))
    client.post(CREATE, item_post(token))
    assert InfoItem.objects.count() == 1


def test_when_the_other_post_commits_first_the_constraint_decides(officer_a, monkeypatch):
    """The race, made deterministic: this post found no row for its token, then the other post
    with the same token committed before this one's INSERT. The unique constraint refuses the
    second row and the user is led to the first."""
    real = item_actions._insert_item
    token = uuid.uuid4()

    def other_post_lands_first(*args, **kwargs):
        real(*args, **kwargs)  # the racing request, committed
        return real(*args, **kwargs)

    monkeypatch.setattr(item_actions, "_insert_item", other_post_lands_first)
    content = item_actions.ItemContent("标题", BODY, "news")
    with pytest.raises(item_actions.AlreadySaved) as done:
        item_actions.do_create_item(officer_a, content, submit=True, token=token)
    assert list(InfoItem.objects.values_list("pk", flat=True)) == [done.value.obj.pk]
    assert ItemEvent.objects.count() == 2  # created + submitted, once


def _race(post, n: int = 4) -> list[int]:
    """`n` threads post at once, every one past the check for an existing row before any
    inserts; each returns its response's status code."""
    barrier = threading.Barrier(n)
    real = item_actions._insert_item
    statuses: list[int] = []
    errors: list[BaseException] = []

    def after_the_check(*args, **kwargs):
        barrier.wait(timeout=30)
        return real(*args, **kwargs)

    def run() -> None:
        try:
            statuses.append(post().status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    item_actions._insert_item = after_the_check
    try:
        threads = [threading.Thread(target=run) for _ in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        item_actions._insert_item = real
    assert errors == []
    return statuses


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads cannot share pytest's in-memory SQLite database; on SQLite the bench "
    "(python -m bench faults) races real processes, and the test above the constraint",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_with_one_token_create_one_item(officer_a):
    token = uuid.uuid4().hex
    clients = [Client() for _ in range(4)]
    for client in clients:
        client.force_login(officer_a)
    posts = iter(clients)
    lock = threading.Lock()

    def post():
        with lock:
            client = next(posts)
        return client.post(CREATE, item_post(token))

    assert _race(post) == [302] * 4
    assert InfoItem.objects.count() == 1


# --- emergencies ----------------------------------------------------------------------------


def test_a_written_initial_report_posted_twice_is_one_incident(client_of, officer_a):
    client = client_of(officer_a)
    token = token_of(client, NEW_INCIDENT)
    first = client.post(NEW_INCIDENT, incident_post(token))
    again = client.post(NEW_INCIDENT, incident_post(token), follow=True)
    incident = Incident.objects.get()
    assert first["Location"] == again.redirect_chain[0][0]
    assert first["Location"] == reverse("emergencies:detail", args=[incident.pk])
    assert SAID_ALREADY in again.content.decode()
    assert IncidentReport.objects.count() == 1


def test_a_logged_phone_report_posted_twice_is_one_incident(client_of, duty_officer, officer_a):
    client = client_of(duty_officer)
    token = token_of(client, NEW_INCIDENT)
    for _ in range(2):
        client.post(NEW_INCIDENT, call_post(officer_a.unit, token))
    client.post(NEW_INCIDENT, call_post(officer_a.unit, token_of(client, NEW_INCIDENT)))
    assert (Incident.objects.count(), IncidentReport.objects.count()) == (2, 2)


def test_a_follow_up_posted_twice_is_one_report(client_of, duty_officer, officer_a):
    incident = open_by_phone(duty_officer, officer_a.unit, timezone.now() - minutes(30))
    url = reverse("emergencies:add_report", args=[incident.pk])
    client = client_of(officer_a)
    token = token_of(client, url)
    data = {"form_token": token, "kind": "followup", "summary": "火势已控制，正在清理现场。"}
    responses = [client.post(url, data) for _ in range(2)]
    assert [r["Location"] for r in responses] == [
        reverse("emergencies:detail", args=[incident.pk])
    ] * 2
    # After the unit's phoned first report, its first written one is its 书面首报.
    assert incident.reports.filter(channel="written").count() == 1


def test_a_sighting_posted_twice_is_one_sighting(client_of, duty_officer):
    client = client_of(duty_officer)
    token = token_of(client, SIGHTINGS)
    data = {
        "form_token": token,
        "source_kind": "media",
        "source": "江城晚报网站",
        "seen_at": local(timezone.now() - minutes(15)),
        "text": "网传甲区某化工厂冒出浓烟。",
    }
    responses = [client.post(SIGHTINGS, data) for _ in range(2)]
    sighting = Sighting.objects.get()
    url = reverse("emergencies:sighting", args=[sighting.pk])
    assert [r["Location"] for r in responses] == [url, url]
