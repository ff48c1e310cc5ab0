"""A criticism notice's 密级 (accountability/actions_secrecy.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountability import access
from accountability.actions_secrecy import do_set_notice_secrecy
from accountability.views_notices import get_visible_notice
from org.forms_secrecy import SecrecyForm
from org.http import AuthedRequest
from xinbao.core.errors import ActionError


@require_POST
def set_secrecy(request: AuthedRequest, pk: int) -> HttpResponse:
    if not access.may_issue(request.user):
        raise PermissionDenied
    notice = get_visible_notice(request, pk)
    form = SecrecyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a secrecy level from the list."))
    else:
        try:
            do_set_notice_secrecy(request.user, notice.pk, form.cleaned_data["secrecy"])
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The secrecy level was set."))
    return redirect(reverse("accountability:notice", args=[notice.pk]) + "#secrecy")
