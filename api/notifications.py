"""A person's notifications (the in-app inbox of `notify`): the list, and marking read.

Marking read goes through `notify.actions` as the inbox page's buttons do (it is not audited
there either: it changes nothing but the person's own inbox). Another person's notification
is "not found"."""

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from api.common import REFUSALS, ErrorOut, ObjectId, PageMeta, PageParams, actor, page_of
from notify import actions, queries
from notify.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str = Field(description="The page the notification is about (a path on this site).")
    severity: str = Field(description="info, warning or urgent.")
    created_at: datetime
    read_at: datetime | None = Field(description="When it was marked read; null while unread.")


class NotificationPage(PageMeta):
    unread: int = Field(description="The caller's unread notifications, whatever the filter.")
    results: list[NotificationOut]


class InboxFilters(Schema):
    unread: bool = Field(False, description="Only unread notifications.")


class MarkedOut(Schema):
    marked: int = Field(description="How many notifications this call marked read.")


# Writes with a session: Django's CSRF check (403 without the X-CSRFToken header).
WRITE_REFUSALS = {**REFUSALS, 403: ErrorOut}


@router.get(
    "/notifications",
    url_name="notifications",
    response={200: NotificationPage, **REFUSALS},
    summary="The caller's notifications",
)
def inbox(
    request: HttpRequest, filters: Query[InboxFilters], paging: Query[PageParams]
) -> dict[str, object]:
    """Newest first, as in the inbox."""
    user = actor(request)
    rows = Notification.objects.filter(recipient=user)
    if filters.unread:
        rows = rows.filter(read_at__isnull=True)
    page = page_of(rows.order_by("-created_at", "-pk"), paging)
    page["unread"] = queries.unread_count(user)
    return page


@router.post(
    "/notifications/{notification_id}/read",
    url_name="notification_read",
    response={200: NotificationOut, 404: ErrorOut, **WRITE_REFUSALS},
    summary="Mark one notification read",
)
def mark_read(request: HttpRequest, notification_id: ObjectId) -> Notification:
    """Marking one already read changes nothing and answers it as it is."""
    user = actor(request)
    note = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if note is None:
        raise Http404
    actions.do_mark_read(user, note.pk)
    note.refresh_from_db()
    return note


@router.post(
    "/notifications/read-all",
    url_name="notifications_read_all",
    response={200: MarkedOut, **WRITE_REFUSALS},
    summary="Mark all the caller's notifications read",
)
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": actions.do_mark_all_read(actor(request))}
