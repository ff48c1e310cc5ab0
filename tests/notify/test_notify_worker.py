"""The delivery worker against a real loopback server: claims, retries, leases, concurrency."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from notify import transports, worker
from notify.actions import Message, dispatch
from notify.models import (
    ChannelKind,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
    Severity,
)
from notify.worker import process_deliveries

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent workers need PostgreSQL: SQLite serialises writers and pytest's "
    "SQLite test database is in memory, out of reach of a second process",
)


def message(key="flip:1"):
    return Message(
        title="【超时】甲区委办公室 书面首报已超时 12 分钟",
        body="应报时间：10:30",
        url="/emergencies/12/",
        severity=Severity.URGENT,
        key=key,
    )


def status(delivery):
    delivery.refresh_from_db()
    return delivery.status


def test_it_sends_a_pending_delivery_and_logs_the_attempt(officer_a, channel_of, listed_server):
    channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url())
    dispatch(message(), [officer_a])
    now = timezone.now()
    assert process_deliveries(now) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.sent_at == now
    assert delivery.attempts == 1
    assert delivery.lease_token == ""
    [attempt] = DeliveryAttempt.objects.all()
    assert attempt.ok and attempt.detail == "HTTP 200"
    assert attempt.duration_ms >= 0
    assert [r.key for r in listed_server.to("/hook")] == ["flip:1"]


def test_it_sends_email_through_the_configured_backend(officer_a, channel_of, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    channel_of(officer_a, ChannelKind.EMAIL, "duty@example.gov.cn")
    dispatch(message(), [officer_a])
    process_deliveries()
    [sent] = mail.outbox
    assert sent.to == ["duty@example.gov.cn"]
    assert sent.subject == "【超时】甲区委办公室 书面首报已超时 12 分钟"
    assert status(Delivery.objects.get()) == DeliveryStatus.SENT


def test_a_sent_delivery_is_not_sent_again(officer_a, channel_of, listed_server):
    channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url())
    dispatch(message(), [officer_a])
    process_deliveries()
    assert process_deliveries(timezone.now() + timedelta(days=1)) == 0
    assert len(listed_server.to("/hook")) == 1


def test_a_failure_backs_off_then_succeeds(officer_a, channel_of, listed_server):
    channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url())
    listed_server.answer("/hook", (500, {"error": "busy"}), (503, {}))
    dispatch(message(), [officer_a])
    delivery = Delivery.objects.get()
    t0 = timezone.now()

    assert process_deliveries(t0) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at == t0 + timedelta(seconds=30)
    assert delivery.last_error.startswith("HTTP 500")

    assert process_deliveries(t0 + timedelta(seconds=29)) == 0  # not due yet
    assert process_deliveries(t0 + timedelta(seconds=30)) == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == t0 + timedelta(seconds=30 + 60)

    assert process_deliveries(t0 + timedelta(seconds=90)) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 3
    assert delivery.last_error == ""
    assert [a.ok for a in delivery.tries.order_by("at")] == [False, False, True]


@pytest.mark.parametrize(
    ("kind", "answer", "wait"),
    [
        # WeCom's rate limit: wait for the next minute; DingTalk throttles a robot 10 minutes.
        (ChannelKind.WECOM, (200, {"errcode": 45009, "errmsg": "api freq out of limit"}), 1),
        (ChannelKind.DINGTALK, (200, {"errcode": 130101, "errmsg": "send too fast"}), 10),
        (ChannelKind.WECOM, (200, {"errcode": -1, "errmsg": "system busy"}), 1),
        (ChannelKind.WEBHOOK, (500, {}), 1),
    ],
)
def test_error_answers_are_retried(officer_a, channel_of, listed_server, kind, answer, wait):
    channel_of(officer_a, kind, listed_server.url(), secret="SEC1")
    listed_server.answer("/hook", answer)
    dispatch(message(), [officer_a])
    t0 = timezone.now()
    process_deliveries(t0)
    assert status(Delivery.objects.get()) == DeliveryStatus.PENDING
    if wait > 1:
        assert process_deliveries(t0 + timedelta(minutes=wait) - timedelta(seconds=1)) == 0
    process_deliveries(t0 + timedelta(minutes=wait))
    assert status(Delivery.objects.get()) == DeliveryStatus.SENT


def test_a_refused_connection_is_retried(officer_a, channel_of, refused_url):
    channel_of(officer_a, ChannelKind.WEBHOOK, refused_url)
    dispatch(message(), [officer_a])
    process_deliveries()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "connection failed" in delivery.last_error


def test_it_gives_up_after_the_configured_number_of_attempts(
    officer_a, channel_of, refused_url, settings
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    channel_of(officer_a, ChannelKind.WEBHOOK, refused_url)
    dispatch(message(), [officer_a])
    t = timezone.now()
    for _ in range(5):
        process_deliveries(t)
        t += timedelta(hours=1)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert DeliveryAttempt.objects.count() == 3


def test_it_gives_up_after_eight_attempts_by_default(officer_a, channel_of, refused_url):
    channel_of(officer_a, ChannelKind.WEBHOOK, refused_url)
    dispatch(message(), [officer_a])
    t = timezone.now()
    for _ in range(10):
        process_deliveries(t)
        t += timedelta(hours=1)
    assert Delivery.objects.get().attempts == 8
    assert status(Delivery.objects.get()) == DeliveryStatus.FAILED


def test_a_failing_channel_does_not_block_a_healthy_one(
    officer_a, channel_of, listed_server, refused_url
):
    channel_of(officer_a, ChannelKind.WEBHOOK, refused_url, label="broken")
    channel_of(officer_a, ChannelKind.WECOM, listed_server.url("/wecom"), label="healthy")
    listed_server.answer("/wecom", (200, {"errcode": 0}))
    dispatch(message(), [officer_a])
    assert process_deliveries() == 2
    by_label = {d.channel.label: d.status for d in Delivery.objects.select_related("channel")}
    assert by_label == {"broken": DeliveryStatus.PENDING, "healthy": DeliveryStatus.SENT}


def test_a_crashing_transport_does_not_block_the_others(
    officer_a, channel_of, listed_server, monkeypatch
):
    def explode(channel, payload, key):
        raise RuntimeError("bug in a transport")

    monkeypatch.setitem(transports.REGISTRY, ChannelKind.SMS, explode)
    channel_of(officer_a, ChannelKind.SMS, "13800000000", sms_url=listed_server.url("/sms"))
    channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url())
    dispatch(message(), [officer_a])
    assert process_deliveries() == 2
    assert len(listed_server.to("/hook")) == 1
    crashed = Delivery.objects.get(channel__kind=ChannelKind.SMS)
    assert crashed.status == DeliveryStatus.PENDING
    assert crashed.last_error == "RuntimeError: bug in a transport"


def test_a_broken_configuration_fails_at_once(officer_a, channel_of):
    channel_of(officer_a, ChannelKind.SMS, "13800000000", sms_url="")
    dispatch(message(), [officer_a])
    process_deliveries()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1


def test_a_switched_off_channel_is_not_sent_to(officer_a, channel_of, listed_server):
    channel = channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url())
    dispatch(message(), [officer_a])
    channel.enabled = False
    channel.save()
    process_deliveries()
    assert status(Delivery.objects.get()) == DeliveryStatus.FAILED
    assert listed_server.to("/hook") == []


def claimed(officer_a, channel_of, listed_server, lease_until):
    """A delivery some worker claimed, whose lease ends at `lease_until`."""
    channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url())
    dispatch(message(), [officer_a])
    Delivery.objects.update(
        status=DeliveryStatus.SENDING,
        attempts=1,
        lease_until=lease_until,
        next_attempt_at=lease_until,
        lease_token="someone-else",
    )
    return Delivery.objects.get()


def test_a_sending_row_with_an_expired_lease_is_taken_again(officer_a, channel_of, listed_server):
    now = timezone.now()
    delivery = claimed(officer_a, channel_of, listed_server, now - timedelta(seconds=1))
    assert process_deliveries(now) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert len(listed_server.to("/hook")) == 1


def test_a_sending_row_with_a_live_lease_is_left_alone(officer_a, channel_of, listed_server):
    now = timezone.now()
    delivery = claimed(officer_a, channel_of, listed_server, now + timedelta(seconds=30))
    assert process_deliveries(now) == 0
    assert status(delivery) == DeliveryStatus.SENDING
    assert listed_server.to("/hook") == []


def test_a_lapsed_last_attempt_is_given_up_not_repeated(
    officer_a, channel_of, listed_server, settings
):
    settings.NOTIFY_MAX_ATTEMPTS = 1
    now = timezone.now()
    delivery = claimed(officer_a, channel_of, listed_server, now - timedelta(seconds=1))
    assert process_deliveries(now) == 0
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "outcome unknown" in delivery.last_error


def test_a_worker_whose_lease_was_taken_does_not_overwrite_the_outcome(
    officer_a, channel_of, listed_server, monkeypatch
):
    """A slow worker finishes after its lease lapsed and another worker claimed the row."""
    channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url())
    dispatch(message(), [officer_a])
    real_send = worker._send

    def slow_send(delivery, key):
        Delivery.objects.filter(pk=delivery.pk).update(lease_token="newer-claim")
        return real_send(delivery, key)

    monkeypatch.setattr(worker, "_send", slow_send)
    process_deliveries()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENDING  # the newer claim decides
    assert delivery.lease_token == "newer-claim"
    assert DeliveryAttempt.objects.count() == 1  # the send happened and is logged


def test_it_attempts_at_most_limit_rows(officer_a, channel_of, listed_server):
    channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url())
    for n in range(5):
        dispatch(message(f"flip:{n}"), [officer_a])
    assert process_deliveries(limit=3) == 3
    assert process_deliveries(limit=3) == 2
    assert sorted(r.key for r in listed_server.to("/hook")) == [f"flip:{n}" for n in range(5)]


def test_deliver_now_sends_only_the_rows_asked_for(officer_a, channel_of, listed_server):
    channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url())
    dispatch(message("a"), [officer_a])
    dispatch(message("b"), [officer_a])
    wanted = Delivery.objects.get(key="b")
    assert worker.deliver_now([wanted.pk]) == 1
    assert [r.key for r in listed_server.to("/hook")] == ["b"]
    assert worker.deliver_now([wanted.pk]) == 0  # already sent


def test_the_inbox_needs_no_worker(officer_a, channel_of, refused_url):
    channel_of(officer_a, ChannelKind.WEBHOOK, refused_url)
    dispatch(message(), [officer_a])
    process_deliveries()
    assert Notification.objects.filter(recipient=officer_a).count() == 1


def many_deliveries(officer_a, channel_of, listed_server, count):
    paths = ["/a", "/b", "/c", "/d"]
    for path in paths:
        channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url(path), label=path)
    for n in range(count // len(paths)):
        dispatch(message(f"flip:{n}"), [officer_a])
    assert Delivery.objects.count() == count
    return paths


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_delivery(officer_a, channel_of, listed_server):
    paths = many_deliveries(officer_a, channel_of, listed_server, 200)
    errors, start = [], threading.Barrier(2)

    def work():
        try:
            start.wait()
            while process_deliveries(limit=7):
                pass
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    arrived = Counter((r.path, r.key) for r in listed_server.requests)
    assert len(arrived) == 200
    assert set(arrived.values()) == {1}
    assert {r.path for r in listed_server.requests} == set(paths)
    assert Delivery.objects.exclude(status=DeliveryStatus.SENT).count() == 0
    assert DeliveryAttempt.objects.count() == 200


def _worker(env, *options):
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "notify_worker",
            "--interval",
            "0.05",
            "--lease",
            "1",
            *options,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


@pytest.mark.wallclock  # a real worker process: its clock cannot be pinned
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_loses_nothing(officer_a, channel_of, listed_server):
    """kill -9 a real worker process again and again while it sends, then restart it.

    Every delivery arrives; a repeat is possible only for a row that was on the wire at the
    moment of a kill (at-least-once, caught by the X-Xinbao-Delivery key), so at most one per
    kill. The inbox is untouched by all of this.
    """
    many_deliveries(officer_a, channel_of, listed_server, 80)
    listed_server.delay = 0.04
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "XINBAO_VAR_DIR": str(django_settings.VAR_DIR),
    }
    kills = 0
    for _ in range(5):
        proc = _worker(env)
        before = len(listed_server.requests)
        deadline = time.monotonic() + 20
        # Kill it in the middle of its work: once it has sent something.
        while len(listed_server.requests) < before + 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.02 * kills)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
    sent_before_restart = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    assert 0 < sent_before_restart < 80
    time.sleep(1.1)  # the killed worker's lease lapses
    final = _worker(env, "--once", "--batch", "1000")
    assert final.wait(timeout=60) == 0
    assert Delivery.objects.exclude(status=DeliveryStatus.SENT).count() == 0
    arrived = Counter((r.path, r.key) for r in listed_server.requests)
    assert len(arrived) == 80
    repeats = sum(n - 1 for n in arrived.values())
    assert repeats <= kills
    assert Notification.objects.count() == 20
