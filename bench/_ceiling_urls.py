"""The ceiling server's URLconf (issue 16): xinbao's URLs, with `/items/new/` served by the same
view (`submissions.views.create`) wrapped so that its write is never made.

Everything a submission does runs: the middleware stack (session, CSRF, authentication, the
second factor, messages), the multipart parsing, the form's validation, the action's checks
and its INSERTs, the redirect. Only the end of the request's database transactions differs:
where the write path's outermost `transaction.atomic()` would COMMIT, the connection ROLLs BACK
instead — so the rows are never made durable (no WAL append and fsync on SQLite, no WAL flush
on PostgreSQL), and the transaction keeps exactly the product's scope (the same lock held for
the same statements; wrapping the whole view in an outer transaction would hold SQLite's write
lock over the form parsing and the response too, and understate the ceiling).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from submissions import views
from xinbao.urls import urlpatterns as product_urlpatterns


def without_commit(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view`, with every COMMIT it makes on this thread's connection replaced by a ROLLBACK."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        connection._commit = connection._rollback  # type: ignore[attr-defined]
        try:
            return view(request, *args, **kwargs)
        finally:
            del connection._commit  # type: ignore[attr-defined]

    return wrapped


urlpatterns = [
    path("items/new/", without_commit(views.create)),
    *product_urlpatterns,
]
