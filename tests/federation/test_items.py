"""Items between levels, in one process. The city's side: the item page's 上报 writes an
`item.forward` message in the forwarding's transaction; the province's adoption and instruction
arriving down are recorded on the city's item at the province's level. The province's side: a
forwarded item is filed as the link unit's signed-off item, and publishing an issue holding it or
a leader's instruction on it sends a message down naming the city's item. Requests are signed
here by hand from docs/federation.md."""

import hashlib
import hmac
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from bulletins import actions as bulletin_actions
from bulletins.models import Adoption, AdoptionLevel, FollowUpTask, Instruction
from federation.models import InboundMessage, OutboundMessage, RemoteItem
from org.models import UnitKind, UnitLevel
from submissions.models import InfoItem, ItemState
from tests.factories import make_item, make_publication, make_unit
from tests.federation.conftest import SECRET

pytestmark = pytest.mark.django_db


def _post(client: Client, office: str, message: dict[str, Any]):
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    ts, nonce = int(timezone.now().timestamp()), uuid.uuid4().hex
    digest = hashlib.sha256(body).hexdigest()
    text = f"xinbao-federation-v1\nPOST\n/federation/inbox/\n{ts}\n{nonce}\n{digest}"
    headers = {
        "X-Xinbao-Office": office,
        "X-Xinbao-Timestamp": str(ts),
        "X-Xinbao-Nonce": nonce,
        "X-Xinbao-Signature": hmac.new(SECRET.encode(), text.encode(), hashlib.sha256).hexdigest(),
        "Idempotency-Key": message["key"],
    }
    return client.post("/federation/inbox/", body, content_type="application/json", headers=headers)


def _message(kind: str, office: str, **payload: Any) -> dict[str, Any]:
    return {"v": 1, "kind": kind, "key": uuid.uuid4().hex, "sent_by": office, **payload}


# --- the city's side -------------------------------------------------------------------------


@pytest.fixture
def submitted(officer_a, editor):
    return make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)


def _forward_from_the_page(client: Client, editor, item: InfoItem) -> str:
    """Press 上报 on the item's page; the page it comes back to."""
    make_unit("省委办公厅", kind=UnitKind.PARTY_OFFICE, level=UnitLevel.PROVINCE)
    client.force_login(editor)
    page = client.get(reverse("submissions:detail", args=[item.pk])).content.decode()
    assert reverse("bulletins:forward_item", args=[item.pk]) in page
    answer = client.post(reverse("bulletins:forward_item", args=[item.pk]), follow=True)
    assert answer.redirect_chain[-1][1] == 302
    return answer.content.decode()


def test_without_a_link_forwarding_an_item_only_records_its_date(
    client: Client, editor, submitted
) -> None:
    page = _forward_from_the_page(client, editor, submitted)
    item = InfoItem.objects.get(pk=submitted.pk)
    assert timezone.localdate(item.forwarded_at) == timezone.localdate()
    assert not OutboundMessage.objects.exists()
    assert "已标记为上报省委办公厅。采用后请在此登记。" in page


def test_with_a_link_forwarding_an_item_queues_it_for_the_province(
    client: Client, editor, submitted, up
) -> None:
    page = _forward_from_the_page(client, editor, submitted)
    # The section is told it travels, and that nothing needs typing in when it is adopted there.
    assert "已发送至省委办公厅的系统（级联）" in page
    (message,) = OutboundMessage.objects.all()
    assert (message.kind, message.subject, message.link_id) == (
        "item.forward",
        f"item:{submitted.pk}",
        up.pk,
    )
    sent = message.body["item"]
    assert (sent["id"], sent["title"], sent["body"]) == (
        submitted.pk,
        submitted.title,
        submitted.body,
    )
    assert AuditEntry.objects.filter(action="item_forwarded", target=f"item:{submitted.pk}")


def test_an_item_is_forwarded_once(client: Client, editor, submitted, up) -> None:
    _forward_from_the_page(client, editor, submitted)
    first = InfoItem.objects.get(pk=submitted.pk).forwarded_at
    # The button is gone from the page; a second press (another tab, a replayed form) is refused.
    page = client.get(reverse("submissions:detail", args=[submitted.pk])).content.decode()
    assert reverse("bulletins:forward_item", args=[submitted.pk]) not in page
    again = client.post(reverse("bulletins:forward_item", args=[submitted.pk]), follow=True)
    assert "上报，不能重复上报。" in again.content.decode()
    assert InfoItem.objects.get(pk=submitted.pk).forwarded_at == first
    assert OutboundMessage.objects.count() == 1
    assert AuditEntry.objects.filter(action="item_forwarded").count() == 1


def _adopted(item_id: int, **over: Any) -> dict[str, Any]:
    today = timezone.localdate().isoformat()
    adoption = {
        "publication": {"code": "sheng-xxzb", "name": "省委办公厅信息专报"},
        "level": "province",
        "issue": "第88期",
        "issue_date": today,
        "adopted_on": today,
    } | over
    return _message("item.adopted", "city-x", item={"id": item_id}, adoption=adoption)


