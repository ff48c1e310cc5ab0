from collections.abc import Callable

from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from org.models import SecurityPolicy

# Re-exported so settings name one module for both session rules.
LoginRequiredMiddleware = _DjangoLoginRequired

_LAST_SEEN = "xinbao_last_seen"
# Refresh the stored timestamp at most this often, so a busy session is not rewritten
# on every request.
_REFRESH_SECONDS = 60


class IdleTimeoutMiddleware:
    """Log a session out after the security policy's idle period (等保: session timeout)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            last = request.session.get(_LAST_SEEN)
            limit = SecurityPolicy.current().idle_timeout.total_seconds()
            if last is not None and now - float(last) > limit:
                logout(request)
                response = redirect("login")
                response["Location"] += "?timeout=1"
                return response
            if last is None or now - float(last) > _REFRESH_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)
