"""The roster pages: a unit's officers, backups and history; training sessions; the turnover
threshold. Reached from the network page (`org:units`) and the network health page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from org.http import AuthedRequest
from org.models import Unit
from org.roles import Capability
from roster import actions, queries
from roster.forms import AppointForm, LeaveForm, RosterPolicyForm, TrainingForm
from roster.models import Leave, RosterPolicy, TrainingSession


def _unit(request: AuthedRequest, pk: int) -> Unit:
    unit = Unit.objects.filter(pk=pk).select_related("officer", "parent").first()
    if unit is None or not queries.may_read(request.user, unit):
        raise Http404
    return unit


def _manager(request: AuthedRequest) -> None:
    if not request.user.can(Capability.MANAGE_ROSTER):
        raise PermissionDenied


def _page(
    request: AuthedRequest,
    unit: Unit,
    appoint_form: AppointForm | None = None,
    leave_form: LeaveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    manages = request.user.can(Capability.MANAGE_ROSTER)
    people = queries.unit_people(unit)
    now = timezone.now()
    roster = queries.unit_roster(unit, now)
    contact = queries.contact_person(unit, now)
    return render(
        request,
        "roster/unit.html",
        {
            "unit": unit,
            "roster": roster,
            "manages": manages,
            "sees_network": request.user.can(Capability.VIEW_NETWORK),
            "in_network": queries.in_network(unit),
            "contact": contact,
            "standing_in": contact is not None and contact.pk != unit.officer_id,
            "appoint_form": appoint_form or AppointForm(people=people),
            "leave_form": leave_form or LeaveForm(people=people),
        },
        status=status,
    )


@require_safe
def unit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, _unit(request, pk))


@require_POST
def appoint(request: AuthedRequest, pk: int) -> HttpResponse:
    _manager(request)
    target = _unit(request, pk)
    form = AppointForm(request.POST, people=queries.unit_people(target))
    if not form.is_valid():
        return _page(request, target, appoint_form=form, status=400)
    data = form.cleaned_data
    try:
        actions.appoint(
            request.user,
            target,
            data["post"],
            data["person"],
            data["employment"],
            data["phone"],
            data["note"],
        )
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The roster was updated."))
    return redirect("roster:unit", pk=target.pk)


@require_POST
def leave(request: AuthedRequest, pk: int) -> HttpResponse:
    _manager(request)
    target = _unit(request, pk)
    form = LeaveForm(request.POST, people=queries.unit_people(target))
    if not form.is_valid():
        return _page(request, target, leave_form=form, status=400)
    data = form.cleaned_data
    try:
        actions.mark_leave(
            request.user, data["person"], data["first_day"], data["last_day"], data["note"]
        )
    except actions.ActionError as error:
        form.add_error(None, str(error))
        return _page(request, target, leave_form=form, status=400)
    messages.success(request, _("The leave was recorded."))
    return redirect("roster:unit", pk=target.pk)


@require_POST
def cancel_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    _manager(request)
    row = get_object_or_404(Leave.objects.select_related("person"), pk=pk)
    try:
        actions.cancel_leave(request.user, row)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The leave was cancelled."))
    unit_id = row.person.unit_id
    return redirect("roster:unit", pk=unit_id) if unit_id else redirect("roster:training")


@require_http_methods(["GET", "POST"])
def training(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not (user.can(Capability.VIEW_NETWORK) or user.can(Capability.MANAGE_ROSTER)):
        raise PermissionDenied
    manages = user.can(Capability.MANAGE_ROSTER)
    people = queries.roster_people()
    form = TrainingForm(request.POST or None, people=people)
    if request.method == "POST":
        _manager(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.record_training(
                    user, data["held_on"], data["topic"], data["organiser"], data["attendees"]
                )
            except actions.ActionError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The training session was recorded."))
                return redirect("roster:training")
    sessions = TrainingSession.objects.prefetch_related("attendees__unit")[:200]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "roster/training.html",
        {"sessions": sessions, "form": form, "manages": manages},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def policy(request: AuthedRequest) -> HttpResponse:
    """The network's overseers read the threshold; the section chief edits it."""
    user = request.user
    if not user.can(Capability.VIEW_NETWORK):
        raise PermissionDenied
    editable = user.can(Capability.EDIT_ANALYSIS_POLICY)
    form = RosterPolicyForm(request.POST or None, instance=RosterPolicy.current())
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            actions.set_policy(user, form.cleaned_data["turnover_threshold"])
            messages.success(request, _("The turnover threshold was saved."))
            return redirect("roster:policy")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "roster/policy.html", {"form": form, "editable": editable}, status=status
    )
