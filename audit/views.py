from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from audit import checkpoints, queries
from audit.actions import do_export, do_set_retention, do_verify
from audit.export import XLSX_TYPE
from audit.labels import action_label, details
from audit.models import MIN_RETENTION_DAYS, AuditPolicy
from org.http import AuthedRequest
from org.roles import Capability
from xinbao.core.downloads import download
from xinbao.core.errors import ActionError
from xinbao.core.inputs import parse_int

PAGE_SIZE = 50


def _need_auditor(request: AuthedRequest) -> None:
    if not request.user.can(Capability.READ_AUDIT):
        raise PermissionDenied


def _filters(request: AuthedRequest) -> tuple[queries.FilterForm, dict[str, object]]:
    """The filter form bound to the query string; invalid filters are named and dropped."""
    form = queries.FilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return form, {}
    return form, form.cleaned_data if form.is_bound else {}


@require_safe
def log(request: AuthedRequest) -> HttpResponse:
    _need_auditor(request)
    form, cleaned = _filters(request)
    page = Paginator(queries.filtered(cleaned), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(e, action_label(e.action), details(e.data, e.action)) for e in page.object_list]
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": keep.urlencode(),
            "policy": AuditPolicy.current(),
            "checkpoint": checkpoints.last_signed(),
            "min_retention": MIN_RETENTION_DAYS,
        },
    )


@require_safe
def export(request: AuthedRequest) -> HttpResponse:
    _need_auditor(request)
    form, cleaned = _filters(request)
    if form.is_bound and not form.is_valid():
        return redirect("audit:log")
    try:
        book, _rows = do_export(request.user, cleaned)
    except ActionError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('audit:log')}?{request.GET.urlencode()}")
    now = timezone.localtime()
    name = _("Audit log, exported %(year)s-%(month)s-%(day)s %(hour)s.%(minute)s") % {
        "year": now.year,
        "month": now.month,
        "day": now.day,
        "hour": f"{now:%H}",
        "minute": f"{now:%M}",
    }
    return download(book, XLSX_TYPE, f"{name}.xlsx", f"audit-log-{now:%Y%m%d-%H%M}")


@require_POST
def verify(request: AuthedRequest) -> HttpResponse:
    _need_auditor(request)
    report = do_verify(request.user)
    if report.ok:
        messages.success(
            request, _("The chain of %(n)s entries is intact.") % {"n": report.entries}
        )
    for finding in report.findings:
        messages.error(request, finding.message())
    return redirect("audit:log")


@require_POST
def retention(request: AuthedRequest) -> HttpResponse:
    _need_auditor(request)
    days = parse_int(request.POST.get("retention_days", ""), 0, 36_500)
    if days is None:
        messages.error(request, _("Enter the retention as a whole number of days."))
        return redirect("audit:log")
    try:
        changed = do_set_retention(request.user, days)
    except ActionError as error:
        messages.error(request, str(error))
        return redirect("audit:log")
    if changed:
        messages.success(request, _("Retention saved: %(n)s days.") % {"n": days})
    return redirect("audit:log")
