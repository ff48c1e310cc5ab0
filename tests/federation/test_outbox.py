"""The city's side in one process: the link kept by the system administrator (secret shown
once, never audited), the outbox row written in the forwarding's own transaction, and the
forwarding deadline left open until the upper office acknowledges."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from deadlines.models import ExpectStatus
from emergencies import actions_level
from emergencies.models import ExpectKind, ReportKind
from federation import outbox
from federation.actions import LinkSpec, do_create_link
from federation.models import FederationPolicy, Link, OutboundMessage, OutboundStatus
from tests.clock import PINNED
from tests.emergencies.emergency_factories import add_written, minutes, open_by_phone, row

pytestmark = pytest.mark.django_db


def _link(admin, url: str = "http://127.0.0.1:9") -> Link:
    link, _secret = do_create_link(
        admin, LinkSpec(direction="up", name="省委办公厅", base_url=url, office_code="city-x")
    )
    return link


def _forwarded_fire(office, province):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, PINNED, level="2")
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.INITIAL, PINNED + minutes(5)
    )
    actions_level.do_forward(
        office["chief"], incident.pk, province, "某商场火灾情况", now=PINNED + minutes(10)
    )
    return incident


def _post_link(client: Client, secret: str):
    return client.post(
        reverse("federation:links"),
        {
            "direction": "up",
            "name": "省委办公厅",
            "base_url": "https://xinbao.province.example.gov.cn",
            "office_code": "city-x",
            "secret": secret,
        },
    )


def test_the_secret_is_shown_once_and_never_audited(client: Client, system_admin) -> None:
    client.force_login(system_admin)
    answer = _post_link(client, "")
    secret = Link.objects.get().secret
    assert answer.status_code == 200 and secret in answer.content.decode()
    assert secret not in client.get(reverse("federation:links")).content.decode()
    audited = json.dumps([e.data for e in AuditEntry.objects.all()], ensure_ascii=False)
    assert "federation_link_created" in AuditEntry.objects.values_list("action", flat=True)
    assert secret not in audited


def test_a_rotation_keeps_the_old_secret_for_the_grace_period(system_admin) -> None:
    from federation.actions import do_rotate_secret

    link = _link(system_admin)
    old = link.secret
    link, new = do_rotate_secret(system_admin, link.pk, now=PINNED)
    hours = FederationPolicy.current().rotation_grace_hours
    assert (link.secret, link.previous_secret) == (new, old)
    assert link.previous_valid_until == PINNED + minutes(60 * hours)


def test_a_short_typed_secret_is_refused_and_nothing_is_saved(client: Client, system_admin) -> None:
    client.force_login(system_admin)
    answer = _post_link(client, "short")
    assert answer.status_code == 400 and "共享密钥至少为" in answer.content.decode()
    assert not Link.objects.exists()


def test_without_a_link_forwarding_meets_its_deadline_at_once(office, province) -> None:
    incident = _forwarded_fire(office, province)
    assert row(incident, ExpectKind.FORWARD).status == ExpectStatus.MET
    assert not OutboundMessage.objects.exists()


def test_with_a_link_the_forwarding_is_queued_and_its_deadline_stays_open(
    office, province, system_admin
) -> None:
    _link(system_admin)
    incident = _forwarded_fire(office, province)
    (message,) = OutboundMessage.objects.all()
    assert (message.kind, message.status, message.subject) == (
        "incident.forward",
        OutboundStatus.QUEUED,
        f"incident:{incident.pk}",
    )
    assert message.body["v"] == 1 and message.body["incident"]["level"] == "2"
    assert [r["kind"] for r in message.body["chain"]] == ["initial", "initial"]
    assert row(incident, ExpectKind.FORWARD).status == ExpectStatus.OPEN


def test_a_later_report_follows_the_forwarding_and_waits_behind_it(
    office, province, system_admin
) -> None:
    _link(system_admin)
    incident = _forwarded_fire(office, province)
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.FOLLOWUP, PINNED + minutes(30)
    )
    _first, second = OutboundMessage.objects.order_by("pk")
    assert second.kind == "incident.report" and second.body["report"]["kind"] == "followup"
    # While the forwarding is not acknowledged, the follow-up is not sent before it.
    assert outbox.claim(second.pk, PINNED + minutes(31), minutes(1)) is None


def test_an_unreachable_upper_office_is_retried_with_backoff(
    office, province, system_admin
) -> None:
    _link(system_admin)  # nothing listens on port 9, and it is not on the egress list
    _forwarded_fire(office, province)
    assert outbox.send_due(PINNED + minutes(11)) == 1
    message = OutboundMessage.objects.get()
    policy = FederationPolicy.current()
    assert (message.status, message.attempts) == (OutboundStatus.FAILING, 1)
    assert message.last_error
    assert outbox.send_due(PINNED + minutes(11)) == 0  # not due again yet
    assert message.sent_at is not None
    waited = (message.next_attempt_at - message.sent_at).total_seconds()
    assert waited >= policy.retry_base_seconds


def test_the_section_sees_the_outbox(client: Client, office, province, system_admin) -> None:
    _link(system_admin)
    incident = _forwarded_fire(office, province)
    client.force_login(office["editor"])
    page = client.get(reverse("federation:messages")).content.decode()
    assert incident.title in page and "排队中" in page


def _refuse(message: OutboundMessage, at) -> None:
    """What the worker records when the province's inbox answers 422 not_filed."""
    claimed = outbox.claim(message.pk, at, minutes(1))
    assert claimed is not None
    said = "HTTP 422: 消息无法登记。（此链接没有可登记报告的单位。）"
    error = outbox.SendError(said, 422, "not_filed")
    outbox.refused(claimed, error, at)


