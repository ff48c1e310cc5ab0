"""Writes of the archive's own data: saved searches and their subscriptions.

The index itself is written by `archive.index` (the drain and the rebuild), never here.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from archive import rules
from archive.models import Document, SavedSearch, SubscriptionHit
from archive.search import Filters, explain, matching_ids
from org.models import User
from xinbao.core.errors import ActionError as ActionError  # re-exported for callers

MAX_SAVED = 50


def do_save_search(
    user: User, name: str, query: str, filters: Filters, sort: str, subscribed: bool
) -> SavedSearch:
    name = name.strip()
    if not name:
        raise ActionError(_("Give the search a name."))
    try:
        rules.parse(query)
    except rules.QueryError as exc:
        raise ActionError(_(exc.message) % exc.params) from None
    conflicts = explain(rules.parse(query))
    if conflicts:
        raise ActionError(conflicts[0])
    if rules.parse(query).empty and not filters.active:
        raise ActionError(_("There is nothing to save: enter words or choose filters first."))
    try:
        with transaction.atomic():
            if SavedSearch.objects.filter(owner=user).count() >= MAX_SAVED:
                raise ActionError(
                    _("You can keep at most %(n)s saved searches.") % {"n": MAX_SAVED}
                )
            saved = SavedSearch.objects.create(
                owner=user,
                name=name[:60],
                query=query,
                filters=filters.to_json(),
                sort=sort,
                subscribed=False,
            )
            if subscribed:
                # Marked before the subscription is on, so that catching the index up here
                # announces nothing that was already there.
                _mark_current(saved)
                saved.subscribed = True
                saved.save(update_fields=["subscribed"])
            return saved
    except IntegrityError:
        raise ActionError(
            _("You already have a saved search called “%(name)s”.") % {"name": name}
        ) from None


def _own(user: User, pk: int) -> SavedSearch:
    found = SavedSearch.objects.select_for_update().filter(owner=user, pk=pk).first()
    if found is None:
        raise ActionError(_("That saved search no longer exists."))
    return found


def do_subscribe(user: User, pk: int, subscribed: bool) -> SavedSearch:
    """Switch notifications of new matches on or off. Documents already in the archive are
    never announced: only what is indexed from now on."""
    with transaction.atomic():
        saved = _own(user, pk)
        if subscribed and not saved.subscribed:
            _mark_current(saved)
        saved.subscribed = subscribed
        saved.save(update_fields=["subscribed"])
    return saved


def _mark_current(saved: SavedSearch) -> None:
    """What matches already is not news: only documents that match from now on are sent."""
    ids = matching_ids(saved.owner, saved.query, Filters.from_json(saved.filters))
    keys: list[str] = []
    for start in range(0, len(ids), 5000):
        keys += Document.objects.filter(id__in=ids[start : start + 5000]).values_list(
            "key", flat=True
        )
    SubscriptionHit.objects.bulk_create(
        [SubscriptionHit(saved_search=saved, doc_key=k) for k in keys],
        ignore_conflicts=True,
        batch_size=2000,
    )


def do_delete_search(user: User, pk: int) -> None:
    with transaction.atomic():
        _own(user, pk).delete()
