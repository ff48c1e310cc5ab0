"""What every router shares: the acting user, the error body's schema, and paging."""

from typing import Annotated, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Schema

from org.models import User
from xinbao.core.inputs import INT_MAX

MAX_PER_PAGE = 100
PER_PAGE = 20

M = TypeVar("M", bound=Model)

# An object's id in a path: the database's integer range, so a huge number is "invalid" (422)
# rather than an overflow in the database driver.
ObjectId = Annotated[int, Path(ge=1, le=INT_MAX, description="The object's id.")]


class ErrorBody(Schema):
    code: str = Field(
        description="Stable for programs: invalid, unauthenticated, forbidden, not_found, …"
    )
    message: str = Field(description="For people, in the reader's language (Chinese by default).")
    detail: Any = Field(None, description="More about the error, e.g. the invalid fields.")


class ErrorOut(Schema):
    """The one shape of every error answer."""

    error: ErrorBody


# The `response={...}` of an operation documents every status it can answer; these are the
# refusals every authenticated operation shares. 401: not signed in and no valid token; 422: a
# parameter that does not parse.
REFUSALS: dict[int, Any] = {401: ErrorOut, 422: ErrorOut}
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
    """One page of a query: two queries (the count and the page's rows)."""
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


class PageMeta(Schema):
    count: int = Field(description="Rows matching the filters, on every page.")
    page: int = Field(description="This page's number.")
    per_page: int = Field(description="Rows per page.")
    has_next: bool = Field(description="Whether a next page has rows.")
