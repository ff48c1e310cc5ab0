"""The pages of two-step verification: the second step at login, setting up an authenticator
(QR code and typed secret, confirmed by a code), one's own account page, and the security
administrator's reset. Writes go through `org.twofactor`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from org import twofactor
from org.http import AuthedRequest
from org.roles import Capability
from org.security import client_ip
from xinbao.core.errors import ActionError
from xinbao.core.inputs import Form


class CodeForm(Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text=gettext_lazy("The six digits the authenticator app shows, or a recovery code."),
    )


class ResetForm(Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


def _verified(request: AuthedRequest) -> bool:
    return bool(request.user.is_verified())  # type: ignore[attr-defined]  # OTPMiddleware


@require_http_methods(["GET", "POST"])
def verify(request: AuthedRequest) -> HttpResponse:
    """The second step of a login: a code from the authenticator app, or a recovery code."""
    step = twofactor.second_step(request.user)
    if _verified(request) or step is None:
        request.session[twofactor.PENDING] = False
        return redirect(_next(request))
    if step is twofactor.Step.ENROL:
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.do_verify(
                request.user, form.cleaned_data["code"], client_ip(request) or ""
            )
        except ActionError as exc:
            form.add_error("code", str(exc))
        else:
            request.session.cycle_key()
            otp_login(request, device)
            return redirect(_next(request))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


@require_http_methods(["GET", "POST"])
def setup(request: AuthedRequest) -> HttpResponse:
    """Set up (or replace) one's authenticator. Someone who has one and has not given its code
    in this session cannot replace it: a stolen password must not be enough."""
    if twofactor.authenticator(request.user) is not None and not _verified(request):
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next(request)})}")
    key = request.session.get(twofactor.ENROLMENT_KEY)
    if not isinstance(key, str) or request.method == "GET":
        key = twofactor.new_secret()
        request.session[twofactor.ENROLMENT_KEY] = key
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = _("The six digits the app shows now.")
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = twofactor.do_enrol(request.user, key, form.cleaned_data["code"])
        except ActionError as exc:
            form.add_error("code", str(exc))
        else:
            del request.session[twofactor.ENROLMENT_KEY]
            request.session.cycle_key()
            otp_login(request, device)
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": _next(request), "enrolled": True},
            )
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            # Drawn by qrcode from our own data: markup we made, not anything a user typed.
            "qr": mark_safe(twofactor.qr_svg(request.user, key)),
            "secret": twofactor.secret_text(key),
            "replacing": twofactor.authenticator(request.user) is not None,
            "required": twofactor.is_required(request.user),
        },
    )


@require_safe
def account(request: AuthedRequest) -> HttpResponse:
    """One's own two-step verification: on or off, recovery codes left, what one may do."""
    device = twofactor.authenticator(request.user)
    return render(
        request,
        "registration/two_factor_account.html",
        {
            "device": device,
            "required": twofactor.is_required(request.user),
            "codes_left": twofactor.recovery_codes_left(request.user),
        },
    )


@require_POST
def renew_codes(request: AuthedRequest) -> HttpResponse:
    try:
        codes = twofactor.do_renew_recovery_codes(request.user)
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("two_factor")
    return render(
        request,
        "registration/two_factor_codes.html",
        {"codes": codes, "next": reverse("two_factor"), "enrolled": False},
    )


@require_POST
def turn_off(request: AuthedRequest) -> HttpResponse:
    try:
        twofactor.do_turn_off(request.user)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Two-step verification is off."))
    return redirect("two_factor")


@require_POST
def reset(request: AuthedRequest) -> HttpResponse:
    """The security administrator resets someone's second factor (org:security)."""
    if not request.user.can(Capability.MANAGE_SECURITY):
        raise PermissionDenied
    form = ResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the user name of the account."))
        return redirect("org:security")
    try:
        person = twofactor.do_reset(request.user, form.cleaned_data["username"])
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The second factor of %(name)s was reset: a new one is set up at the next login.")
            % {"name": person.get_username()},
        )
    return redirect("org:security")
