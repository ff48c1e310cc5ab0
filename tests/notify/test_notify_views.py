from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from notify.actions import Message, dispatch
from notify.models import Channel, ChannelKind, Delivery, DeliveryStatus, Notification, Severity
from tests.notify.notify_helpers import make_channel

pytestmark = pytest.mark.django_db


def notify(user, key, title="【提醒】书面首报将于 10:30 到期", url="/items/"):
    dispatch(
        Message(title=title, body="请及时报送。", url=url, severity=Severity.WARNING, key=key),
        [user],
    )
    return Notification.objects.get(recipient=user, key=key)


def add_form(kind="webhook", target="", owner="me", **fields):
    prefix = owner
    data = {
        "owner": owner,
        f"{prefix}-kind": kind,
        f"{prefix}-label": fields.pop("label", "值班群"),
        f"{prefix}-target": target,
    }
    data.update({f"{prefix}-{k}": v for k, v in fields.items()})
    return data


# --- Inbox -------------------------------------------------------------------------------------


def test_the_inbox_lists_newest_first_with_unread_in_bold(officer_a, client_of):
    old = notify(officer_a, "a", title="旧消息")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    notify(officer_a, "b", title="新消息")
    Notification.objects.filter(pk=old.pk).update(read_at=timezone.now())
    html = client_of(officer_a).get(reverse("notify:inbox")).content.decode()
    assert html.index("新消息") < html.index("旧消息")
    assert "<strong>新消息</strong>" in html
    assert "<strong>旧消息</strong>" not in html


def test_the_inbox_shows_only_ones_own_messages(officer_a, officer_b, client_of):
    notify(officer_b, "b", title="乙县的消息")
    assert "乙县的消息" not in client_of(officer_a).get(reverse("notify:inbox")).content.decode()


def test_the_top_bar_shows_the_unread_count(officer_a, client_of):
    notify(officer_a, "a")
    notify(officer_a, "b")
    html = client_of(officer_a).get(reverse("home"), follow=True).content.decode()
    assert "消息（2）" in html


