"""`/api/…`: the API's own authentication decides, so the site's login redirect stays out."""

from api.service import api

patterns, _app_name, _namespace = api.urls
for pattern in patterns:
    # Django's LoginRequiredMiddleware skips views marked like this (`login_not_required`).
    pattern.callback.login_required = False  # type: ignore[union-attr]

app_name = "api"
urlpatterns = patterns
