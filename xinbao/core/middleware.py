from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from org import twofactor
from org.models import SecurityPolicy
from org.sessions import LAST_SEEN, is_background

# Re-exported so settings name one module for both session rules.
LoginRequiredMiddleware = _DjangoLoginRequired


def is_api(request: HttpRequest) -> bool:
    """A request to the API, which answers in JSON and is never redirected to a page: its own
    authentication refuses a session that owes a step (`api.auth`)."""
    return request.path_info.startswith(settings.API_PATH_PREFIX)


# Refresh the stored timestamp at most this often, so a busy session is not rewritten
# on every request.
_REFRESH_SECONDS = 60


class IdleTimeoutMiddleware:
    """Log a session out after the security policy's idle period (等保: session timeout).

    Only what the person does counts as activity: a page's own polling (marked with
    `org.sessions.BACKGROUND_HEADER`) is served, and logged out when the time is up, but never
    moves the timer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            last = request.session.get(LAST_SEEN)
            limit = SecurityPolicy.current().idle_timeout.total_seconds()
            if last is not None and now - float(last) > limit:
                logout(request)
                if is_api(request):  # now signed out: the API answers 401 itself
                    return self.get_response(request)
                # To htmx (the board's polling), FragmentMiddleware sends the whole window.
                response = redirect("login")
                response["Location"] += "?timeout=1"
                return response
            if not is_background(request) and (
                last is None or now - float(last) > _REFRESH_SECONDS
            ):
                request.session[LAST_SEEN] = now
        return self.get_response(request)


# The pages a logged-in person who still owes the second step may open.
_SECOND_STEP_OPEN = ("two_factor_verify", "two_factor_setup", "logout", "set_language")


class SecondFactorMiddleware:
    """After the password, a login that needs the second step (see `org.twofactor`) reaches
    only the code page, the authenticator set-up and the log-out until it is given."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and request.session.get(twofactor.PENDING)
            and not user.is_verified()  # type: ignore[attr-defined]  # OTPMiddleware
        ):
            if self._open is None:
                self._open = frozenset(reverse(name) for name in _SECOND_STEP_OPEN)
            if request.path_info not in self._open and not is_api(request):
                wanted = request.get_full_path() if request.method == "GET" else "/"
                target = f"{reverse('two_factor_verify')}?{urlencode({'next': wanted})}"
                return redirect(target)  # to htmx, as HX-Redirect (FragmentMiddleware)
        return self.get_response(request)
