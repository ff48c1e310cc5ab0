"""A publication's settings page: what it prints around its entries. Views validate and
render; `bulletins.actions_publication` writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bulletins.actions_publication import do_set_publication_settings
from bulletins.forms import PublicationSettingsForm
from bulletins.models import Publication
from org.http import AuthedRequest
from org.office import office_name
from org.roles import Capability
from xinbao.core.errors import ActionError


@require_http_methods(["GET", "POST"])
def publication_settings(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    if not user.can(Capability.REVIEW):
        raise PermissionDenied
    publication = get_object_or_404(Publication, pk=pk, compiled_here=True)
    form = PublicationSettingsForm(request.POST or None, instance=publication)
    if request.method == "POST":
        if form.is_valid():
            try:
                do_set_publication_settings(user, publication.pk, form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved. The change is in the audit log."))
                return redirect("bulletins:publication_settings", pk=publication.pk)
        # The form kept what was typed; the row on the page is the stored one.
        publication.refresh_from_db()
    return render(
        request,
        "bulletins/publication_settings.html",
        {"publication": publication, "form": form, "office_name": office_name()},
        status=400 if request.method == "POST" else 200,
    )