def test_opening_a_message_marks_it_read_and_follows_its_link(officer_a, client_of):
    note = notify(officer_a, "a", url="/items/")
    response = client_of(officer_a).get(reverse("notify:open", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/items/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_outside_link_is_not_followed(officer_a, client_of):
    note = notify(officer_a, "a", url="https://evil.example.com/")
    response = client_of(officer_a).get(reverse("notify:open", args=[note.pk]))
    assert response["Location"] == reverse("notify:inbox")


def test_marking_read_with_htmx_returns_the_row(officer_a, client_of):
    note = notify(officer_a, "a", title="待读")
    response = client_of(officer_a).post(
        reverse("notify:read", args=[note.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<strong>待读</strong>" not in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_all_read(officer_a, client_of):
    notify(officer_a, "a")
    notify(officer_a, "b")
    client_of(officer_a).post(reverse("notify:read_all"))
    assert not Notification.objects.filter(recipient=officer_a, read_at__isnull=True).exists()


def test_someone_elses_message_is_404(officer_a, officer_b, client_of):
    note = notify(officer_b, "b")
    client = client_of(officer_a)
    assert client.get(reverse("notify:open", args=[note.pk])).status_code == 404
    assert client.post(reverse("notify:read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_the_inbox_costs_the_same_queries_for_3_or_30_messages(
    officer_a, client_of, django_assert_max_num_queries
):
    client = client_of(officer_a)
    for n in range(3):
        notify(officer_a, f"a{n}")
    client.get(reverse("notify:inbox"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("notify:inbox"))
    for n in range(27):
        notify(officer_a, f"b{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notify:inbox"))


# --- Channels ----------------------------------------------------------------------------------


def test_a_person_adds_a_channel(officer_a, client_of, listed_server):
    response = client_of(officer_a).post(
        reverse("notify:channels"), add_form("wecom", listed_server.url("/robot?key=s3cr3t"))
    )
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert (channel.user, channel.unit, channel.kind) == (officer_a, None, "wecom")
    entry = AuditEntry.objects.get(action="notify_channel_added")
    assert "s3cr3t" not in str(entry.data)


@pytest.mark.parametrize(
    ("kind", "target", "extra", "field"),
    [
        ("email", "not-an-address", {}, "me-target"),
        ("webhook", "ftp://example.org/hook", {}, "me-target"),
        ("dingtalk", "javascript:alert(1)", {}, "me-target"),
        ("sms", "13800000000", {}, "me-sms_url"),
        ("sms", "13800000000", {"sms_url": "file:///tmp/x"}, "me-sms_url"),
        ("sms", "call me", {"sms_url": "http://10.0.0.5/sms"}, "me-target"),
    ],
)
def test_bad_addresses_are_refused(officer_a, client_of, kind, target, extra, field):
    response = client_of(officer_a).post(
        reverse("notify:channels"), add_form(kind, target, **extra)
    )
    assert response.status_code == 200
    assert not Channel.objects.exists()
    assert f'id="id_{field}"' in response.content.decode()
    assert "has-error" in response.content.decode()


def test_the_channel_page_lists_only_ones_own_channels(officer_a, officer_b, client_of):
    make_channel(officer_a, ChannelKind.EMAIL, "mine@example.org", label="我的邮箱")
    make_channel(officer_b, ChannelKind.EMAIL, "theirs@example.org", label="别人的邮箱")
    html = client_of(officer_a).get(reverse("notify:channels")).content.decode()
    assert "我的邮箱" in html
    assert "别人的邮箱" not in html


def test_a_robot_key_is_never_shown(officer_a, client_of):
    make_channel(officer_a, ChannelKind.WECOM, "https://qyapi.weixin.qq.com/send?key=TOPSECRET")
    html = client_of(officer_a).get(reverse("notify:channels")).content.decode()
    assert "TOPSECRET" not in html


def test_a_person_switches_off_and_removes_their_channel(officer_a, client_of):
    channel = make_channel(officer_a, ChannelKind.EMAIL, "a@example.org")
    client = client_of(officer_a)
    client.post(reverse("notify:channel_toggle", args=[channel.pk]), {"enabled": "0"})
    channel.refresh_from_db()
    assert not channel.enabled
    client.post(reverse("notify:channel_remove", args=[channel.pk]))
    channel.refresh_from_db()
    assert channel.removed_at is not None
    assert "a@example.org" not in client.get(reverse("notify:channels")).content.decode()


def test_removing_a_channel_cancels_its_unsent_deliveries(officer_a, client_of):
    channel = make_channel(officer_a, ChannelKind.EMAIL, "a@example.org")
    dispatch(Message("t", "b", "/", Severity.INFO, "k"), [officer_a])
    client_of(officer_a).post(reverse("notify:channel_remove", args=[channel.pk]))
    assert Delivery.objects.get().status == DeliveryStatus.FAILED


@pytest.mark.parametrize("action", ["channel_toggle", "channel_remove", "channel_test"])
def test_someone_elses_channel_is_404(officer_a, officer_b, client_of, action):
    theirs = make_channel(officer_b, ChannelKind.EMAIL, "b@example.org")
    response = client_of(officer_a).post(reverse(f"notify:{action}", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.enabled and theirs.removed_at is None
    assert not Delivery.objects.exists()


def test_a_unit_head_manages_the_units_channels(head_a, unit_a, client_of, listed_server):
    client = client_of(head_a)
    response = client.post(
        reverse("notify:channels"), add_form("webhook", listed_server.url(), owner="unit")
    )
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert (channel.unit, channel.user) == (unit_a, None)
    assert "值班群" in client.get(reverse("notify:channels")).content.decode()


def test_an_officer_cannot_add_a_unit_channel(officer_a, client_of, listed_server):
    response = client_of(officer_a).post(
        reverse("notify:channels"), add_form("webhook", listed_server.url(), owner="unit")
    )
    assert response.status_code == 403
    assert not Channel.objects.exists()


@pytest.mark.parametrize("who", ["officer_a", "head_b"])
def test_only_the_own_units_head_touches_a_unit_channel(personas, unit_a, client_of, who):
    units = make_channel(unit_a, ChannelKind.EMAIL, "unit-a@example.org")
    response = client_of(personas[who]).post(reverse("notify:channel_remove", args=[units.pk]))
    assert response.status_code == 404
    units.refresh_from_db()
    assert units.removed_at is None


def test_a_person_has_at_most_ten_channels(officer_a, client_of, listed_server):
    for n in range(10):
        make_channel(officer_a, ChannelKind.EMAIL, f"a{n}@example.org")
    response = client_of(officer_a).post(
        reverse("notify:channels"), add_form("webhook", listed_server.url())
    )
    assert response.status_code == 200
    assert Channel.objects.count() == 10


# --- The test button ---------------------------------------------------------------------------


def test_send_me_a_test_reaches_inbox_and_channels_and_shows_the_log(
    officer_a, client_of, listed_server
):
    make_channel(officer_a, ChannelKind.WEBHOOK, listed_server.url(), label="我的接口")
    response = client_of(officer_a).post(reverse("notify:send_test"), follow=True)
    html = response.content.decode()
    assert Notification.objects.filter(recipient=officer_a, key__startswith="test:").count() == 1
    [req] = listed_server.to("/hook")
    assert req.key.startswith("test:")
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert "我的接口" in html  # the log on the page
    assert "已发送" in html


def test_a_failing_test_says_why(officer_a, client_of, listed_server):
    channel = make_channel(officer_a, ChannelKind.WEBHOOK, listed_server.url())
    listed_server.answer("/hook", (500, {"error": "boom"}))
    response = client_of(officer_a).post(
        reverse("notify:channel_test", args=[channel.pk]), follow=True
    )
    assert "HTTP 500" in response.content.decode()
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_a_unit_head_tests_the_units_robot(head_a, unit_a, client_of, listed_server):
    channel = make_channel(unit_a, ChannelKind.WECOM, listed_server.url("/robot"))
    client_of(head_a).post(reverse("notify:channel_test", args=[channel.pk]))
    [req] = listed_server.to("/robot")
    assert req.json["msgtype"] == "markdown"


# --- Delivery log ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["chief", "editor"])
def test_the_chief_and_editors_read_the_delivery_log(personas, officer_a, client_of, who):
    make_channel(officer_a, ChannelKind.EMAIL, "a@example.org", label="甲的邮箱")
    dispatch(Message("标题一", "b", "/", Severity.INFO, "k"), [officer_a])
    Delivery.objects.update(attempts=3, last_error="HTTP 502: bad gateway")
    html = client_of(personas[who]).get(reverse("notify:deliveries")).content.decode()
    assert "标题一" in html
    assert "甲的邮箱" in html
    assert "HTTP 502: bad gateway" in html


@pytest.mark.parametrize("who", ["officer_a", "head_a", "leader", "duty_officer", "system_admin"])
def test_others_cannot_read_the_delivery_log(personas, client_of, who):
    assert client_of(personas[who]).get(reverse("notify:deliveries")).status_code == 403


def test_the_log_filters_by_status(chief, officer_a, client_of):
    make_channel(officer_a, ChannelKind.EMAIL, "a@example.org")
    dispatch(Message("待发的", "b", "/", Severity.INFO, "k1"), [officer_a])
    dispatch(Message("失败的", "b", "/", Severity.INFO, "k2"), [officer_a])
    Delivery.objects.filter(key="k2").update(status=DeliveryStatus.FAILED)
    html = client_of(chief).get(reverse("notify:deliveries") + "?status=failed").content.decode()
    assert "失败的" in html
    assert "待发的" not in html


def test_the_log_costs_the_same_queries_for_few_or_many_rows(
    chief, officer_a, unit_a, client_of, django_assert_max_num_queries
):
    make_channel(officer_a, ChannelKind.EMAIL, "a@example.org")
    make_channel(unit_a, ChannelKind.EMAIL, "u@example.org")
    client = client_of(chief)
    dispatch(Message("t", "b", "/", Severity.INFO, "k0"), [officer_a], [unit_a])
    client.get(reverse("notify:deliveries"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("notify:deliveries"))
    for n in range(1, 20):
        dispatch(Message("t", "b", "/", Severity.INFO, f"k{n}"), [officer_a], [unit_a])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notify:deliveries"))


def test_a_delivery_shows_each_attempt(chief, officer_a, client_of, refused_url):
    from notify.worker import process_deliveries

    make_channel(officer_a, ChannelKind.WEBHOOK, refused_url)
    dispatch(Message("t", "b", "/", Severity.INFO, "k"), [officer_a])
    process_deliveries()
    delivery = Delivery.objects.get()
    html = client_of(chief).get(reverse("notify:delivery", args=[delivery.pk])).content.decode()
    assert "connection failed" in html


def test_a_delivery_of_someone_elses_channel_is_404(officer_a, officer_b, client_of):
    make_channel(officer_b, ChannelKind.EMAIL, "b@example.org")
    dispatch(Message("t", "b", "/", Severity.INFO, "k"), [officer_b])
    delivery = Delivery.objects.get()
    assert (
        client_of(officer_a).get(reverse("notify:delivery", args=[delivery.pk])).status_code == 404
    )
    assert (
        client_of(officer_b).get(reverse("notify:delivery", args=[delivery.pk])).status_code == 200
    )
