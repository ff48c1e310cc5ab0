"""`/api/…`: the API's own authentication decides, so the site's login redirect stays out.

Every answer is JSON in the one error shape, also for a method a path does not take (405, with
`Allow`) and for a path the API does not have (404): never the site's HTML pages. Every write
through the API is audited as coming through it (`audit.actions.via`)."""

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from api.errors import error_body
from api.service import api
from audit.actions import via

View = Callable[..., HttpResponse]


def _in_one_shape(view: View) -> View:
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with via("api") as channel:
            request.audit_channel = channel  # type: ignore[attr-defined]
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                return unknown(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allow = response.get("Allow", "")
            response = JsonResponse(
                error_body(
                    "method_not_allowed",
                    _("This address does not take %(method)s.") % {"method": request.method},
                    {"allow": [m.strip() for m in allow.split(",") if m.strip()]},
                ),
                status=405,
                json_dumps_params={"ensure_ascii": False},
            )
            response["Allow"] = allow
        return response

    for name in ("csrf_exempt", "__name__", "__doc__"):
        if hasattr(view, name):
            setattr(wrapper, name, getattr(view, name))
    wrapper.login_required = False  # type: ignore[attr-defined]
    return wrapper


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/, whatever the method."""
    return JsonResponse(
        error_body("not_found", _("The API has no such address.")),
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


unknown.login_required = False  # type: ignore[attr-defined]

# ninja's own views (the schema, the docs page) answer any method; they only read.
READ_ONLY = {"openapi-json", "openapi-view"}

patterns, _app_name, _namespace = api.urls
for pattern in patterns:
    # Django's LoginRequiredMiddleware skips views marked like this (`login_not_required`).
    assert isinstance(pattern, URLPattern)
    view = pattern.callback
    if pattern.name in READ_ONLY:
        view = require_safe(view)
    pattern.callback = _in_one_shape(view)

app_name = "api"
urlpatterns = [*patterns, re_path(r"^(?P<rest>.*)$", unknown, name="unknown")]
