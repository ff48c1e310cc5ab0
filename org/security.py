"""Lock-out without denial of service: what django-axes reads on every attempt.

A user name locks at one address only (`AXES_LOCKOUT_PARAMETERS`), so a stranger who does not
know the password cannot lock the auditor out of a login from her own desk. Each repeated
lock-out of the same pair doubles the next one, up to the policy's longest lock-out; the policy
(limit, first lock-out, longest, how long lock-outs are remembered) is data in SecurityPolicy.
"""

import ipaddress
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone

from org.models import LockOut, SecurityPolicy, User

# 2**16 times the first lock-out is past any sensible cap; the exponent stops there.
_MAX_DOUBLINGS = 16


def growing_cooloff(first_minutes: int, longest_minutes: int, lockouts: int) -> timedelta:
    """How long a pair stays locked after its `lockouts`-th lock-out in the remembered window:
    the first lasts `first_minutes`, each further one twice the one before, never longer than
    `longest_minutes` (nor shorter than the first)."""
    doublings = min(max(lockouts - 1, 0), _MAX_DOUBLINGS)
    minutes = min(first_minutes * 2**doublings, max(longest_minutes, first_minutes))
    return timedelta(minutes=minutes)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `TRUSTED_PROXIES` reverse proxies (each
    appending what it saw to X-Forwarded-For) the address the outermost trusted proxy saw.
    Anything a client could have written itself is ignored."""
    remote = request.META.get("REMOTE_ADDR")
    proxies: int = settings.TRUSTED_PROXIES
    if proxies > 0:
        seen = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        seen = [a for a in seen if a]
        if len(seen) >= proxies:
            candidate = seen[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote


def _pair(request: HttpRequest | None, credentials: Any = None) -> tuple[str, str | None] | None:
    if request is None:
        return None
    username = get_client_username(request, credentials)
    if not username:
        return None
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    return str(username), ip


def lockouts_of(username: str, ip: str | None, now: datetime, policy: SecurityPolicy) -> int:
    since = now - timedelta(hours=policy.lockout_memory_hours)
    return LockOut.objects.filter(username=username, ip_address=ip, started_at__gte=since).count()


def pair_cooloff(username: str, ip: str | None, policy: SecurityPolicy | None = None) -> timedelta:
    policy = policy or SecurityPolicy.current()
    count = lockouts_of(username, ip, timezone.now(), policy)
    return growing_cooloff(policy.cooloff_minutes, policy.cooloff_max_minutes, count)


def failure_limit(request: HttpRequest | None = None, credentials: object = None) -> int:
    return SecurityPolicy.current().failure_limit


def cooloff_time(request: HttpRequest | None = None) -> timedelta:
    """The cool-off of the pair this request is about (the first lock-out's without one)."""
    pair = _pair(request)
    if pair is None:
        return timedelta(minutes=SecurityPolicy.current().cooloff_minutes)
    return pair_cooloff(*pair)


class PairLockHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes is untyped
    """django-axes' database handler, with two changes for per-pair cool-offs:

    - stale attempts are cleaned per pair (axes cleans every pair against the asking pair's
      cool-off, which would end a longer lock-out early), and anything older than the longest
      lock-out everywhere — made-up names do not pile up;
    - each new lock-out of a pair is noted (`LockOut`), so the next one lasts twice as long.
    These rows are the lock-out's own bookkeeping, like axes' attempts: no audit entry of their
    own (the audit log records each failure and lock-out, see audit.signals)."""

    def clean_expired_user_attempts(
        self, request: HttpRequest | None = None, credentials: dict[str, Any] | None = None
    ) -> int:
        policy = SecurityPolicy.current()
        now = timezone.now()
        count: int
        count, _ = AccessAttempt.objects.filter(
            attempt_time__lte=now - timedelta(minutes=policy.cooloff_max_minutes)
        ).delete()
        LockOut.objects.filter(
            started_at__lt=now - timedelta(hours=policy.lockout_memory_hours)
        ).delete()
        pair = _pair(request, credentials)
        if pair is not None:
            username, ip = pair
            threshold = now - pair_cooloff(username, ip, policy)
            more, _ = AccessAttempt.objects.filter(
                username=username, ip_address=ip, attempt_time__lte=threshold
            ).delete()
            count += more
        return count

    def user_login_failed(
        self,
        sender: object,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        was_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or was_locked or not getattr(request, "axes_locked_out", False):
            return
        pair = _pair(request, credentials)
        if pair is not None:
            LockOut.objects.create(username=pair[0], ip_address=pair[1], started_at=timezone.now())


def active_locks(now: datetime | None = None) -> tuple[list[AccessAttempt], list[AccessAttempt]]:
    """The pairs locked right now, as (real accounts, made-up names): a guess at names that do
    not exist is shown apart, and never as a lock of anyone's account. Three queries, however
    many pairs a guesser made."""
    now = now or timezone.now()
    policy = SecurityPolicy.current()
    attempts = list(
        AccessAttempt.objects.filter(failures_since_start__gte=policy.failure_limit).order_by(
            "-attempt_time"
        )
    )
    since = now - timedelta(hours=policy.lockout_memory_hours)
    counts = {
        (row["username"], row["ip_address"]): row["n"]
        for row in LockOut.objects.filter(started_at__gte=since)
        .values("username", "ip_address")
        .annotate(n=Count("pk"))
    }
    locked = [
        a
        for a in attempts
        if a.attempt_time
        + growing_cooloff(
            policy.cooloff_minutes,
            policy.cooloff_max_minutes,
            counts.get((a.username, a.ip_address), 0),
        )
        > now
    ]
    names = {a.username for a in locked}
    real = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    return [a for a in locked if a.username in real], [a for a in locked if a.username not in real]
