"""Response headers every page carries (等保 level 3): Permissions-Policy everywhere, and
`Cache-Control: no-store` on whatever a signed-in user is shown; and what htmx fragments need
so that the browser's Back never shows one alone (`FragmentMiddleware`).

The Content-Security-Policy itself is django-csp's (`CONTENT_SECURITY_POLICY` in settings).
"""

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.response import HttpResponseRedirectBase
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme


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


# What a request sent by htmx carries (https://htmx.org/reference/#request_headers).
HTMX_REQUEST = "HX-Request"
HTMX_CURRENT_URL = "HX-Current-URL"


class FragmentMiddleware:
    """Keep htmx fragments out of the browser's history: Back and Forward show whole pages.

    A view answers the same URL with the whole page or, to htmx, with a fragment of it (the
    board's rows, the item list, the archive results). So:

    - every response says `Vary: HX-Request`: no cache may hand the fragment to a navigation
      (Back, Forward, a reload) that asks for the page at that URL;
    - a fragment is never stored (`no-store`), signed in or not;
    - a redirect answering htmx becomes `HX-Redirect`: the browser follows a 3xx inside the
      XMLHttpRequest, and htmx would put the page it lands on (the login form, when the
      session has expired under the board's polling) inside the fragment's place. htmx sends
      the whole window there instead. A `next` naming the fragment's URL is pointed at the
      page the person was on, so that logging in again leads back to a whole page.

    Placed after WhiteNoise: static files do not vary by HX-Request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        patch_vary_headers(response, (HTMX_REQUEST,))
        if not request.headers.get(HTMX_REQUEST):
            return response
        add_never_cache_headers(response)
        if isinstance(response, HttpResponseRedirectBase):
            return client_redirect(request, response)
        return response


def client_redirect(request: HttpRequest, redirect: HttpResponseRedirectBase) -> HttpResponse:
    """The htmx answer for `redirect`: no content, and `HX-Redirect` to where it pointed."""
    target = redirect["Location"]
    page = _current_page(request)
    if page is not None:
        parts = urlsplit(target)
        query = parse_qsl(parts.query, keep_blank_values=True)
        fragment = request.get_full_path()
        if any(name == REDIRECT_FIELD_NAME and value == fragment for name, value in query):
            query = [
                (name, page if name == REDIRECT_FIELD_NAME else value) for name, value in query
            ]
            target = urlunsplit(parts._replace(query=urlencode(query, safe="/")))
    response = HttpResponse(status=204)
    for name, value in redirect.items():
        if name.lower() not in ("location", "content-length", "content-type"):
            response[name] = value
    response.cookies = redirect.cookies
    response["HX-Redirect"] = target
    return response


def _current_page(request: HttpRequest) -> str | None:
    """The path and query of the page that sent the htmx request, if it is on this site."""
    current = request.headers.get(HTMX_CURRENT_URL, "")
    if not current or not url_has_allowed_host_and_scheme(
        current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(current)
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))
