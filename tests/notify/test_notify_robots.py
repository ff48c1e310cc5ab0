"""WeCom and DingTalk robots against a loopback service that enforces what they document
(`robot_service`): byte limits, 20 messages a minute, keyword and signature checks, errcodes.

The worker is run at moments the test names (`run(at)`), and the service's clock is set to the
same moment, so minutes pass without sleeping."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from notify import rules
from notify.actions import Message, dispatch
from notify.models import Channel, ChannelKind, Delivery, DeliveryStatus, Notification, Severity
from notify.worker import process_deliveries
from tests.notify.robot_service import RobotService, start

pytestmark = pytest.mark.django_db

LONG_CHINESE = "某化工厂发生火灾，现场已疏散周边群众，消防救援力量正在处置。" * 300


@pytest.fixture
def service(allow):
    robot = RobotService(now=timezone.now())
    httpd = start(robot)
    allow(f"127.0.0.1:{robot.port}")
    yield robot
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def run(service):
    def at(moment):
        service.now = moment
        return process_deliveries(moment)

    return at


def message(
    key, severity=Severity.INFO, body="应报时间：10:30", title="【超时】甲区 书面首报已超时"
):
    return Message(title=title, body=body, url="/emergencies/12/", severity=severity, key=key)


def robot(owner, kind, url, **fields):
    owner_field = "unit" if owner.__class__.__name__ == "Unit" else "user"
    return Channel.objects.create(
        kind=kind, label=f"{kind} robot", target=url, **fields, **{owner_field: owner}
    )


# --- bytes, not characters --------------------------------------------------------------------


def test_the_byte_cut_keeps_whole_characters_and_ends_in_an_ellipsis():
    # Each of these characters is 3 bytes in UTF-8, as is "…": 10 bytes hold two and the mark.
    assert rules.truncate_bytes("一二三四五", 10) == "一二…"
    assert rules.truncate_bytes("一二三", 9) == "一二三"
    assert rules.truncate_bytes("ab一二三", 8) == "ab一…"
    assert rules.truncate_bytes("ab一二三", 7) == "ab…"


def test_a_long_chinese_message_reaches_wecom_within_4096_bytes(unit_a, service, run):
    robot(unit_a, ChannelKind.WECOM, service.wecom_url())
    dispatch(message("long:1", body=LONG_CHINESE), [], [unit_a])
    run(timezone.now())
    [hit] = service.hits
    assert hit.errcode == 0
    content = hit.body["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    assert len(content.encode("utf-8")) > 4096 - 12  # cut at the limit, not far below it
    assert "甲区 书面首报已超时" in content and "…" in content
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_an_urgent_text_message_to_wecom_stays_within_2048_bytes(unit_a, service, run):
    robot(unit_a, ChannelKind.WECOM, service.wecom_url(), at_mobiles="13800000001")
    dispatch(message("long:2", Severity.URGENT, body=LONG_CHINESE), [], [unit_a])
    run(timezone.now())
    [hit] = service.hits
    assert hit.errcode == 0
    assert hit.body["msgtype"] == "text"
    assert len(hit.body["text"]["content"].encode("utf-8")) <= 2048
    assert hit.body["text"]["mentioned_mobile_list"] == ["13800000001"]


def test_a_long_message_reaches_dingtalk_within_its_limit(unit_a, service, run):
    robot(unit_a, ChannelKind.DINGTALK, service.dingtalk_url())
    dispatch(message("long:3", body=LONG_CHINESE), [], [unit_a])
    run(timezone.now())
    [hit] = service.hits
    assert hit.errcode == 0
    assert len(hit.body["markdown"]["text"].encode("utf-8")) <= 4096


# --- 20 a minute, urgent first ------------------------------------------------------------------


def test_a_robot_gets_20_a_minute_the_rest_wait_and_urgent_goes_first(unit_a, service, run):
    robot(unit_a, ChannelKind.WECOM, service.wecom_url())
    for n in range(25):
        dispatch(message(f"routine:{n}"), [], [unit_a])
    dispatch(message("urgent:1", Severity.URGENT, title="【紧急】危化品泄漏"), [], [unit_a])
    t0 = timezone.now()
    assert run(t0) == 20
    assert len(service.hits) == 20
    assert all(h.errcode == 0 for h in service.hits)  # never over the rate
    assert (
        "危化品泄漏" in service.hits[0].body["markdown"]["content"]
    )  # the last queued, first sent
    first = Delivery.objects.get(key="urgent:1")
    assert first.status == DeliveryStatus.SENT
    waiting = Delivery.objects.filter(status=DeliveryStatus.PENDING)
    assert waiting.count() == 6
    assert not Delivery.objects.filter(status=DeliveryStatus.FAILED).exists()
    # Waiting is no attempt: the rows were put back untried, due when the minute has passed.
    assert set(waiting.values_list("attempts", flat=True)) == {0}
    assert set(waiting.values_list("next_attempt_at", flat=True)) == {t0 + timedelta(minutes=1)}
    assert run(t0 + timedelta(seconds=59)) == 0
    assert run(t0 + timedelta(minutes=1)) == 6
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 26
    assert all(h.errcode == 0 for h in service.hits)


def test_an_urgent_alert_overtakes_routine_messages_already_waiting(unit_a, service, run):
    robot(unit_a, ChannelKind.DINGTALK, service.dingtalk_url())
    for n in range(30):
        dispatch(message(f"routine:{n}"), [], [unit_a])
    t0 = timezone.now()
    run(t0)
    assert len(service.accepted()) == 20
    # Half a minute later an urgent alert comes; ten routine messages are already waiting.
    dispatch(message("urgent:9", Severity.URGENT, title="【紧急】危化品泄漏"), [], [unit_a])
    assert run(t0 + timedelta(seconds=30)) == 0
    run(t0 + timedelta(minutes=1))
    after = service.hits[20:]
    assert "危化品泄漏" in after[0].body["markdown"]["title"]
    assert all(h.errcode == 0 for h in service.hits)  # DingTalk never throttled the robot
    assert service.blocked_until is None


def test_the_rate_is_the_channels_own_number(unit_a, service, run):
    robot(unit_a, ChannelKind.WECOM, service.wecom_url(), rate_per_minute=5)
    for n in range(8):
        dispatch(message(f"r:{n}"), [], [unit_a])
    assert run(timezone.now()) == 5


def test_the_services_rate_errcode_pauses_the_robot_for_the_documented_time(unit_a, service, run):
    robot(unit_a, ChannelKind.DINGTALK, service.dingtalk_url())
    dispatch(message("a"), [], [unit_a])
    dispatch(message("b"), [], [unit_a])
    t0 = timezone.now()
    # Somebody else used this robot 20 times this minute: DingTalk refuses and blocks it.
    service.sent_at["dingtalk"] = [t0 - timedelta(seconds=5)] * 20
    run(t0)
    assert [h.errcode for h in service.hits] == [130101]
    channel = Channel.objects.get()
    assert channel.paused_until == t0 + timedelta(minutes=10)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    # Nothing is sent while the robot is blocked, so the block is never extended.
    run(t0 + timedelta(minutes=5))
    run(t0 + timedelta(minutes=10) - timedelta(seconds=1))
    assert len(service.hits) == 1
    run(t0 + timedelta(minutes=10))
    assert [h.errcode for h in service.hits] == [130101, 0, 0]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


# --- permanent and transient errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "setup", "errcode"),
    [
        (ChannelKind.WECOM, {"url": "wecom", "key": "wrong"}, 93000),
        (ChannelKind.DINGTALK, {"url": "dingtalk", "token": "wrong"}, 300001),
        (ChannelKind.DINGTALK, {"url": "dingtalk", "secret": "SECwrong"}, 310000),
        (ChannelKind.DINGTALK, {"url": "dingtalk", "keyword": ""}, 310000),
    ],
)
def test_a_permanent_errcode_fails_at_once_and_tells_the_units_head(
    unit_a, head_a, officer_a, service, run, kind, setup, errcode
):
    service.dingtalk_secret = "SECright"
    service.dingtalk_keyword = "信报"
    if setup["url"] == "wecom":
        url = service.wecom_url(setup["key"])
        fields = {}
    else:
        url = service.dingtalk_url(setup.get("token"))
        fields = {
            "secret": setup.get("secret", "SECright"),
            "keyword": setup.get("keyword", "信报"),
        }
    channel = robot(unit_a, kind, url, **fields)
    dispatch(message("p:1"), [], [unit_a])
    t0 = timezone.now()
    run(t0)
    assert [h.errcode for h in service.hits] == [errcode]
    delivery = Delivery.objects.get(key="p:1")
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    run(t0 + timedelta(hours=2))
    assert len(service.hits) == 1  # never retried
    channel.refresh_from_db()
    assert channel.failing_since == t0
    assert str(errcode) in channel.failure
    alert = Notification.objects.get(recipient=head_a)
    assert channel.label in alert.title
    assert not Notification.objects.filter(recipient=officer_a).exists()


def test_a_failing_channel_is_shown_on_the_channel_page(unit_a, head_a, service, run, client_of):
    robot(unit_a, ChannelKind.WECOM, service.wecom_url("wrong"))
    dispatch(message("p:2"), [], [unit_a])
    run(timezone.now())
    page = client_of(head_a).get("/notify/channels/").content.decode()
    assert "93000" in page


def test_the_keyword_and_signature_let_dingtalk_take_the_message(unit_a, service, run):
    service.dingtalk_secret = "SECright"
    service.dingtalk_keyword = "信报"
    robot(unit_a, ChannelKind.DINGTALK, service.dingtalk_url(), secret="SECright", keyword="信报")
    dispatch(message("k:1"), [], [unit_a])
    run(timezone.now())
    [hit] = service.hits
    assert hit.errcode == 0
    assert "信报" in hit.body["markdown"]["title"]


def test_a_transient_failure_is_retried_with_backoff(unit_a, service, run):
    robot(unit_a, ChannelKind.WECOM, service.wecom_url())
    service.busy = 2
    dispatch(message("t:1"), [], [unit_a])
    t0 = timezone.now()
    run(t0)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at == t0 + timedelta(seconds=30)
    run(t0 + timedelta(seconds=30))
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == t0 + timedelta(seconds=90)
    run(t0 + timedelta(seconds=90))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert [h.errcode for h in service.hits] == [502, 502, 0]


# --- DingTalk line breaks and @-mentions --------------------------------------------------------


def test_dingtalk_markdown_lines_break(unit_a, service, run):
    robot(unit_a, ChannelKind.DINGTALK, service.dingtalk_url())
    dispatch(message("l:1", body="事件：某化工厂火灾\n地点：甲区\n应报时间：10:30"), [], [unit_a])
    run(timezone.now())
    lines = service.hits[0].body["markdown"]["text"].split("\n")
    for line, following in itertools.pairwise(lines):
        # A line breaks when it ends in two spaces, is blank, or a blank line follows it.
        assert line.endswith("  ") or not line.strip() or not following.strip(), line
    assert "地点：甲区  " in lines


def test_an_urgent_dingtalk_alert_mentions_the_channels_people(unit_a, service, run):
    robot(
        unit_a,
        ChannelKind.DINGTALK,
        service.dingtalk_url(),
        at_mobiles="13800000001, 13800000002",
        at_user_ids="zhangsan",
        at_all=True,
    )
    dispatch(message("m:1", Severity.URGENT), [], [unit_a])
    dispatch(message("m:2"), [], [unit_a])
    run(timezone.now())
    urgent, routine = service.hits
    assert urgent.body["at"] == {
        "atMobiles": ["13800000001", "13800000002"],
        "atUserIds": ["zhangsan"],
        "isAtAll": True,
    }
    text = urgent.body["markdown"]["text"]
    assert "@13800000001" in text and "@13800000002" in text and "@zhangsan" in text
    assert "at" not in routine.body


def test_an_urgent_wecom_markdown_mentions_by_user_id(unit_a, service, run):
    robot(unit_a, ChannelKind.WECOM, service.wecom_url(), at_user_ids="zhangsan lisi")
    dispatch(message("m:3", Severity.URGENT), [], [unit_a])
    run(timezone.now())
    [hit] = service.hits
    assert hit.body["msgtype"] == "markdown"
    assert "<@zhangsan> <@lisi>" in hit.body["markdown"]["content"]


def test_an_urgent_wecom_alert_to_everyone_is_a_text_message(unit_a, service, run):
    robot(unit_a, ChannelKind.WECOM, service.wecom_url(), at_all=True, at_user_ids="zhangsan")
    dispatch(message("m:4", Severity.URGENT), [], [unit_a])
    run(timezone.now())
    [hit] = service.hits
    assert hit.body["text"]["mentioned_list"] == ["zhangsan", "@all"]
