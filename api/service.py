"""The one NinjaAPI instance, its error shape and its routers."""

from django.views.decorators.http import require_safe
from ninja import NinjaAPI

from api import errors
from api.auth import AUTH

api = NinjaAPI(
    title="信报 xinbao API",
    version="1",
    description=(
        "Items, incidents and their reports, sightings, bulletins, search, rankings and a "
        "person's notifications — by the same rules as the pages. Errors have one shape: "
        '`{"error": {"code", "message", "detail"}}`.'
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    # The docs and the schema answer GET and HEAD only, like every page.
    docs_decorator=require_safe,
    openapi_url="/openapi.json",
)
errors.install(api)

# Each domain's router is added in `api/routes.py`.
from api import routes  # noqa: E402, F401
