"""Callables django-axes reads on every attempt, so the lock-out policy is data, not settings."""

from datetime import timedelta

from django.http import HttpRequest

from org.models import SecurityPolicy


def failure_limit(request: HttpRequest | None = None, credentials: object = None) -> int:
    return SecurityPolicy.current().failure_limit


def cooloff_time(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=SecurityPolicy.current().cooloff_minutes)
