"""The one NinjaAPI instance, its error shape and its routers."""

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
    openapi_url="/openapi.json",
)
errors.install(api)

# Each domain's router is added in `api/routes.py`.
from api import routes  # noqa: E402, F401
