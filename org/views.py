from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.actions import record
from org.forms import SecurityPolicyForm
from org.models import SecurityPolicy
from org.network import SILENCE_DAYS, reporting_units_status
from org.roles import Capability
from xinbao.core.http import AuthedRequest


def _require(request: AuthedRequest, capability: Capability) -> None:
    if not request.user.can(capability):
        raise PermissionDenied


def units(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.VIEW_NETWORK)
    statuses = reporting_units_status()
    holes_only = request.GET.get("holes") == "1"
    shown = [s for s in statuses if s.is_hole] if holes_only else statuses
    return render(
        request,
        "org/units.html",
        {
            "statuses": shown,
            "holes_only": holes_only,
            "total": len(statuses),
            "hole_count": sum(1 for s in statuses if s.is_hole),
            "silence_days": SILENCE_DAYS,
        },
    )


def security(request: AuthedRequest) -> HttpResponse:
    _require(request, Capability.MANAGE_SECURITY)
    from axes.models import AccessAttempt

    policy = SecurityPolicy.current()
    before = {f: getattr(policy, f) for f in SecurityPolicyForm.Meta.fields}
    form = SecurityPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            after = {f: getattr(policy, f) for f in SecurityPolicyForm.Meta.fields}
            record(
                request.user,
                "security_policy_changed",
                "SecurityPolicy",
                {"before": before, "after": after},
            )
        messages.success(request, _("The security policy was saved."))
        return redirect("org:security")
    locked = AccessAttempt.objects.filter(failures_since_start__gte=policy.failure_limit).order_by(
        "-attempt_time"
    )
    return render(request, "org/security.html", {"form": form, "locked": locked})


@require_POST
def unlock(request: AuthedRequest, username: str) -> HttpResponse:
    _require(request, Capability.MANAGE_SECURITY)
    from axes.utils import reset

    with transaction.atomic():
        count = reset(username=username)
        record(request.user, "account_unlocked", username, {"attempts_cleared": count})
    messages.success(request, _("Account %(name)s was unlocked.") % {"name": username})
    return redirect("org:security")
