import pytest
from django.db import transaction
from django.utils import timezone

from notify.actions import Message, dispatch
from notify.models import ChannelKind, Delivery, DeliveryStatus, Notification, Severity

pytestmark = pytest.mark.django_db


def message(key="flip:1", **fields):
    return Message(
        title=fields.pop("title", "【超时】甲区委办公室 书面首报已超时 12 分钟"),
        body=fields.pop("body", "事件：某路段交通事故\n应报时间：10:30"),
        url=fields.pop("url", "/emergencies/12/"),
        severity=fields.pop("severity", Severity.URGENT),
        key=key,
    )


def test_it_puts_one_message_in_each_inbox(officer_a, head_a):
    assert dispatch(message(), [officer_a, head_a]) == 2
    note = Notification.objects.get(recipient=officer_a)
    assert note.title.startswith("【超时】")
    assert note.url == "/emergencies/12/"
    assert note.severity == Severity.URGENT
    assert note.read_at is None


def test_it_queues_one_delivery_per_enabled_channel(officer_a, unit_a, channel_of, listed_server):
    mine = channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url())
    units = channel_of(unit_a, ChannelKind.WECOM, listed_server.url("/wecom"))
    channel_of(officer_a, ChannelKind.EMAIL, "off@example.org", enabled=False)
    assert dispatch(message(), [officer_a], [unit_a]) == 3
    rows = Delivery.objects.order_by("channel_id")
    assert [d.channel_id for d in rows] == [mine.pk, units.pk]
    assert {d.status for d in rows} == {DeliveryStatus.PENDING}
    assert rows[0].payload == {
        "title": "【超时】甲区委办公室 书面首报已超时 12 分钟",
        "body": "事件：某路段交通事故\n应报时间：10:30",
        "url": "/emergencies/12/",
        "severity": Severity.URGENT,
    }


def test_it_is_idempotent_per_key(officer_a, head_a, unit_a, channel_of):
    channel_of(officer_a, ChannelKind.EMAIL, "a@example.org")
    channel_of(unit_a, ChannelKind.EMAIL, "unit@example.org")
    assert dispatch(message(), [officer_a], [unit_a]) == 3
    assert dispatch(message(), [officer_a], [unit_a]) == 0
    assert dispatch(message(), [officer_a, head_a], [unit_a]) == 1  # only head_a is new
    assert Notification.objects.count() == 2
    assert Delivery.objects.count() == 2


def test_it_sends_a_new_key_again(officer_a):
    dispatch(message("flip:1"), [officer_a])
    dispatch(message("flip:2"), [officer_a])
    assert Notification.objects.filter(recipient=officer_a).count() == 2


def test_it_counts_a_user_listed_twice_once(officer_a):
    assert dispatch(message(), [officer_a, officer_a]) == 1


def test_it_writes_nothing_if_the_callers_transaction_rolls_back(officer_a, channel_of):
    channel_of(officer_a, ChannelKind.EMAIL, "a@example.org")
    with pytest.raises(RuntimeError), transaction.atomic():
        dispatch(message(), [officer_a])
        raise RuntimeError("the event itself failed")
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0


def test_it_skips_removed_channels_and_inactive_peoples_channels(officer_a, head_a, channel_of):
    channel_of(officer_a, ChannelKind.EMAIL, "gone@example.org", removed_at=timezone.now())
    channel_of(head_a, ChannelKind.EMAIL, "head@example.org")
    head_a.is_active = False
    head_a.save(update_fields=["is_active"])
    dispatch(message(), [officer_a, head_a])
    assert Delivery.objects.count() == 0


def test_it_refuses_an_unknown_severity(officer_a):
    with pytest.raises(ValueError):
        dispatch(message(severity="panic"), [officer_a])


def test_it_refuses_an_empty_key(officer_a):
    with pytest.raises(ValueError):
        dispatch(message(key=""), [officer_a])


def test_a_unit_only_dispatch_needs_no_user(unit_a, channel_of):
    channel_of(unit_a, ChannelKind.EMAIL, "unit@example.org")
    assert dispatch(message(), [], [unit_a]) == 1
    assert Notification.objects.count() == 0
