"""Every error the API answers has one JSON shape, with a message in the reader's language
(Chinese by default, as on the pages):

    {"error": {"code": "not_found", "message": "找不到该对象。", "detail": ...}}

`code` is stable for programs; `message` is for people; `detail` is optional (a validation
error's fields)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from xinbao.core.errors import ActionError


def error_body(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if detail is not None:
        body["detail"] = detail
    return {"error": body}


def _answer(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, detail: Any = None
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, detail), status=status)


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every refusal into the one shape."""

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = [
            {"loc": [str(part) for part in error.get("loc", ())], "msg": error.get("msg", "")}
            for error in exc.errors
        ]
        return _answer(api, request, 422, "invalid", _("The request is not valid."), fields)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _answer(
            api, request, 401, "unauthenticated", _("Sign in, or send a valid API token.")
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _answer(api, request, 403, "forbidden", _("You may not do this."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _answer(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(ActionError)
    def refused(request: HttpRequest, exc: ActionError) -> HttpResponse:
        # A write the rules refused: nothing was written, and the message says why.
        return _answer(api, request, 409, "refused", str(exc))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _answer(api, request, exc.status_code, "error", str(exc))
