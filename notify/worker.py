"""The delivery worker: claims due deliveries, sends each through its transport, logs the try.

Shaped after healthchecks' `sendalerts`: one row at a time is claimed with a conditional UPDATE
(on PostgreSQL the candidate is picked with FOR UPDATE SKIP LOCKED, so workers do not queue on
one another), and a claim is a lease: `status = sending` with `lease_until` (and
`next_attempt_at`, the column the claim query scans) set `lease_seconds` ahead, and a random
token. A worker killed at any moment leaves either a pending row or a claimed one whose lease
lapses and which any worker then takes again — no delivery is lost. A worker finishes a row
only while its token is still on it, so a slow worker cannot overwrite a newer claim's outcome.

The network call happens outside any transaction. If a worker dies between the receiver's
acceptance and the commit of "sent", the row is sent again after its lease: external sends are
at-least-once, with the delivery key in every request so receivers can drop the repeat (see
`notify.transports.base`). The lease must outlast one send: transports time out after 5 s
(HTTP) or 10 s (SMTP), far inside the default 60 s lease.
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from notify import actions, rules
from notify.models import UNFINISHED, Delivery, DeliveryAttempt, DeliveryStatus, Severity
from notify.transports import REGISTRY, Payload, TransportError

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    value = int(getattr(settings, "NOTIFY_MAX_ATTEMPTS", rules.DEFAULT_MAX_ATTEMPTS))
    return max(value, 1)


@dataclass(frozen=True)
class Claim:
    delivery: Delivery
    token: str


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str
    permanent: bool = False
    wait: timedelta | None = None
    # The robot's service refused the message for good (its errcode): tell the keepers.
    refused: bool = False


def process_deliveries(
    now: datetime | None = None, limit: int = 50, lease_seconds: int = 60
) -> int:
    """Claim due deliveries (pending with next_attempt_at <= now, or sending with an expired
    lease), send each through its transport, log the attempt, then mark it sent, back to
    pending with exponential backoff, or failed after NOTIFY_MAX_ATTEMPTS attempts (default 8).
    One channel's failure never stops the others. Returns how many were attempted.

    `now` freezes the clock for tests; by default every claim reads the real time.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else timezone.now
    lease = timedelta(seconds=lease_seconds)
    _give_up_abandoned(clock())
    attempted = 0
    with translation.override(settings.LANGUAGE_CODE):
        claims = 0
        # A row put back to wait for its robot is no attempt; the claim count still bounds a run.
        while attempted < limit and claims < limit * 10:
            claim = _claim_next(clock(), lease)
            if claim is None:
                break
            claims += 1
            if _attempt(claim, clock):
                attempted += 1
    return attempted


def deliver_now(delivery_ids: list[int], lease_seconds: int = 60) -> int:
    """Attempt these deliveries at once (the "send a test" button), through the same claim,
    so a worker running at the same moment cannot send them too. Returns how many were tried."""
    attempted = 0
    lease = timedelta(seconds=lease_seconds)
    with translation.override(settings.LANGUAGE_CODE):
        for pk in delivery_ids:
            claim = _claim_next(timezone.now(), lease, pk=pk)
            if claim is not None and _attempt(claim, timezone.now):
                attempted += 1
    return attempted


def _give_up_abandoned(now: datetime) -> None:
    """A row whose last allowed attempt was claimed by a worker that then vanished: it may or
    may not have reached the receiver, and there are no tries left. Say so, and stop."""
    abandoned = Delivery.objects.filter(
        status=DeliveryStatus.SENDING, next_attempt_at__lte=now, attempts__gte=max_attempts()
    )
    # Read first: an idle worker should not take SQLite's write lock every round.
    if not abandoned.exists():
        return
    abandoned.update(
        status=DeliveryStatus.FAILED,
        last_error=rules.truncate("worker stopped during the last attempt; outcome unknown", 500),
        lease_token="",
    )


