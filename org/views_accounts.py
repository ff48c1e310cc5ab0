"""Passwords (one's own change, the one-time link) and the security administrator's approval
of account changes. Views validate and render; org/actions_accounts.py writes."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from org import actions_accounts as actions
from org.http import AuthedRequest
from org.middleware import EXPIRED, change_required
from org.models import AccountProposal, ProposalState, Unit, User
from org.roles import Capability, Role
from xinbao.core.errors import ActionError


def base_url(request: HttpRequest) -> str:
    """Where links in mail point: the configured public address, else this request's host."""
    return str(getattr(settings, "NOTIFY_BASE_URL", "") or request.build_absolute_uri("/"))


# --- one's own password -------------------------------------------------------------------------


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_change_password(request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        request.session.pop(EXPIRED, None)
        messages.success(request, _("Your password was changed."))
        return redirect("home")
    return render(
        request,
        "registration/password_change_form.html",
        {"form": form, "required": change_required(request)},
    )


@login_not_required
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_set(request: HttpRequest, token: str) -> HttpResponse:
    """The page a one-time link opens: the person chooses their own password."""
    link = actions.usable_link(token)
    if link is None:
        return render(request, "registration/password_link_invalid.html", status=410)
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_password_by_link(token, form.cleaned_data["new_password1"])
        except ActionError:
            return render(request, "registration/password_link_invalid.html", status=410)
        messages.success(request, _("Your password is set. Log in with it now."))
        return redirect("login")
    return render(request, "registration/password_set.html", {"form": form, "person": link.user})


# --- the security administrator's approvals ------------------------------------------------------


def _value(field: str, value: Any, units: dict[int, str]) -> str:
    if field == "role":
        return str(Role(value).label) if value in Role.values else _("no role")
    if field == "is_active":
        return _("active") if value else _("inactive")
    if field == "unit":
        return units.get(value, "—") if value is not None else "—"
    return str(value) if value not in (None, "") else "—"


FIELD_LABELS = {
    "role": User._meta.get_field("role").verbose_name,
    "is_active": User._meta.get_field("is_active").verbose_name,
    "email": User._meta.get_field("email").verbose_name,
    "unit": User._meta.get_field("unit").verbose_name,
}


def _rows(proposal: AccountProposal, units: dict[int, str]) -> list[tuple[str, str, str]]:
    return [
        (
            str(FIELD_LABELS.get(field, field)),
            _value(field, proposal.before.get(field), units),
            _value(field, after, units),
        )
        for field, after in proposal.after.items()
    ]


@require_safe
def proposals(request: AuthedRequest) -> HttpResponse:
    if not request.user.can(Capability.APPROVE_ACCOUNTS):
        raise PermissionDenied
    shown = AccountProposal.objects.select_related(
        "user", "user__unit", "proposed_by", "decided_by"
    )
    pending = list(shown.filter(state=ProposalState.PENDING).order_by("proposed_at", "pk"))
    decided = list(shown.exclude(state=ProposalState.PENDING).order_by("-decided_at", "-pk")[:30])
    units = dict(Unit.objects.values_list("pk", "name"))
    return render(
        request,
        "org/proposals.html",
        {
            "pending": [(p, _rows(p, units)) for p in pending],
            "decided": [(p, _rows(p, units)) for p in decided],
        },
    )


@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    if not request.user.can(Capability.APPROVE_ACCOUNTS):
        raise PermissionDenied
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
        return redirect("org:proposals")
    try:
        proposal = actions.do_decide_proposal(
            request.user, pk, decision == "approve", base_url(request)
        )
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("org:proposals")
    if decision == "approve":
        messages.success(
            request, _("Approved: the change of %(name)s is in force.") % {"name": proposal.user}
        )
    else:
        messages.success(
            request, _("Rejected: %(name)s stays as it was.") % {"name": proposal.user}
        )
    return redirect("org:proposals")