def test_a_refused_forwarding_stops_holds_its_followups_and_the_pages_say_so(
    client: Client, office, province, system_admin
) -> None:
    _link(system_admin)
    incident = _forwarded_fire(office, province)
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.FOLLOWUP, PINNED + minutes(30)
    )
    forward, follow = OutboundMessage.objects.order_by("pk")
    _refuse(forward, PINNED + minutes(31))
    forward.refresh_from_db()
    assert (forward.status, forward.refusal_code) == (OutboundStatus.REFUSED, "not_filed")
    # No more attempts, however long one waits; the follow-up waits behind the refusal.
    assert outbox.send_due(PINNED + minutes(600)) == 0
    follow.refresh_from_db()
    assert (follow.status, follow.attempts) == (OutboundStatus.QUEUED, 0)
    assert row(incident, ExpectKind.FORWARD).status == ExpectStatus.OPEN
    refused = AuditEntry.objects.get(action="federation_message_refused")
    assert refused.data["code"] == "not_filed" and refused.data["message"] == forward.key

    client.force_login(office["editor"])
    page = client.get(reverse("federation:messages")).content.decode()
    assert "对方拒收" in page and "此链接没有可登记报告的单位" in page
    assert "上级单位并未收到此次上报" in page
    assert "重新发送（" not in page  # the editor sees it; the chief decides
    detail = client.get(reverse("emergencies:detail", args=[incident.pk])).content.decode()
    assert "上级系统拒收了此次上报" in detail and "上报时限仍未完成" in detail
    assert client.post(reverse("federation:resend", args=[forward.pk])).status_code == 403


def test_the_chief_sends_a_refused_message_again_after_fixing_it_audited(
    client: Client, office, province, system_admin
) -> None:
    _link(system_admin)
    _forwarded_fire(office, province)
    forward = OutboundMessage.objects.get()
    _refuse(forward, PINNED + minutes(11))
    client.force_login(office["chief"])
    assert "重新发送（" in client.get(reverse("federation:messages")).content.decode()
    answer = client.post(reverse("federation:resend", args=[forward.pk]))
    assert answer.status_code == 302
    forward.refresh_from_db()
    assert (forward.status, forward.attempts, forward.refusal_code) == (
        OutboundStatus.QUEUED,
        0,
        "",
    )
    resent = AuditEntry.objects.get(action="federation_message_resent")
    assert resent.actor_id == office["chief"].pk
    assert resent.data["refusal"] == "not_filed" and "此链接没有" in resent.data["error"]
    # Only a refused message goes again: a second press changes nothing.
    client.post(reverse("federation:resend", args=[forward.pk]))
    assert AuditEntry.objects.filter(action="federation_message_resent").count() == 1


def test_the_forward_carries_the_gbt_codes(office, province, hub, system_admin) -> None:
    from emergencies.actions_grading import do_set_category_code
    from emergencies.models import CategoryCode
    from org.models import Unit

    _link(system_admin)
    incident = open_by_phone(office["duty"], office["officer_a"].unit, PINNED, level="2")
    code = CategoryCode.objects.filter(category="accident", is_active=True).first()
    assert code is not None
    do_set_category_code(office["chief"], incident.pk, code.code)
    # The reporting unit is a department without a region code of its own: it reports for the
    # office's region.
    assert not office["officer_a"].unit.region_code
    Unit.objects.filter(pk=hub.pk).update(region_code="330100")
    add_written(
        office["officer_a"], office["head_a"], incident, ReportKind.INITIAL, PINNED + minutes(5)
    )
    at = PINNED + minutes(9)
    actions_level.do_forward(office["chief"], incident.pk, province, "文本", now=at)
    body = OutboundMessage.objects.get().body
    assert body["v"] == 1
    assert body["incident"]["category_code"] == code.code
    assert body["incident"]["region_code"] == "330100"
