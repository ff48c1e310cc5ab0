"""An issue's 密级 (bulletins/actions_secrecy.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletins import queries
from bulletins.actions_secrecy import do_set_issue_secrecy
from org.forms_secrecy import SecrecyForm
from org.http import AuthedRequest
from org.roles import Capability
from xinbao.core.errors import ActionError


@require_POST
def set_secrecy(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = queries.get_visible_issue(request.user, pk)
    if not request.user.can(Capability.REVIEW):
        raise PermissionDenied
    form = SecrecyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a secrecy level from the list."))
    else:
        try:
            do_set_issue_secrecy(request.user, issue.pk, form.cleaned_data["secrecy"])
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The secrecy level was set."))
    return redirect(reverse("bulletins:issue", args=[issue.pk]) + "#secrecy")
