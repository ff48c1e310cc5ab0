"""Response headers every page carries (等保 level 3): Permissions-Policy everywhere, and
`Cache-Control: no-store` on whatever a signed-in user is shown.

The Content-Security-Policy itself is django-csp's (`CONTENT_SECURITY_POLICY` in settings).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


def permissions_policy(features: dict[str, tuple[str, ...]]) -> str:
    """The header value for `features`: each feature name with its allowlist, `()` when the
    feature is off for every origin, e.g. `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; no-store on every response to a signed-in user.

    Placed first, so static files get the Permissions-Policy too but not no-store:
    WhiteNoise answers them before AuthenticationMiddleware has run, so `request.user` is
    never set for them. Everything behind the login (pages, htmx fragments, exports,
    attachments, redirects) is then marked no-store: a shared office computer's browser cache
    or back button must not show the previous user's content after a log-out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