def test_the_provinces_adoption_and_instruction_land_on_the_citys_item(
    client: Client, editor, submitted, up, province_bulletin
) -> None:
    _forward_from_the_page(client, editor, submitted)
    message = _adopted(submitted.pk)
    answer = _post(client, "city-x", message)
    assert answer.status_code == 200, answer.content
    (adoption,) = Adoption.objects.filter(item=submitted)
    assert (adoption.level, adoption.publication_id, adoption.upper_issue_number) == (
        AdoptionLevel.PROVINCE,
        province_bulletin.pk,
        "第88期",
    )
    assert message["key"] in adoption.note
    assert InfoItem.objects.get(pk=submitted.pk).state == ItemState.ADOPTED
    traced = AuditEntry.objects.get(action="adoption_recorded_from_upper")
    assert traced.data["message"] == message["key"]
    # The same key again (a retry): the first answer, nothing more recorded.
    assert _post(client, "city-x", message).json() == answer.json()
    assert Adoption.objects.filter(item=submitted).count() == 1

    instructed = _message(
        "item.instructed",
        "city-x",
        item={"id": submitted.pk},
        instruction={
            "text": "请持续跟踪，及时报告进展。",
            "leader": "王省长",
            "level": "province",
            "instructed_on": timezone.localdate().isoformat(),
        },
    )
    assert _post(client, "city-x", instructed).status_code == 200
    (instruction,) = Instruction.objects.filter(item=submitted)
    assert (instruction.level, instruction.leader_name) == (AdoptionLevel.PROVINCE, "王省长")
    # The item's unit owes feedback on the province's instruction, as on one typed in by hand.
    assert FollowUpTask.objects.filter(instruction=instruction, unit=submitted.unit).exists()
    traced = AuditEntry.objects.get(action="instruction_recorded_from_upper")
    assert traced.data["message"] == instructed["key"]


def test_an_adoption_of_an_item_never_forwarded_is_refused(
    client: Client, submitted, up, province_bulletin
) -> None:
    answer = _post(client, "city-x", _adopted(submitted.pk))
    assert answer.status_code == 422 and answer.json()["code"] == "not_filed"
    assert not Adoption.objects.exists() and not InboundMessage.objects.exists()


# --- the province's side ---------------------------------------------------------------------


def _forwarded(remote_id: int = 41, kind: str = "problem") -> dict[str, Any]:
    item = {
        "id": remote_id,
        "title": "丙市某县出现农民工欠薪集中反映",
        "body": "近日，丙市某县多名农民工反映工程款拖欠问题，县里已成立专班处置。",
        "kind": kind,
        "occurred_on": timezone.localdate().isoformat(),
        "secrecy": "public",
        "unit": "丙市人社局",
        "tags": ["欠薪"],
        "submitted_at": timezone.now().isoformat(),
    }
    return _message("item.forward", "city-c", item=item, forwarded_at=item["submitted_at"])


def test_a_forwarded_item_is_filed_as_the_link_units_signed_off_item(client: Client, link) -> None:
    message = _forwarded()
    answer = _post(client, "city-c", message)
    assert answer.status_code == 200, answer.content
    (item,) = InfoItem.objects.all()
    assert (item.unit_id, item.state, item.author_id) == (
        link.unit_id,
        ItemState.SUBMITTED,
        link.filer_id,
    )
    assert item.submitted_at is not None and item.title == message["item"]["title"]
    assert answer.json()["filed_as"] == f"item:{item.pk}"
    assert RemoteItem.objects.get(link=link).remote_id == 41
    signed = AuditEntry.objects.filter(target=f"item:{item.pk}").values_list("action", flat=True)
    assert "federation_message_filed" in signed
    # Forwarded again under a new key: the item is already here.
    again = _post(client, "city-c", _forwarded())
    assert again.status_code == 200 and again.json()["filed_as"] == f"item:{item.pk}"
    assert InfoItem.objects.count() == 1


def test_an_item_of_an_unknown_kind_is_refused_as_not_filed(client: Client, link) -> None:
    answer = _post(client, "city-c", _forwarded(kind="rumour"))
    assert answer.status_code == 422 and answer.json()["code"] == "not_filed"
    assert not InfoItem.objects.exists() and not RemoteItem.objects.exists()


def test_publishing_an_issue_and_instructing_send_the_city_its_own_item(
    client: Client, province_instance, link, editor, chief, leader
) -> None:
    _post(client, "city-c", _forwarded(remote_id=41))
    item = InfoItem.objects.get()
    daily = make_publication(
        AdoptionLevel.PROVINCE, code="sheng-mrhb", name="省委办公厅每日汇报", compiled_here=True
    )
    today = timezone.localdate()
    issue = bulletin_actions.do_create_issue(editor, daily, today)
    bulletin_actions.do_add_entries(editor, issue.pk, [item.pk])
    bulletin_actions.do_submit_issue(editor, issue.pk)
    bulletin_actions.do_sign_off_issue(chief, issue.pk)
    issue = bulletin_actions.do_publish(editor, issue.pk)
    bulletin_actions.do_record_instruction(leader, item.pk, "请省人社厅督办。", today)

    adopted, instructed = OutboundMessage.objects.order_by("pk")
    assert (adopted.kind, adopted.link_id, adopted.body["item"]) == (
        "item.adopted",
        link.pk,
        {"id": 41},
    )
    assert adopted.body["adoption"] == {
        "publication": {"code": "sheng-mrhb", "name": "省委办公厅每日汇报"},
        "level": "province",
        "issue": issue.label,
        "issue_date": today.isoformat(),
        "adopted_on": today.isoformat(),
    }
    assert instructed.kind == "item.instructed" and instructed.body["item"] == {"id": 41}
    assert instructed.body["instruction"]["leader"] == leader.full_name
    assert instructed.body["instruction"]["level"] == "province"


def test_an_item_written_here_sends_nothing_down(link, officer_a, editor, chief) -> None:
    item = make_item(officer_a, ItemState.ADOPTED, editor=editor)
    assert Adoption.objects.filter(item=item).exists()
    assert not OutboundMessage.objects.exists()
