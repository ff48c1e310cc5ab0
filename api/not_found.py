"""A path under /api/ that names no operation (an unknown path, or an id that is not a number)
is answered in the API's error shape, not with the site's HTML page: programs read the JSON.
Installed as the project's `handler404` (xinbao/urls.py); other paths get Django's page."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

from api.errors import error_body

PREFIX = "/api/"


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path_info.startswith(PREFIX):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return page_not_found(request, exception)
