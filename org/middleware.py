from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from org.account_rules import password_expired
from org.models import SecurityPolicy, User

# Pages a person who must change their password may still open.
_OPEN = ("password_change", "logout", "set_language")


def change_required(user: User) -> str | None:
    """Why `user` must change their password before anything else, or None."""
    if user.must_change_password:
        return _("Your password was set or reset by someone else. Choose your own now.")
    days = SecurityPolicy.current().password_max_age_days
    if password_expired(user.password_changed_at, user.date_joined, days, timezone.now()):
        return _("Your password has expired. Choose a new one to go on.")
    return None


class PasswordChangeRequiredMiddleware:
    """Every page sends a person whose password must change to the password change page
    (which says why) until they have changed it: after it was set by someone else, or when it
    is older than the policy's expiry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and request.path_info not in {reverse(name) for name in _OPEN}
            and change_required(user)
        ):
            return redirect("password_change")
        return self.get_response(request)
