"""'Not again today' on the missing-calendar banner (org/calendar_banner.py)."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from org import calendar_banner
from org.guards import guarded
from org.http import AuthedRequest


@require_POST
@guarded(calendar_banner.warned)
def dismiss_calendar_banner(request: AuthedRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    calendar_banner.dismiss(response, request.user)
    return response
