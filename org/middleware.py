from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from org.account_rules import password_expired
from org.models import SecurityPolicy, User

# Pages a person who must change their password may still open: the second step of the login
# comes first (xinbao.core.middleware.SecondFactorMiddleware sends them there).
_OPEN = ("password_change", "logout", "set_language", "two_factor_verify", "two_factor_setup")
# Set at login when the password has passed the policy's expiry; cleared by a change.
EXPIRED = "xinbao_password_expired"


@receiver(user_logged_in)
def check_expiry(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Expiry is judged at login (the policy is read once, not on every page)."""
    if not isinstance(user, User) or not hasattr(request, "session"):
        return
    days = SecurityPolicy.current().password_max_age_days
    if password_expired(user.password_changed_at, user.date_joined, days, timezone.now()):
        request.session[EXPIRED] = True


def change_required(request: HttpRequest) -> str | None:
    """Why the signed-in person must change their password before anything else, or None."""
    user = request.user
    if not isinstance(user, User):
        return None
    if user.must_change_password:
        return _("Your password was set or reset by someone else. Choose your own now.")
    if request.session.get(EXPIRED):
        return _("Your password has expired. Choose a new one to go on.")
    return None


class PasswordChangeRequiredMiddleware:
    """Every page sends a person whose password must change to the password change page
    (which says why) until they have changed it: after it was set by someone else, or when it
    was older than the policy's expiry at login. Costs no query: the account and the session
    are already loaded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            change_required(request)
            and request.path_info not in {reverse(name) for name in _OPEN}
            and not request.path_info.startswith(settings.API_PATH_PREFIX)
        ):
            if request.headers.get("HX-Request"):  # a fragment: send the whole page there
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("password_change")
                return response
            return redirect("password_change")
        return self.get_response(request)
