"""Saved-search subscriptions: new matches are announced to the owner, once per document.

A worker step, never a reader's request. The drain leaves a `NewlyIndexed` row for each
document it added or changed; `announce_new` takes those rows in order and, in one transaction
with their removal, runs each subscribed search as its owner (their visibility rules apply)
restricted to those documents: each match not announced before becomes a `SubscriptionHit`
and a notification through `notify.dispatch`. A worker killed between the drain and this step
leaves the rows for the next round; one killed inside it leaves them all, with nothing sent.
"""

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from archive import backends, index, rules
from archive.models import Document, NewlyIndexed, SavedSearch, SubscriptionHit
from archive.search import Filters, plan_for, url_for
from archive.visibility import grants_for
from notify.actions import Message, dispatch
from notify.models import Severity

_ANNOUNCE_LOCK = 0x616E6E63  # "annc"
BATCH = 500


def announce_new(limit: int = BATCH) -> int:
    """Announce what the drain indexed since this last ran. Returns how many newly indexed
    documents were handled (so the worker loop knows it had work)."""
    handled = 0
    # Most rounds find nothing: say so without taking SQLite's write lock.
    if not NewlyIndexed.objects.exists():
        return handled
    while True:
        with transaction.atomic():
            index.serialise(_ANNOUNCE_LOCK)
            rows = list(NewlyIndexed.objects.order_by("pk").values_list("pk", "doc_key")[:limit])
            if not rows:
                return handled
            keys = {key for _pk, key in rows}
            # A document changed again since is announced as it stands now; one gone is not.
            announce(list(Document.objects.filter(key__in=keys).values_list("id", flat=True)))
            NewlyIndexed.objects.filter(pk__in=[pk for pk, _key in rows]).delete()
        handled += len(rows)
        if len(rows) < limit:
            return handled


def announce(doc_ids: Sequence[int]) -> int:
    """Notify subscribers of these (new or changed) documents. Returns notifications sent."""
    subs = list(
        SavedSearch.objects.filter(subscribed=True, owner__is_active=True).select_related("owner")
    )
    if not subs or not doc_ids:
        return 0
    backend = backends.current()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for sub in subs:
            grants = grants_for(sub.owner)
            if grants.none:
                continue
            try:
                query = rules.parse(sub.query)
            except rules.QueryError:
                continue
            plan = plan_for(grants, query, Filters.from_json(sub.filters), ids=tuple(doc_ids))
            found = backend.ids(plan)
            if not found:
                continue
            docs = list(Document.objects.filter(id__in=found))
            seen = set(
                SubscriptionHit.objects.filter(
                    saved_search=sub, doc_key__in=[d.key for d in docs]
                ).values_list("doc_key", flat=True)
            )
            for doc in docs:
                if doc.key in seen:
                    continue
                SubscriptionHit.objects.create(saved_search=sub, doc_key=doc.key)
                message = Message(
                    title=_("New match for “%(name)s”: %(title)s")
                    % {"name": sub.name, "title": doc.title},
                    body=" ".join(doc.body.split())[:200],
                    url=url_for(doc),
                    severity=Severity.INFO,
                    key=f"archive:{sub.pk}:{doc.key}",
                )
                dispatch(message, [sub.owner])
                sent += 1
    return sent
