"""Each transport against a real HTTP server on 127.0.0.1 (or Django's locmem mail backend)."""

import base64
import hashlib
import hmac
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail

from notify import rules
from notify.models import Severity
from notify.transports import REGISTRY, TransportError, dingtalk, email, sms, webhook, wecom

PAYLOAD = {
    "title": "【超时】市应急管理局 书面首报已超时 12 分钟",
    "body": "事件：某化工厂火灾\n应报时间：10:30",
    "url": "/emergencies/12/",
    "severity": Severity.URGENT,
}


def channel(kind, target, **fields):
    return SimpleNamespace(
        kind=kind,
        label=fields.get("label", kind),
        target=target,
        secret=fields.get("secret", ""),
        template=fields.get("template", rules.DEFAULT_SMS_TEMPLATE),
        sms_url=fields.get("sms_url", ""),
        keyword=fields.get("keyword", ""),
        at_mobiles=fields.get("at_mobiles", ""),
        at_user_ids=fields.get("at_user_ids", ""),
        at_all=fields.get("at_all", False),
    )


def test_the_registry_knows_every_kind():
    assert set(REGISTRY) == {"email", "webhook", "wecom", "dingtalk", "sms"}


def test_it_posts_the_webhook_json_with_the_dedupe_header(listed_server):
    detail = webhook.send(channel("webhook", listed_server.url()), PAYLOAD, "flip:12")
    assert detail == "HTTP 200"
    [req] = listed_server.to("/hook")
    assert req.json == PAYLOAD
    assert req.key == "flip:12"
    assert req.headers["Content-Type"].startswith("application/json")


def test_it_posts_wecom_markdown(listed_server):
    wecom.send(channel("wecom", listed_server.url("/cgi-bin/webhook/send?key=abc")), PAYLOAD, "k")
    [req] = listed_server.to("/cgi-bin/webhook/send")
    assert req.query == {"key": ["abc"]}
    assert req.json["msgtype"] == "markdown"
    content = req.json["markdown"]["content"]
    assert "**【超时】市应急管理局 书面首报已超时 12 分钟**" in content
    assert "应报时间：10:30" in content


def test_it_adds_the_site_link_when_the_base_url_is_set(listed_server, settings):
    settings.NOTIFY_BASE_URL = "https://xinbao.example.gov.cn"
    wecom.send(channel("wecom", listed_server.url("/robot")), PAYLOAD, "k")
    [req] = listed_server.to("/robot")
    assert "https://xinbao.example.gov.cn/emergencies/12/" in req.json["markdown"]["content"]


def test_it_posts_dingtalk_markdown_with_a_signature_the_server_can_verify(listed_server):
    secret = "SEC0123456789abcdef"
    before = int(time.time() * 1000)
    target = listed_server.url("/robot/send?access_token=tok")
    dingtalk.send(channel("dingtalk", target, secret=secret), PAYLOAD, "k")
    [req] = listed_server.to("/robot/send")
    assert req.json["msgtype"] == "markdown"
    assert req.json["markdown"]["title"] == PAYLOAD["title"]
    assert "应报时间：10:30" in req.json["markdown"]["text"]
    assert req.query["access_token"] == ["tok"]
    timestamp = req.query["timestamp"][0]
    assert before <= int(timestamp) <= int(time.time() * 1000)
    # What DingTalk does on its side: recompute the HMAC and compare.
    expected = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    assert base64.b64decode(req.query["sign"][0]) == expected


def test_dingtalk_without_a_secret_sends_unsigned(listed_server):
    dingtalk.send(
        channel("dingtalk", listed_server.url("/robot/send?access_token=t")), PAYLOAD, "k"
    )
    [req] = listed_server.to("/robot/send")
    assert "sign" not in req.query


@pytest.mark.parametrize("send", [wecom.send, dingtalk.send])
def test_a_robot_errcode_is_a_failure(listed_server, send):
    listed_server.answer("/robot", (200, {"errcode": 310000, "errmsg": "sign not match"}))
    with pytest.raises(TransportError, match="310000: sign not match"):
        send(channel("robot", listed_server.url("/robot"), secret="SEC1"), PAYLOAD, "k")


def test_a_robot_answer_that_is_not_json_is_a_failure(listed_server):
    listed_server.answer("/robot", (200, b"<html>proxy login</html>"))
    with pytest.raises(TransportError, match="unexpected answer"):
        wecom.send(channel("wecom", listed_server.url("/robot")), PAYLOAD, "k")


def test_it_fills_the_sms_template(listed_server):
    ch = channel(
        "sms", "13800000000", sms_url=listed_server.url("/sms"), template="{title}｜{body}｜{url}"
    )
    sms.send(ch, PAYLOAD, "k")
    [req] = listed_server.to("/sms")
    assert req.json == {
        "phone": "13800000000",
        "text": f"{PAYLOAD['title']}｜{PAYLOAD['body']}｜/emergencies/12/",
    }
    assert req.key == "k"


def test_it_cuts_the_sms_text_to_300_characters(listed_server):
    ch = channel("sms", "13800000000", sms_url=listed_server.url("/sms"))
    sms.send(ch, {**PAYLOAD, "body": "很长" * 400}, "k")
    [req] = listed_server.to("/sms")
    assert len(req.json["text"]) == 300
    assert req.json["text"].startswith("【信报】【超时】")


def test_the_sms_template_cannot_reach_attributes():
    text = rules.sms_text("{title.__class__} {title} {0} {", {"title": "标题"})
    assert text == "{title.__class__} 标题 {0} {"


def test_an_http_error_is_a_failure_with_its_status(listed_server):
    listed_server.answer("/hook", (500, {"error": "database down"}))
    with pytest.raises(TransportError, match="HTTP 500") as exc:
        webhook.send(channel("webhook", listed_server.url()), PAYLOAD, "k")
    assert "database down" in exc.value.detail
    assert not exc.value.permanent


def test_a_refused_connection_is_a_failure(refused_url):
    with pytest.raises(TransportError, match="connection failed"):
        webhook.send(channel("webhook", refused_url), PAYLOAD, "k")


def test_a_redirect_is_not_followed(listed_server):
    listed_server.answer("/hook", (302, {}))
    with pytest.raises(TransportError, match="HTTP 302"):
        webhook.send(channel("webhook", listed_server.url()), PAYLOAD, "k")
    assert listed_server.to("/elsewhere") == []


def test_a_non_http_url_fails_for_good():
    with pytest.raises(TransportError) as exc:
        webhook.send(channel("webhook", "file:///etc/passwd"), PAYLOAD, "k")
    assert exc.value.permanent


def test_it_sends_email_through_django(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "xinbao@example.gov.cn"
    detail = email.send(channel("email", "duty@example.gov.cn"), PAYLOAD, "flip:12")
    assert detail
    [sent] = mail.outbox
    assert sent.to == ["duty@example.gov.cn"]
    assert sent.from_email == "xinbao@example.gov.cn"
    assert sent.subject == PAYLOAD["title"]
    assert "应报时间：10:30" in sent.body
    assert sent.extra_headers["Message-ID"] == email.message_id("flip:12")


def test_the_backoff_doubles_from_30_seconds_up_to_30_minutes():
    waits = [rules.backoff(n) for n in range(1, 10)]
    assert waits[:4] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert waits[-1] == timedelta(minutes=30)
    assert rules.backoff(1000) == timedelta(minutes=30)


def test_robot_urls_are_shown_without_their_key():
    masked = rules.mask_target("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=S3")
    assert masked == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…"
    assert rules.mask_target("email", "a@example.org") == "a@example.org"
