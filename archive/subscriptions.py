"""Saved-search subscriptions: new matches are announced to the owner, once per document.

`announce` runs inside the drain's transaction, over the documents that transaction added or
changed: each subscribed search is run as its owner (their visibility rules apply) restricted
to those documents, and each match not announced before becomes a `SubscriptionHit` and a
notification through `notify.dispatch` — both committed with the index change, or neither.
"""

from collections.abc import Sequence

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from archive import backends, rules
from archive.models import Document, SavedSearch, SubscriptionHit
from archive.visibility import grants_for


def announce(doc_ids: Sequence[int]) -> int:
    """Notify subscribers of these (new or changed) documents. Returns notifications sent."""
    from archive.search import Filters, plan_for, url_for
    from notify.actions import Message, dispatch

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
                    severity="info",
                    key=f"archive:{sub.pk}:{doc.key}",
                )
                dispatch(message, [sub.owner])
                sent += 1
    return sent
