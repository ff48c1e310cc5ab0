"""Violation screens: the section's queue, a unit's own list, one violation with its evidence,
explanations and the chief's decision, and entering a false or concealed report. Views
validate and render; `actions` writes."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accountability import access, actions, queries
from accountability.forms import (
    DecisionForm,
    EntryForm,
    ExplanationForm,
    QueueFilter,
    reports_of,
)
from accountability.models import Violation, ViolationStatus
from org.http import AuthedRequest
from xinbao.core.inputs import parse_id
from xinbao.core.once import ALREADY_SAVED

PAGE_SIZE = 50


def get_visible_violation(request: AuthedRequest, pk: int) -> Violation:
    violation = (
        access.visible_violations(request.user)
        .select_related(
            "unit",
            "incident",
            "report__unit",
            "item",
            "candidate__expected",
            "entered_by",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )
    if violation is None:
        raise Http404
    return violation


def _list_context(request: AuthedRequest, rows: Any, form: QueueFilter) -> dict[str, Any]:
    page = Paginator(queries.queue(rows, form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "rows": page.object_list, "form": form, "query": query.urlencode()}


@require_safe
def queue(request: AuthedRequest) -> HttpResponse:
    """The section's queue: pending first, filtered by status, kind, unit and year."""
    user = request.user
    if not access.is_section(user):
        if access.is_unit_person(user):
            return redirect("accountability:mine")
        raise PermissionDenied
    form = QueueFilter(request.GET or None)
    context = _list_context(request, access.visible_violations(user), form)
    counts = queries.status_counts(access.visible_violations(user))
    context |= {
        "status_tabs": [(value, label, counts[value]) for value, label in ViolationStatus.choices],
        "may_enter": access.may_enter(user),
        "may_compile": access.may_issue(user),
    }
    return render(request, "accountability/queue.html", context)


@require_safe
def mine(request: AuthedRequest) -> HttpResponse:
    """A unit's own violations, pending and decided."""
    user = request.user
    if not access.is_unit_person(user):
        raise PermissionDenied
    form = QueueFilter(request.GET or None)
    context = _list_context(request, access.visible_violations(user), form)
    context["pending"] = (
        access.visible_violations(user).filter(status=ViolationStatus.PENDING).count()
    )
    return render(request, "accountability/mine.html", context)


@require_safe
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    violation = get_visible_violation(request, pk)
    pending = violation.status == ViolationStatus.PENDING
    may_explain = access.can_explain(
        user.role if user.is_active else "", user.unit_id, violation.unit_id, pending
    )
    may_decide = access.may_decide(user) and pending
    context = {
        "v": violation,
        "explanations": violation.explanations.select_related("filed_by"),
        "notices": access.visible_notices(user).filter(violations=violation).order_by("pk"),
        "explain_form": ExplanationForm() if may_explain else None,
        "decision_form": DecisionForm(
            initial={"serious": violation.serious, "important": violation.important}
        )
        if may_decide
        else None,
        "is_section": access.is_section(user),
    }
    return render(request, "accountability/violation.html", context)


@require_POST
def explain(request: AuthedRequest, pk: int) -> HttpResponse:
    violation = get_visible_violation(request, pk)
    form = ExplanationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the explanation first."))
    else:
        try:
            actions.do_file_explanation(
                request.user, violation.pk, form.cleaned_data["text"], token=form.token
            )
        except actions.AlreadySaved:
            messages.info(request, ALREADY_SAVED)
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your explanation was filed. The section chief reads it."))
    return redirect("accountability:violation", pk=violation.pk)


@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    violation = get_visible_violation(request, pk)
    if not access.may_decide(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("accountability:violation", pk=violation.pk)
    data = form.cleaned_data
    try:
        decided = actions.do_decide(
            request.user,
            violation.pk,
            actions.Decision(
                decision=data["decision"],
                reason=data["reason"],
                serious=data["serious"],
                important=data["important"],
            ),
        )
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        if decided.status == ViolationStatus.CONFIRMED:
            messages.success(request, _("Violation confirmed; the unit has been told."))
        else:
            messages.success(request, _("Violation waived; the unit has been told."))
    return redirect("accountability:violation", pk=violation.pk)


@require_http_methods(["GET", "POST"])
def enter(request: AuthedRequest) -> HttpResponse:
    """Enter a false or concealed report with its evidence."""
    user = request.user
    if not access.may_enter(user):
        raise PermissionDenied
    initial: dict[str, Any] = {"occurred_on": timezone.localdate()}
    for name in ("incident", "item", "unit"):
        value = parse_id(request.GET.get(name))
        if value is not None:
            initial[name] = value
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            violation = actions.do_enter_violation(
                user,
                actions.Entry(
                    unit=data["unit"],
                    kind=data["kind"],
                    evidence=data["evidence"],
                    occurred_on=data["occurred_on"],
                    incident=data["incident"],
                    report=data["report"],
                    item=data["item"],
                    summary=data["summary"],
                    serious=data["serious"],
                    important=data["important"],
                ),
                token=form.token,
            )
        except actions.AlreadySaved as done:
            messages.info(request, ALREADY_SAVED)
            return redirect("accountability:violation", pk=done.obj.pk)
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Violation recorded. It awaits the section chief's decision.")
            )
            return redirect("accountability:violation", pk=violation.pk)
    return render(request, "accountability/enter.html", {"form": form})


@require_safe
def report_options(request: AuthedRequest) -> HttpResponse:
    """The reports of the chosen incident, as the entry form's options (htmx)."""
    if not access.may_enter(request.user):
        raise PermissionDenied
    form = EntryForm(initial={"incident": request.GET.get("incident", "")})
    reports = reports_of(request.GET.get("incident"))
    form.fields["report"].queryset = reports  # type: ignore[attr-defined]
    return render(request, "accountability/_report_field.html", {"field": form["report"]})
