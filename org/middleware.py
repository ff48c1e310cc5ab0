from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from org.account_rules import password_expired
from org.models import SecurityPolicy, User

# Pages a person who must change their password may still open.
_OPEN = ("password_change", "logout", "set_language")


class PasswordChangeRequiredMiddleware:
    """Every page sends a person whose password must change to the password change page
    until they have changed it: after a reset was asked for, or when it is older than the
    policy's expiry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and self._must_change(user)
            and request.path_info not in {reverse(name) for name in _OPEN}
        ):
            if request.method == "GET" and not request.headers.get("HX-Request"):
                messages.warning(request, self._reason(user))
            return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _expired(user: User) -> bool:
        days = SecurityPolicy.current().password_max_age_days
        return password_expired(user.password_changed_at, user.date_joined, days, timezone.now())

    def _must_change(self, user: User) -> bool:
        return user.must_change_password or self._expired(user)

    def _reason(self, user: User) -> str:
        if user.must_change_password:
            return _("Your password was set or reset by someone else. Choose your own now.")
        return _("Your password has expired. Choose a new one to go on.")