def _claim_next(now: datetime, lease: timedelta, pk: int | None = None) -> Claim | None:
    due = Delivery.objects.filter(status__in=UNFINISHED, next_attempt_at__lte=now)
    if pk is not None:
        due = due.filter(pk=pk)
    # Read first: an idle worker should not take SQLite's write lock every round.
    if not due.exists():
        return None
    # Urgent first among the rows due: a robot at its rate sends the waiting alert before the
    # routine messages queued ahead of it.
    first = due.order_by("-priority", "next_attempt_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        first = first.select_for_update(skip_locked=True)
    for _try in range(5):
        with transaction.atomic():
            # On SQLite the transaction itself (BEGIN IMMEDIATE) holds the write lock.
            candidate = first.values_list("pk", "status", "next_attempt_at").first()
            if candidate is None:
                return None
            row_id, status, next_at = candidate
            token = uuid.uuid4().hex
            until = now + lease
            won = Delivery.objects.filter(pk=row_id, status=status, next_attempt_at=next_at).update(
                status=DeliveryStatus.SENDING,
                attempts=F("attempts") + 1,
                lease_until=until,
                next_attempt_at=until,
                lease_token=token,
            )
        if won == 1:
            delivery = Delivery.objects.select_related("channel").get(pk=row_id)
            return Claim(delivery, token)
        # Another worker took it between our read and our write: look again.
    return None


def _send(delivery: Delivery, key: str) -> Outcome:
    channel = delivery.channel
    if channel.removed_at is not None:
        return Outcome(False, "channel removed", permanent=True)
    if not channel.enabled:
        return Outcome(False, "channel switched off", permanent=True)
    transport = REGISTRY.get(channel.kind)
    if transport is None:
        return Outcome(False, f"no transport for {channel.kind!r}", permanent=True)
    payload = delivery.payload
    if not isinstance(payload, dict):
        return Outcome(False, "malformed payload", permanent=True)
    message: Payload = {
        "title": str(payload.get("title", "")),
        "body": str(payload.get("body", "")),
        "url": str(payload.get("url", "")),
        "severity": str(payload.get("severity", Severity.INFO)),
    }
    try:
        return Outcome(True, transport(channel, message, key))
    except TransportError as exc:
        return Outcome(
            False, exc.detail, permanent=exc.permanent, wait=exc.wait, refused=exc.refused
        )
    except Exception as exc:  # one broken transport must not stop the batch
        logger.exception("notify: transport %s failed on delivery %s", channel.kind, delivery.pk)
        return Outcome(False, rules.truncate(f"{type(exc).__name__}: {exc}", 500))


def _robot_free_at(delivery: Delivery, now: datetime) -> datetime | None:
    """When this robot may take one more message, if not now: after the pause its service asked
    for, or when the oldest of the last `rate_per_minute` sends leaves the one-minute window.
    Sends being made right now by other claims count too."""
    channel = delivery.channel
    if channel.kind not in rules.ROBOT_KINDS:
        return None
    if channel.paused_until is not None and channel.paused_until > now:
        return channel.paused_until
    rate = rules.robot_rate(channel.rate_per_minute)
    since = now - rules.RATE_WINDOW
    recent = list(
        DeliveryAttempt.objects.filter(delivery__channel=channel, at__gt=since, at__lte=now)
        .order_by("at")
        .values_list("at", flat=True)
    )
    in_flight = (
        Delivery.objects.filter(channel=channel, status=DeliveryStatus.SENDING)
        .exclude(pk=delivery.pk)
        .count()
    )
    over = len(recent) + in_flight - rate  # sends that must leave the window first, less one
    if over < 0:
        return None
    if over >= len(recent):
        return now + rules.RATE_WINDOW  # the slots are held by sends in flight: look later
    return recent[over] + rules.RATE_WINDOW


def _defer(claim: Claim, until: datetime) -> None:
    """Put the row back in the queue, untried: waiting for the rate is not an attempt."""
    Delivery.objects.filter(
        pk=claim.delivery.pk, status=DeliveryStatus.SENDING, lease_token=claim.token
    ).update(
        status=DeliveryStatus.PENDING,
        attempts=F("attempts") - 1,
        next_attempt_at=until,
        lease_until=None,
        lease_token="",
    )


def _attempt(claim: Claim, clock: Callable[[], datetime]) -> bool:
    """Send one claimed row; False when it was put back to wait for its robot's rate."""
    delivery = claim.delivery
    free_at = _robot_free_at(delivery, clock())
    if free_at is not None:
        _defer(claim, free_at)
        return False
    started = time.monotonic()
    outcome = _send(delivery, delivery.key)
    duration_ms = int((time.monotonic() - started) * 1000)
    at = clock()
    changes: dict[str, object] = {"lease_until": None, "lease_token": ""}
    if outcome.ok:
        changes.update(status=DeliveryStatus.SENT, sent_at=at, last_error="")
    elif outcome.permanent or delivery.attempts >= max_attempts():
        changes.update(status=DeliveryStatus.FAILED, last_error=outcome.detail)
    else:
        wait = rules.backoff(delivery.attempts)
        if outcome.wait is not None:
            wait = max(wait, outcome.wait)
        changes.update(
            status=DeliveryStatus.PENDING, next_attempt_at=at + wait, last_error=outcome.detail
        )
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            at=at,
            ok=outcome.ok,
            detail=outcome.detail,
            duration_ms=duration_ms,
        )
        kept = Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.SENDING, lease_token=claim.token
        ).update(**changes)
        channel = delivery.channel
        if outcome.ok and channel.failing_since is not None:
            actions.note_channel_recovered(channel.pk)
        elif outcome.refused:
            actions.note_channel_failure(channel.pk, outcome.detail, at)
        if outcome.wait is not None:
            actions.pause_channel(channel.pk, at + outcome.wait)
    if not kept:
        logger.warning("notify: delivery %s was reclaimed while being sent", delivery.pk)
    return True
