from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from org.http import AuthedRequest
from org.models import User
from org.roles import Capability
from xinbao.core.worker import worker_alive


@login_not_required
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and a deadline worker has beaten recently."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "db": "error", "worker": "unknown"}, status=503)
    # The web side is ready either way (a load balancer keeps routing to it); the worker key
    # tells monitoring whether deadlines are being watched.
    return JsonResponse({"status": "ok", "db": "ok", "worker": "ok" if worker_alive() else "down"})


@login_not_required
@require_safe
@never_cache
def livez(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches nothing else."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on their own (the login page included): the vendored icon,
    through the static files' own (hashed, long-cached) URL."""
    return redirect(static("img/favicon.ico"), permanent=True)


@require_safe
def home(request: AuthedRequest) -> HttpResponse:
    """Each role starts where its work is: the administrators on their own pages, the duty
    office on the emergency board, a city leader on the morning view (态势), everyone else on
    the items page, which shows an officer the unit's items, a unit head what awaits sign-off
    and the section (editors, the chief, the secretary-general) the queue with the office's
    counts."""
    return redirect(landing(request.user))


def landing(user: User) -> str:
    """The URL name of the page `user` starts on."""
    if user.can(Capability.MANAGE_ORG):
        return "org:units"
    if user.can(Capability.MANAGE_SECURITY):
        return "org:security"
    if user.can(Capability.READ_AUDIT):
        return "audit:log"
    duty_office = user.can(Capability.STAND_DUTY) and not user.can(Capability.REVIEW)
    if duty_office and user.can(Capability.WATCH_EMERGENCIES):
        return "emergencies:board"  # the duty office: watches, takes calls, does not edit
    if user.can(Capability.READ_SITUATION) and not user.can(Capability.READ_SUBMITTED):
        return "insight:morning"  # a leader starts the day on what stands today
    if user.can(Capability.READ_BULLETINS) and not user.can(Capability.READ_SUBMITTED):
        return "bulletins:home"  # a reader of the office's bulletins
    return "submissions:home"
