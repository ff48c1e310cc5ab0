"""The information database's search (read): the archive's own query function, with the
search page's query syntax, filters, visibility and highlighted snippets.

The parameters are the search page's own query string (`q`, `sort`, `page`, `from`, `to`,
`kind`, `unit`, `cat`, `level`, `adopt`, `tag`, `ver`), so a page's URL asks the API the same
question; the page's form validates them, so a query the page refuses is refused here with the
same message."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from api.common import GUARDED, actor
from archive import rules
from archive.forms import SearchForm
from archive.models import DocKind, SortOrder
from archive.search import MAX_PAGE, Hit, search
from archive.secrecy import mark_hits
from archive.visibility import can_search

router = Router(tags=["search"])

MAX_PER_PAGE = 50


class SearchParams(Schema):
    q: str = Field(
        "",
        max_length=rules.MAX_QUERY_LENGTH,
        description=(
            'Words, all of which must occur; "a quoted phrase" is one word; -word excludes. '
            "Chinese needs no spaces: 火灾 finds every text containing 火灾."
        ),
    )
    sort: SortOrder = Field(SortOrder.NEWEST, description="newest first, or most relevant first.")
    page: int = Field(1, ge=1, le=MAX_PAGE, description=f"Page number, 1 to {MAX_PAGE}.")
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE, description="Hits per page.")
    date_from: date | None = Field(None, alias="from", description="Dated on or after this day.")
    date_to: date | None = Field(None, alias="to", description="Dated on or before this day.")
    kind: list[DocKind] = Field([], description="Only these kinds of document.")
    unit: list[int] = Field([], description="Only documents of these units (ids).")
    cat: list[str] = Field([], description="Only these categories (item kinds, incident kinds).")
    level: list[str] = Field([], description="Only incidents of these levels (0: ungraded).")
    adopt: list[str] = Field([], description="Only items adopted at these levels.")
    tag: list[int] = Field([], description="Only items with these tags (ids).")
    ver: list[str] = Field([], description="Only items of these verification states.")


class HitOut(Schema):
    kind: str = Field(description="item, incident, report, entry or notice.")
    kind_label: str = Field(description="The kind's name in the reader's language.")
    source_id: int = Field(description="The id of the item, incident, report, entry or notice.")
    parent_id: int | None = Field(description="A report's incident, an entry's issue.")
    date: datetime = Field(description="The document's date.")
    unit_id: int | None = Field(description="The unit the document came from.")
    unit_name: str = Field(description="That unit's name.")
    title: str = Field(description="The title, plain text.")
    title_html: str = Field(description="The title, HTML-escaped, matches in <mark>.")
    snippet_html: str = Field(description="A window of the text around the first match, ditto.")
    url: str = Field(description="The page that shows the document.")
    secrecy: str = Field(description="The source's secrecy mark (密级), if it carries one.")
    score: float | None = Field(description="The relevance score (relevance order only).")


class SearchOut(Schema):
    count: int = Field(description="Every match the caller may read.")
    page: int
    per_page: int
    has_next: bool
    incomplete: bool = Field(description="The index is being rebuilt: some matches may be missing.")
    filled_since: datetime | None = Field(
        description="While it is rebuilt (newest first): every document from this moment on is"
        " already found; older ones may be missing."
    )
    terms: list[str] = Field(description="The query's words as parsed.")
    excluded: list[str] = Field(description="The words excluded.")
    results: list[HitOut]


def _hit(hit: Hit) -> dict[str, object]:
    doc = hit.doc
    return {
        "kind": doc.kind,
        "kind_label": hit.kind_label,
        "source_id": doc.source_id,
        "parent_id": doc.parent_id,
        "date": doc.date,
        "unit_id": doc.unit_id,
        "unit_name": doc.unit.name if doc.unit else "",
        "title": doc.title,
        "title_html": str(hit.title),
        "snippet_html": str(hit.snippet),
        "url": hit.url,
        "secrecy": hit.secrecy,
        "score": hit.score,
    }


@router.get(
    "/search",
    url_name="search",
    response={200: SearchOut, **GUARDED},
    summary="Search the information database",
)
def search_archive(request: HttpRequest, params: Query[SearchParams]) -> dict[str, object]:
    """Everything ever reported that the caller may read, as on the search page."""
    user = actor(request)
    if not can_search(user):
        raise PermissionDenied
    form = SearchForm(request.GET)
    if not form.is_valid():
        raise ValidationError(
            [
                {"loc": ["query", field if field != "__all__" else "from"], "msg": str(message)}
                for field, messages in form.errors.items()
                for message in messages
            ]
        )
    result = search(
        user,
        form.parsed,
        form.filters(),
        sort=form.order(),
        page=params.page,
        per_page=params.per_page,
    )
    mark_hits(result.hits)
    return {
        "count": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "has_next": result.has_next,
        "incomplete": result.incomplete,
        "filled_since": result.filled_since,
        "terms": list(result.query.terms),
        "excluded": list(result.query.excluded),
        "results": [_hit(h) for h in result.hits],
    }
