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


class Refusal(Exception):
    """A refusal of the API's own (a read-only token asked to write, too many requests), with
    its status, stable code, message and any headers to send."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def _messages() -> dict[str, str]:
    """pydantic's error types, said for people (in their language); `%(…)s` from its context."""
    return {
        "missing": _("This field is required."),
        "string_too_short": _("Too short: at least %(min_length)s characters."),
        "string_too_long": _("Too long: at most %(max_length)s characters."),
        "too_short": _("At least %(min_length)s entries."),
        "too_long": _("At most %(max_length)s entries."),
        "greater_than_equal": _("At least %(ge)s."),
        "less_than_equal": _("At most %(le)s."),
        "greater_than": _("More than %(gt)s."),
        "less_than": _("Less than %(lt)s."),
        "literal_error": _("Choose one of: %(expected)s."),
        "enum": _("Choose one of: %(expected)s."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "float_parsing": _("Enter a number."),
        "decimal_parsing": _("Enter a number."),
        "decimal_type": _("Enter a number."),
        "decimal_max_digits": _("At most %(max_digits)s digits."),
        "decimal_max_places": _("At most %(decimal_places)s decimal places."),
        "decimal_whole_digits": _("Too many digits before the decimal point."),
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "string_type": _("Enter text."),
        "string_unicode": _("Enter text."),
        "date_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_from_datetime_inexact": _("Enter a date as YYYY-MM-DD."),
        "date_type": _("Enter a date as YYYY-MM-DD."),
        "datetime_parsing": _("Enter a time as YYYY-MM-DDTHH:MM, with its offset (+08:00)."),
        "datetime_from_date_parsing": _(
            "Enter a time as YYYY-MM-DDTHH:MM, with its offset (+08:00)."
        ),
        "datetime_type": _("Enter a time as YYYY-MM-DDTHH:MM, with its offset (+08:00)."),
        "list_type": _("Enter a list."),
        "model_type": _("Enter an object."),
        "model_attributes_type": _("Enter an object."),
        "dict_type": _("Enter an object."),
        "json_invalid": _("The body is not valid JSON."),
        "json_type": _("The body is not valid JSON."),
        "extra_forbidden": _("Unknown field."),
    }


def field_message(error: dict[str, Any]) -> str:
    """One field's problem in the reader's language; our own validators' messages (already
    translated) as they are."""
    if "type" not in error and "msg" in error:
        # Raised by our own operations (a date range the wrong way round), already translated.
        return str(error["msg"])
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "value_error" and "error" in context:
        return str(context["error"])
    template = _messages().get(kind)
    if template is None:
        return _("This value is not valid.")
    try:
        return template % {k: str(v) for k, v in context.items()}
    except (KeyError, TypeError, ValueError):
        return _("This value is not valid.")


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
            {"loc": [str(part) for part in error.get("loc", ())], "msg": field_message(error)}
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

    @api.exception_handler(Refusal)
    def refusal(request: HttpRequest, exc: Refusal) -> HttpResponse:
        response = _answer(api, request, exc.status, exc.code, exc.message)
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # django-ninja's "Cannot parse request body": a body that is not JSON is invalid
            # input like any other (422, documented on every operation), said in Chinese.
            return _answer(api, request, 422, "invalid", _("The request body is not valid JSON."))
        if exc.status_code == 403:
            # django-ninja's "CSRF check Failed": a signed-in browser's write without the token.
            return _answer(api, request, 403, "forbidden", _("You may not do this."))
        return _answer(api, request, exc.status_code, "error", str(exc))
