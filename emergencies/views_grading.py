"""The level thresholds and the sensitive-events rule, the 补报 windows (pages beside the deadline
table), and an incident's sensitive mark and GB/T 35561 code. Views validate and render;
`actions_grading` writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from emergencies import actions_grading
from emergencies.access import any_access, get_visible_incident
from emergencies.actions import ActionError
from emergencies.forms import CategoryCodeForm
from emergencies.forms_grading import (
    SensitiveForm,
    SensitivePolicyForm,
    SupplementWindowForm,
    ThresholdForm,
)
from emergencies.models import Category, LevelThreshold, SensitivePolicy, SupplementWindow
from org.guards import guarded
from org.http import AuthedRequest
from org.roles import Capability


@require_http_methods(["GET", "POST"])
@guarded(any_access)
def thresholds(request: AuthedRequest) -> HttpResponse:
    user = request.user
    editable = user.can(Capability.EDIT_DEADLINES)
    rows = list(LevelThreshold.objects.all())
    forms = [ThresholdForm(request.POST or None, instance=r, prefix=f"t{r.pk}") for r in rows]
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if all(f.is_valid() for f in forms):
            edits = {
                f.instance.pk: {k: f.cleaned_data[k] for k in ThresholdForm.Meta.fields}
                for f in forms
                if f.has_changed()
            }
            try:
                changed = actions_grading.do_save_thresholds(user, edits)
            except ActionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("%(n)s threshold(s) saved. Suggestions use them at once.") % {"n": changed},
                )
                return redirect("emergencies:thresholds")
        else:
            messages.error(request, _("Some rows have errors; nothing was saved."))
    graded = {r.category for r in rows}
    return render(
        request,
        "emergencies/thresholds.html",
        {
            "forms": forms,
            "editable": editable,
            # Social-security events are not graded at all (突发事件应对法).
            "ungraded": [
                label
                for value, label in Category.choices
                if value not in graded and value != Category.SOCIAL
            ],
            "sensitive": SensitivePolicyForm(instance=SensitivePolicy.current()),
        },
    )


@require_http_methods(["GET", "POST"])
@guarded(any_access)
def supplement_windows(request: AuthedRequest) -> HttpResponse:
    """The 补报 windows (Decree 493 art. 13), read by whoever reads the deadline table and
    edited by the chief who edits it."""
    user = request.user
    editable = user.can(Capability.EDIT_DEADLINES)
    rows = list(SupplementWindow.objects.all())
    forms = [
        SupplementWindowForm(request.POST or None, instance=r, prefix=f"w{r.pk}") for r in rows
    ]
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if all(f.is_valid() for f in forms):
            edits = {
                f.instance.pk: {k: f.cleaned_data[k] for k in SupplementWindowForm.Meta.fields}
                for f in forms
                if f.has_changed()
            }
            try:
                changed = actions_grading.do_save_supplement_windows(user, edits)
            except ActionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "%(n)s window(s) saved. "
                        "Supplementary reports are checked against them at once."
                    )
                    % {"n": changed},
                )
                return redirect("emergencies:supplement_windows")
        else:
            messages.error(request, _("Some rows have errors; nothing was saved."))
    return render(
        request,
        "emergencies/supplement_windows.html",
        {"forms": forms, "editable": editable},
    )


@require_POST
def sensitive_policy(request: AuthedRequest) -> HttpResponse:
    """The sensitive-events rule, edited beside the thresholds."""
    if not request.user.can(Capability.EDIT_DEADLINES):
        raise PermissionDenied
    on = request.POST.get("strictest_when_sensitive") in {"on", "true", "1"}
    try:
        actions_grading.do_set_sensitive_policy(request.user, on)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Sensitive events are now held to the strictest deadlines.")
            if on
            else _("Sensitive events now follow their level's deadlines."),
        )
    return redirect("emergencies:thresholds")


@require_POST
def set_sensitive(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = get_visible_incident(request.user, pk)
    form = SensitiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
    else:
        try:
            actions_grading.do_set_sensitive(
                request.user,
                incident.pk,
                form.cleaned_data["sensitive"],
                form.cleaned_data["reason"],
            )
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Sensitive mark changed; open deadlines were recomputed."))
    return redirect("emergencies:detail", pk=incident.pk)


@require_POST
def set_category_code(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = get_visible_incident(request.user, pk)
    form = CategoryCodeForm(request.POST, category=incident.category)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("category_code", [])))
        return redirect("emergencies:detail", pk=incident.pk)
    try:
        actions_grading.do_set_category_code(
            request.user, incident.pk, form.cleaned_data["category_code"]
        )
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Category code saved."))
    return redirect("emergencies:detail", pk=incident.pk)
