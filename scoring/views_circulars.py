"""The section's circulars: the monthly or quarterly 信息采用情况通报, the year-end 表彰通报 and
the per-officer tally they draw on. Views validate and render; `actions_circulars` writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from org.http import AuthedRequest
from org.roles import Capability
from scoring import actions_circulars, circular_docs, circulars, exports, queries
from scoring.forms import CircularForm, ReportPolicyForm
from scoring.models import CircularKind, ReportPolicy
from scoring.views import periods, require_reader
from xinbao.core.downloads import download


def _board(year: int | None = None) -> HttpResponse:
    url = reverse("scoring:board")
    return redirect(f"{url}?year={year}" if year else url)


def _form_errors(request: AuthedRequest, form: CircularForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


@require_safe
def adoption_docx(request: AuthedRequest) -> HttpResponse:
    """The 信息采用情况通报 of the month or quarter chosen on the rankings page."""
    require_reader(request)
    form = CircularForm(request.GET)
    if not form.is_valid() or not form.period_key():
        if form.is_valid():
            messages.error(request, _("Choose the month or the quarter."))
        _form_errors(request, form)
        return _board()
    period = queries.Period(form.cleaned_data["year"], form.period_key())
    content = circular_docs.adoption_docx(period, timezone.localdate())
    return download(
        content,
        exports.DOCX_TYPE,
        f"{circular_docs.adoption_title(period)}.docx",
        f"adoption-circular-{period.year}-{period.key}",
    )


@require_safe
def commendation_docx(request: AuthedRequest) -> HttpResponse:
    """The year-end 表彰通报 of a year."""
    require_reader(request)
    year = queries.period_of(request.GET).year
    content = circular_docs.commendation_docx(year, timezone.localdate())
    return download(
        content,
        exports.DOCX_TYPE,
        f"{circular_docs.commendation_title(year)}.docx",
        f"commendation-{year}",
    )


@require_POST
def issue(request: AuthedRequest) -> HttpResponse:
    """Number a circular (or the annual evaluation) from the office's sequence."""
    if not request.user.can(Capability.ISSUE_NOTICES):
        raise PermissionDenied
    form = CircularForm(request.POST)
    doc = request.POST.get("doc", "")
    if doc not in CircularKind.values:
        messages.error(request, _("Choose which document to number."))
        return _board()
    if not form.is_valid():
        _form_errors(request, form)
        return _board()
    key = form.period_key() if doc == CircularKind.ADOPTION else ""
    if doc == CircularKind.ADOPTION and not key:
        messages.error(request, _("Choose the month or the quarter."))
        return _board(form.cleaned_data["year"])
    circular = actions_circulars.issue_circular(
        request.user, doc, form.cleaned_data["year"], key, timezone.localdate()
    )
    messages.success(request, _("Numbered %(number)s.") % {"number": circular.doc_number})
    return _board(form.cleaned_data["year"])


@require_http_methods(["GET", "HEAD", "POST"])
def officers(request: AuthedRequest) -> HttpResponse:
    """Each officer's adopted items and points in the period, the writer credited; the number
    of outstanding officers the commendation names, edited by the chief."""
    require_reader(request)
    may_edit = request.user.can(Capability.EDIT_POINT_TABLE)
    policy = ReportPolicy.current()
    form = ReportPolicyForm(instance=policy) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = ReportPolicyForm(request.POST, instance=ReportPolicy.current())
        if form.is_valid():
            actions_circulars.update_report_policy(request.user, form.cleaned_data)
            messages.success(request, _("Circular policy saved."))
            return redirect(f"{reverse('scoring:officers')}?{request.GET.urlencode()}")
        policy = ReportPolicy.current()
    period = queries.period_of(request.GET)
    tally = circulars.officer_tally(period)
    named = (
        {t.user for t in circulars.outstanding_officers(tally, policy)} if period.is_year else set()
    )
    return render(
        request,
        "scoring/officers.html",
        {
            "period": period,
            "periods": periods(),
            "tally": tally,
            "named": named,
            "policy": policy,
            "form": form,
        },
    )
