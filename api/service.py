"""The one NinjaAPI instance, its error shape and its routers."""

from typing import Any

from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from api import errors
from api.auth import AUTH


class Renderer(JSONRenderer):
    """UTF-8 JSON with Chinese as it is, not as \\u escapes: readable in a terminal and a log."""

    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}


api = NinjaAPI(
    title="信报 xinbao API",
    version="1",
    description=(
        "Items, incidents and their reports, sightings, bulletins, search, rankings and a "
        "person's notifications — by the same rules as the pages. Errors have one shape: "
        '`{"error": {"code", "message", "detail"}}`. Programs authenticate with a personal '
        "token (`Authorization: Bearer xb_…`, made under the account menu at "
        "/accounts/api-tokens/), which acts as its owner and never more; a `read` token "
        "refuses every write. Each token is rate-limited: 429 with `Retry-After`. Creates "
        "take an `Idempotency-Key` header (a UUID) so that a retry makes nothing twice."
    ),
    auth=AUTH,
    renderer=Renderer(),
    urls_namespace="api",
    docs_url="/docs",
    # The docs and the schema answer GET and HEAD only, like every page.
    docs_decorator=require_safe,
    openapi_url="/openapi.json",
)
errors.install(api)

# Each domain's router is added in `api/routes.py`.
from api import routes  # noqa: E402, F401
