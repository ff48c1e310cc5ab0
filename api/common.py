"""What every router shares: the project's input rules (xinbao.core.inputs) as pydantic types,
the acting user, the error body's schema, one page of a list, and the refusal of a person without
the capability an operation needs."""

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from pydantic import AfterValidator

from api.errors import Refusal
from org.models import User
from xinbao.core.inputs import EARLIEST_DATE, INT_MAX, date_in_range, latest_date, xml_safe


def _range_message() -> str:
    return _("Enter a date between %(low)s and %(high)s.") % {
        "low": EARLIEST_DATE.isoformat(),
        "high": latest_date().isoformat(),
    }


def _moment(value: datetime) -> datetime:
    """An aware moment; a time without an offset is Beijing time, as the pages read it."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    if not date_in_range(value):
        raise ValueError(_range_message())
    return value


def _day(value: date) -> date:
    if not date_in_range(value):
        raise ValueError(_range_message())
    return value


# Text as any form field cleans it: without what XML cannot carry.
Text = Annotated[str, AfterValidator(xml_safe)]
Moment = Annotated[datetime, AfterValidator(_moment)]
Day = Annotated[date, AfterValidator(_day)]
Id = Annotated[int, Field(ge=1, le=INT_MAX)]
Count = Annotated[int, Field(ge=0, le=INT_MAX)]


class ErrorDetail(Schema):
    code: str = Field(..., description="Stable, for programs: invalid, not_found, refused, …")
    message: str = Field(..., description="For people, in their language (Chinese).")
    detail: Any = Field(None, description="A validation error's fields, when there are any.")


class ErrorOut(Schema):
    error: ErrorDetail


# What any operation may answer besides its result (api/errors.py makes them).
ERRORS: dict[int, type[Schema]] = {status: ErrorOut for status in (401, 403, 404, 409, 422, 429)}


def within_days(
    rows: QuerySet[Any], field: str, first: date | None, last: date | None
) -> QuerySet[Any]:
    """Rows whose `field` falls on or after the local day `first` and on or before `last`."""
    if first is not None:
        rows = rows.filter(**{f"{field}__gte": local_day_start(first)})
    if last is not None:
        rows = rows.filter(**{f"{field}__lt": local_day_start(last + timedelta(days=1))})
    return rows


def user_of(request: HttpRequest) -> User:
    """The person the request acts as (the token's owner, or the session's)."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


IDEMPOTENCY_HEADER = "Idempotency-Key"


def idempotency_key(request: HttpRequest) -> uuid.UUID | None:
    """The client's key for a create (a UUID): sent again, the create makes nothing and answers
    with what was made the first time — as a page's form token does (xinbao.core.once)."""
    raw = request.headers.get(IDEMPOTENCY_HEADER)
    if raw is None:
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise Refusal(422, "invalid", _("The Idempotency-Key header must be a UUID.")) from None


def need(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


MAX_PER_PAGE = 100
PER_PAGE = 20

M = TypeVar("M", bound=Model)

# An object's id in a path: the database's integer range, so a huge number is "invalid" (422)
# rather than an overflow in the database driver.
ObjectId = Annotated[int, Path(ge=1, le=INT_MAX, description="The object's id.")]


# The `response={...}` of an operation documents every status it can answer; these are the
# refusals every authenticated operation shares. 401: not signed in and no valid token; 422: a
# parameter that does not parse; 429: over the rate limit (`ApiPolicy`).
REFUSALS: dict[int, Any] = {401: ErrorOut, 422: ErrorOut, 429: ErrorOut}
# Operations behind a capability add 403 (the caller's role may not use them).
GUARDED: dict[int, Any] = {**REFUSALS, 403: ErrorOut}


def actor(request: HttpRequest) -> User:
    """The person acting: whoever the API's authentication recognised. Session auth answers
    the signed-in user; a token's authenticator answers its owner (or sets `request.user`)."""
    who = getattr(request, "auth", None)
    if isinstance(who, User):
        return who
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return user
    raise PermissionDenied


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    per_page: int = Field(
        PER_PAGE, ge=1, le=MAX_PER_PAGE, description=f"Rows per page (at most {MAX_PER_PAGE})."
    )


def page_of(rows: QuerySet[M], paging: PageParams) -> dict[str, Any]:
    """One page of a query (already ordered): two queries, the count and the page's rows; past
    the end, none. Every list of the API pages this one way."""
    count = rows.count()
    start = (paging.page - 1) * paging.per_page
    results = list(rows[start : start + paging.per_page]) if start < count else []
    return {
        "count": count,
        "page": paging.page,
        "per_page": paging.per_page,
        "has_next": start + paging.per_page < count,
        "results": results,
    }


def paged(rows: QuerySet[M], paging: PageParams, out: Callable[[M], Schema]) -> dict[str, Any]:
    """`page_of`, each row through `out`."""
    page = page_of(rows, paging)
    page["results"] = [out(row) for row in page["results"]]
    return page


class PageMeta(Schema):
    count: int = Field(description="Rows matching the filters, on every page.")
    page: int = Field(description="This page's number.")
    per_page: int = Field(description="Rows per page.")
    has_next: bool = Field(description="Whether a next page has rows.")
