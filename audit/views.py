from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from audit.actions import do_verify
from audit.models import AuditEntry
from org.http import AuthedRequest
from org.roles import Capability
from xinbao.core.inputs import query_param


@require_safe
def log(request: AuthedRequest) -> HttpResponse:
    if not request.user.can(Capability.READ_AUDIT):
        raise PermissionDenied
    entries = AuditEntry.objects.all()
    action = query_param(request, "action")
    if action:
        entries = entries.filter(action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    return render(
        request,
        "audit/log.html",
        {"page": page, "actions": list(actions), "current_action": action},
    )


@require_POST
def verify(request: AuthedRequest) -> HttpResponse:
    if not request.user.can(Capability.READ_AUDIT):
        raise PermissionDenied
    report = do_verify(request.user)
    if report.ok:
        messages.success(
            request, _("The chain of %(n)s entries is intact.") % {"n": report.entries}
        )
    for finding in report.findings:
        messages.error(request, finding.message())
    return redirect("audit:log")
