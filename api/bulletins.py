"""Bulletins (read): the publications, their published issues, one issue with its entries.

Who reads what is the bulletins app's own rule (`bulletins.queries`): the information section
and city leaders read every publication compiled here, anyone else the publications that list
them as readers. An issue the caller may not read is "not found", like an unpublished one.
Reading through the API leaves no read receipt: a receipt records a person opening the issue
on its page."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from api.common import GUARDED, ErrorOut, ObjectId, PageMeta, PageParams, actor, page_of
from bulletins import queries
from bulletins.models import Issue, IssueEntry, Publication
from org.models import User
from org.office import office_name
from org.roles import Capability
from xinbao.core.inputs import INT_MAX

router = Router(tags=["bulletins"])


def _reader(request: HttpRequest) -> User:
    user = actor(request)
    if not (user.can(Capability.READ_BULLETINS) or user.can(Capability.RECEIVE_BULLETINS)):
        raise PermissionDenied
    return user


class PublicationOut(Schema):
    id: int
    code: str = Field(description="Short code, e.g. daily.")
    name: str = Field(description="The publication's name, e.g. 每日要情.")
    level: str = Field(description="Whose publication: city, province or central.")
    issuer: str = Field(description="The issuing office (编印单位) as printed.")

    @staticmethod
    def resolve_issuer(obj: Publication, context: dict[str, Any]) -> str:
        # The office's name is read once per request, not once per issue in a list.
        request = context["request"]
        if not hasattr(request, "office_name"):
            request.office_name = office_name()
        return obj.printed_issuer(request.office_name)


class IssueOut(Schema):
    id: int
    publication: PublicationOut
    year: int = Field(description="The year the issue's number counts in.")
    number: int | None = Field(description="The issue's number in its year (第N期).")
    total_number: int | None = Field(description="Its running number in the whole run (总第N期).")
    label: str = Field(description="Year and number as the page shows them.")
    issue_date: date = Field(description="The date printed on the issue.")
    secrecy: str = Field(description="Its secrecy mark (密级), e.g. public or internal.")
    published_at: datetime | None = Field(description="When it was published.")
    is_read: bool = Field(description="Whether the caller has opened it on its page.")


class EntryOut(Schema):
    id: int
    position: int = Field(description="Its place in the issue, from 1.")
    title: str = Field(description="The entry's title as edited for the bulletin.")
    body: str = Field(description="The entry's text as edited for the bulletin.")
    credit: str = Field(description="The source units as printed.")
    item_id: int = Field(description="The information item the entry was made from.")


class IssueDetailOut(IssueOut):
    entries: list[EntryOut] = Field(description="The entries, in their order in the issue.")

    @staticmethod
    def resolve_entries(obj: Issue) -> list[IssueEntry]:
        return list(queries.entries_of(obj))


class IssuePage(PageMeta):
    results: list[IssueOut]


class IssueFilters(Schema):
    publication: int | None = Field(
        None, ge=1, le=INT_MAX, description="Only this publication's issues."
    )
    date_from: date | None = Field(None, description="Issues dated on or after this day.")
    date_to: date | None = Field(None, description="Issues dated on or before this day.")


@router.get(
    "/publications",
    url_name="publications",
    response={200: list[PublicationOut], **GUARDED},
    summary="Publications the caller reads",
)
def publications(request: HttpRequest) -> list[Publication]:
    """The publications compiled here whose issues the caller may read."""
    return list(queries.readable_publications(_reader(request)).order_by("sort_order", "code"))


@router.get(
    "/issues",
    url_name="bulletin_issues",
    response={200: IssuePage, **GUARDED},
    summary="Published issues the caller reads",
)
def issues(
    request: HttpRequest, filters: Query[IssueFilters], paging: Query[PageParams]
) -> dict[str, object]:
    """Published issues, newest first, filtered by publication and by date of issue."""
    user = _reader(request)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationError(
            [{"loc": ["query", "date_from"], "msg": _("The start date is after the end date.")}]
        )
    rows = queries.published_for(user)
    if filters.publication is not None:
        rows = rows.filter(publication_id=filters.publication)
    if filters.date_from:
        rows = rows.filter(issue_date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(issue_date__lte=filters.date_to)
    return page_of(rows, paging)


@router.get(
    "/issues/{issue_id}",
    url_name="bulletin_issue",
    response={200: IssueDetailOut, 404: ErrorOut, **GUARDED},
    summary="One published issue with its entries",
)
def issue(request: HttpRequest, issue_id: ObjectId) -> Issue:
    """A published issue the caller may read, with its entries; 404 for any other."""
    user = _reader(request)
    found = queries.published_for(user).filter(pk=issue_id).first()
    if found is None:
        raise Http404
    return found
