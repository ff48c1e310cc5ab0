"""Pages of the archive's analysis: early signs, typical cases, the 全广新准 report and its
export, the analysis policy; and the merge / typical-case buttons on item and incident pages.
Views validate and render; `actions` writes."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from emergencies.access import get_visible_incident
from insight import actions, rules
from insight import export as insight_export
from insight import morning as insight_morning
from insight import queries as insight_queries
from insight import report as insight_report
from insight import trends as insight_trends
from insight.forms import MergeForm, PeriodForm, PolicyForm, TypicalForm
from insight.models import InsightPolicy
from org.http import AuthedRequest
from org.models import User
from org.roles import Capability
from submissions.models import TypicalCase
from submissions.queries import get_visible_item
from xinbao.core.downloads import download
from xinbao.core.inputs import parse_id

PAGE_SIZE = 25


def may_read_analysis(request: AuthedRequest) -> bool:
    """The section and the duty office (everything submitted) and leaders (what they may read).
    A unit's people do not see the office's analysis."""
    return request.user.can(Capability.READ_ANALYSIS)


def _need_reader(request: AuthedRequest) -> None:
    if not may_read_analysis(request):
        raise PermissionDenied


# --- The morning view (态势) -------------------------------------------------------------------


@require_safe
def morning(request: AuthedRequest) -> HttpResponse:
    """One screen for the morning: what stands today, each line a link to the thing itself."""
    if not request.user.can(Capability.READ_SITUATION):
        raise PermissionDenied
    view = insight_morning.morning(request.user)
    return render(request, "insight/morning.html", insight_morning.context(view))


# --- Early signs -----------------------------------------------------------------------------


@require_safe
def trends(request: AuthedRequest) -> HttpResponse:
    _need_reader(request)
    this_week = rules.week_monday(timezone.localdate())
    monday = insight_trends.parse_week(request.GET.get("week", "")) or this_week
    monday = min(monday, this_week)
    policy = InsightPolicy.current()
    result = insight_trends.weekly_trends(request.user, monday, policy)
    labels = result.labels
    return render(
        request,
        "insight/trends.html",
        {
            "trends": result,
            "week": insight_trends.week_label(monday),
            "week_name": insight_trends.week_name(monday),
            "previous": insight_trends.week_label(monday - timedelta(weeks=1)),
            "next": insight_trends.week_label(monday + timedelta(weeks=1))
            if monday < this_week
            else None,
            "week_end": monday + timedelta(days=6),
            "chart": {
                "kind": "line",
                "labels": labels,
                "series": [
                    {"name": s.burst.term, "data": list(s.burst.series)} for s in result.terms[:6]
                ],
            }
            if result.terms
            else None,
            "spark_labels": labels,
            "leader_view": not request.user.can(Capability.READ_SUBMITTED),
        },
    )


# --- Typical cases ---------------------------------------------------------------------------


@require_safe
def typical(request: AuthedRequest) -> HttpResponse:
    if not insight_queries.may_read_typical(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    if kind not in TypicalCase.values:
        kind = ""
    counts = insight_queries.typical_counts(request.user)
    page = Paginator(insight_queries.typical_cases(request.user, kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "insight/typical.html",
        {
            "page": page,
            "kind": kind,
            "kinds": [(v, label, counts.get(v, 0)) for v, label in TypicalCase.choices],
            "total": sum(counts.values()),
            "leader_view": not request.user.can(Capability.READ_SUBMITTED),
        },
    )


# --- The 全广新准 report ------------------------------------------------------------------------


def _period_form(request: AuthedRequest) -> PeriodForm:
    default = insight_report.month_of(timezone.localdate())
    if "start" in request.GET or "end" in request.GET:
        return PeriodForm(request.GET)
    return PeriodForm({"start": default.start.isoformat(), "end": default.end.isoformat()})


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _charts(report: insight_report.Report) -> dict[str, Any]:
    ages = [r for r in insight_report.unit_ages(report) if r.newest_item_age is not None]
    return {
        "complete": {
            "kind": "pie",
            "labels": [_("Reported"), _("Did not report")],
            "series": [
                {
                    "name": _("Units"),
                    "data": [report.reported_units, report.reporting_units - report.reported_units],
                }
            ],
        },
        "kinds": {
            "kind": "bar",
            "labels": [k.label for k in report.kinds],
            "series": [{"name": _("Items"), "data": [k.n for k in report.kinds]}],
        },
        "categories": {
            "kind": "bar",
            "labels": [c.label for c in report.categories],
            "series": [{"name": _("Incidents"), "data": [c.n for c in report.categories]}],
        },
        "topics": {
            "kind": "hbar",
            "labels": [name for name, _n in report.tags[:12]],
            "series": [{"name": _("Items"), "data": [n for _name, n in report.tags[:12]]}],
        },
        "ages": {
            "kind": "hbar",
            "labels": [r.unit.display_name for r in ages[:20]],
            "series": [
                {
                    "name": _("Age of the newest item (days)"),
                    "data": [r.newest_item_age for r in ages[:20]],
                }
            ],
        },
        "accurate": {
            "kind": "bar",
            "percent": True,
            "labels": [_("Verified"), _("Disputed"), _("Corrected"), _("False")],
            "series": [
                {
                    "name": _("Share in percent"),
                    "data": [
                        _pct(report.verified_share),
                        _pct(report.disputed_share),
                        _pct(report.corrected_share),
                        _pct(report.false_share),
                    ],
                }
            ],
        },
    }


@require_safe
def report(request: AuthedRequest) -> HttpResponse:
    _need_reader(request)
    form = _period_form(request)
    context: dict[str, Any] = {
        "form": form,
        "report": None,
    }
    if form.is_valid():
        built = insight_report.build(form.period(), InsightPolicy.current().silent_days)
        context.update(
            report=built,
            charts=_charts(built),
            ages=insight_report.unit_ages(built),
        )
    status = 200 if form.is_valid() else 400
    return render(request, "insight/report.html", context, status=status)


@require_safe
def report_xlsx(request: AuthedRequest) -> HttpResponse:
    _need_reader(request)
    form = _period_form(request)
    if not form.is_valid():
        problems = [str(e) for e in form.errors.get("__all__", [])]
        messages.error(request, " ".join(problems) or _("Choose a valid period."))
        return redirect("insight:report")
    period = form.period()
    built = insight_report.build(period, InsightPolicy.current().silent_days)
    return download(
        insight_export.workbook(built),
        insight_export.XLSX_TYPE,
        f"{insight_export.title(period)}.xlsx",
        f"archive-report-{period.start:%Y%m%d}-{period.end:%Y%m%d}",
    )


# --- The analysis policy ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def policy(request: AuthedRequest) -> HttpResponse:
    """Everyone in the section reads the thresholds; the section chief edits them."""
    user = request.user
    if not user.can(Capability.READ_SUBMITTED):
        raise PermissionDenied
    editable = user.can(Capability.EDIT_ANALYSIS_POLICY)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    current = InsightPolicy.current()
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST":
        if form.is_valid():
            changed = actions.do_update_policy(user, form.cleaned_data)
            messages.success(request, _("Policy saved.") if changed else _("Nothing was changed."))
            return redirect("insight:policy")
        messages.error(request, _("Some values are out of range; nothing was saved."))
    return render(
        request,
        "insight/policy.html",
        {"form": form, "editable": editable, "policy": current},
        status=400 if form.errors else 200,
    )


# --- Buttons on item and incident pages ------------------------------------------------------


@require_POST
def mark_typical(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_visible_item(request.user, pk)
    if not request.user.can(Capability.REVIEW):
        raise PermissionDenied
    form = TypicalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note can be at most 200 characters."))
        return redirect("submissions:detail", pk=item.pk)
    try:
        actions.do_mark_typical(
            request.user, item.pk, form.cleaned_data["typical"], form.cleaned_data["note"]
        )
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Typical-case mark saved."))
    return redirect("submissions:detail", pk=item.pk)


@dataclass(frozen=True)
class MergePage:
    """The merge buttons of one kind of record's page: the record, the page to go back to, and
    the messages (msgids, translated when shown)."""

    kind: actions.MergeableKind
    get: Callable[[User, int], Any]
    detail: str
    merged: str
    unmerged: str


ITEM_PAGE = MergePage(
    actions.ITEMS,
    get_visible_item,
    "submissions:detail",
    gettext_noop("#%(dup)s is merged into #%(main)s; its unit shares the main item's credit."),
    gettext_noop("#%(dup)s is no longer merged into #%(main)s."),
)
INCIDENT_PAGE = MergePage(
    actions.INCIDENTS,
    get_visible_incident,
    "emergencies:detail",
    gettext_noop("Incident #%(dup)s is merged into #%(main)s."),
    gettext_noop("Incident #%(dup)s is no longer merged into #%(main)s."),
)


def _merge_done(request: AuthedRequest, message: str, result: actions.MergeResult) -> None:
    messages.success(request, _(message) % {"dup": result.duplicate.pk, "main": result.main.pk})


@require_POST
def merge(request: AuthedRequest, pk: int, page: MergePage) -> HttpResponse:
    """The record on this page and the one chosen: which one stays the main record is asked."""
    record = page.get(request.user, pk)
    if not page.kind.may_merge(request.user):
        raise PermissionDenied
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the record to merge with."))
        return redirect(page.detail, pk=record.pk)
    other = form.cleaned_data["other"]
    keep_this = form.cleaned_data["keep"] == "this"
    duplicate, main = (other, record.pk) if keep_this else (record.pk, other)
    try:
        result = actions.do_merge(page.kind, request.user, duplicate, main)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        _merge_done(request, page.merged, result)
    return redirect(page.detail, pk=record.pk)


@require_POST
def unmerge(request: AuthedRequest, pk: int, page: MergePage) -> HttpResponse:
    record = page.get(request.user, pk)
    if not page.kind.may_merge(request.user):
        raise PermissionDenied
    back = _back(request, record.pk)
    try:
        result = actions.do_unmerge(page.kind, request.user, record.pk)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        _merge_done(request, page.unmerged, result)
    return redirect(page.detail, pk=back)


def _back(request: AuthedRequest, default: int) -> int:
    """The page the button was on (the main record's or the duplicate's)."""
    back = parse_id(request.POST.get("back"))
    return default if back is None else back
