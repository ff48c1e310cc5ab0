"""The secrecy ceiling (security administrator)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from org import actions_secrecy
from org.forms_secrecy import CeilingForm
from org.http import AuthedRequest
from org.roles import Capability
from org.secrecy import RULE, Secrecy
from xinbao.core.errors import ActionError


@require_http_methods(["GET", "POST"])
def secrecy(request: AuthedRequest) -> HttpResponse:
    if not request.user.can(Capability.MANAGE_SECURITY):
        raise PermissionDenied
    current = actions_secrecy.ceiling()
    form = CeilingForm(request.POST or None, initial={"ceiling": current})
    if request.method == "POST" and form.is_valid():
        try:
            actions_secrecy.do_set_secrecy_ceiling(request.user, form.cleaned_data["ceiling"])
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The secrecy ceiling was saved."))
            return redirect("org:secrecy")
    return render(
        request,
        "org/secrecy.html",
        {"form": form, "rule": RULE, "current": dict(Secrecy.choices)[current]},
    )
