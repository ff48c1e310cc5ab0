"""The search page, its total and facet counts, and saved searches. Views validate and render."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from archive import actions, documents
from archive.forms import PARAMS, SavedSearchForm, SearchForm
from archive.models import DocKind, SavedSearch, SortOrder
from archive.search import (
    FACET_EXACT,
    MAX_PAGE,
    Facets,
    Filters,
    count,
    facets,
    page_count,
    search,
)
from archive.secrecy import mark_hits
from archive.visibility import can_search
from bulletins.models import AdoptionLevel
from emergencies.models import Category, Level
from org.http import AuthedRequest
from org.models import Unit
from submissions.models import ItemKind, Tag, Verification
from xinbao.core.inputs import parse_id

FACET_SHOWN = 8


def _check(request: AuthedRequest) -> None:
    if not can_search(request.user):
        raise PermissionDenied


def _querystring(form: SearchForm, **changes: Any) -> str:
    """The current search as a query string, with some parameters changed or dropped."""
    data = form.data.copy() if isinstance(form.data, QueryDict) else QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data.urlencode()


@require_safe
def search_page(request: AuthedRequest) -> HttpResponse:
    _check(request)
    form = SearchForm(request.GET)
    context: dict[str, Any] = {
        "form": form,
        "saved": [
            (s, saved_querystring(s)) for s in SavedSearch.objects.filter(owner=request.user)
        ],
        "save_form": SavedSearchForm(),
        "sorts": SortOrder.choices,
        "kinds": DocKind.choices,
    }
    if form.is_valid():
        filters = form.filters()
        searched = bool(form.cleaned_data["q"]) or filters.active
        result = search(
            request.user,
            form.parsed,
            filters,
            sort=form.order(),
            page=form.cleaned_data.get("page") or 1,
        )
        mark_hits(result.hits)
        context.update(
            result=result,
            searched=searched,
            filters=filters,
            chosen_kinds=set(filters.kinds),
            current=_querystring(form, page=None),
            prev_page=_querystring(form, page=str(result.page - 1)) if result.page > 1 else "",
            next_page=_querystring(form, page=str(result.page + 1)) if result.has_next else "",
            pages=result.pages,
            first_number=(result.page - 1) * result.per_page + 1,
        )
    context["fragment"] = bool(request.headers.get("HX-Request"))
    template = "archive/_main.html" if context["fragment"] else "archive/search.html"
    return render(request, template, context)


def _labels() -> dict[str, dict[str, str]]:
    """Value labels per facet, in the request's language."""
    return {
        "kinds": {k: str(v) for k, v in DocKind.choices},
        "categories": {
            **{k: str(v) for k, v in ItemKind.choices},
            **{k: str(v) for k, v in Category.choices},
        },
        "levels": {**{k: str(v) for k, v in Level.choices}, documents.UNGRADED: _("Ungraded")},
        "adoption": {k: str(v) for k, v in AdoptionLevel.choices},
        "verification": {k: str(v) for k, v in Verification.choices},
    }


FACET_TITLES = {
    "kinds": gettext_lazy("Document type"),
    "units": gettext_lazy("Unit"),
    "categories": gettext_lazy("Category"),
    "levels": gettext_lazy("Level"),
    "adoption": gettext_lazy("Adopted by"),
    "tags": gettext_lazy("Tags"),
    "verification": gettext_lazy("Verification"),
}


def _facet_groups(counts: Facets, filters: Filters) -> list[dict[str, Any]]:
    unit_names = dict(
        Unit.objects.filter(
            pk__in=[n for n in map(parse_id, counts.counts["units"]) if n is not None]
        ).values_list("pk", "name")
    )
    tag_names = dict(
        Tag.objects.filter(
            pk__in=[n for n in map(parse_id, counts.counts["tags"]) if n is not None]
        ).values_list("pk", "name")
    )
    groups = []
    all_labels = _labels()
    for name, _prefix in Filters.FACETS:
        chosen = {str(v) for v in getattr(filters, name)}
        labels = all_labels.get(name, {})
        values: list[dict[str, Any]] = []
        for value, n in counts.counts[name].most_common():
            if name == "units":
                label = unit_names.get(parse_id(value) or 0, value)
            elif name == "tags":
                label = tag_names.get(parse_id(value) or 0, value)
            else:
                label = labels.get(value, value)
            values.append({"value": value, "label": label, "n": n, "on": value in chosen})
        for value in chosen - {v["value"] for v in values}:
            values.append({"value": value, "label": labels.get(value, value), "n": 0, "on": True})
        if values:
            shown = [v for i, v in enumerate(values) if i < FACET_SHOWN or v["on"]]
            more = [v for i, v in enumerate(values) if i >= FACET_SHOWN and not v["on"]]
            groups.append(
                {
                    "name": name,
                    "param": PARAMS[name],
                    "title": FACET_TITLES[name],
                    "shown": shown,
                    "more": more,
                }
            )
    return groups


@require_safe
def total_count(request: AuthedRequest) -> HttpResponse:
    """The result page's count line, loaded after the results: counting every match of a
    common word takes longer than finding the newest twenty."""
    _check(request)
    form = SearchForm(request.GET)
    if not form.is_valid():
        return HttpResponse("")
    n = count(request.user, form.parsed, form.filters())
    page = min(form.cleaned_data.get("page") or 1, MAX_PAGE)
    # The pager's "page n" becomes "page n of m" (out of band).
    context = {
        "n": n,
        "query": form.parsed,
        "page": page,
        "pages": page_count(n),
        "count_request": True,
    }
    return render(request, "archive/_count.html", context)


@require_safe
def facet_counts(request: AuthedRequest) -> HttpResponse:
    """The filter panel with a count beside each value; loaded after the results."""
    _check(request)
    form = SearchForm(request.GET)
    if not form.is_valid():
        return HttpResponse("")
    filters = form.filters()
    counts = facets(request.user, form.parsed, filters)
    return render(
        request,
        "archive/_facets.html",
        {
            "groups": _facet_groups(counts, filters),
            "years": sorted(counts.years.items(), reverse=True),
            "total": counts.total,
            "exact": counts.exact,
            "limit": FACET_EXACT,
            "form": form,
        },
    )


@require_POST
def save_search(request: AuthedRequest) -> HttpResponse:
    _check(request)
    form = SearchForm(QueryDict(request.POST.get("search", "")))
    save_form = SavedSearchForm(request.POST)
    back = "archive:search"
    if not form.is_valid() or not save_form.is_valid():
        messages.error(request, _("The search could not be saved: check its name and words."))
        return redirect(back)
    try:
        saved = actions.do_save_search(
            request.user,
            save_form.cleaned_data["name"],
            form.cleaned_data["q"],
            form.filters(),
            form.order(),
            save_form.cleaned_data["subscribed"],
        )
    except actions.ActionError as exc:
        messages.error(request, str(exc))
        return redirect(reverse(back) + "?" + request.POST.get("search", ""))
    messages.success(request, _("Saved “%(name)s”.") % {"name": saved.name})
    return redirect(reverse(back) + "?" + saved_querystring(saved))


def saved_querystring(saved: SavedSearch) -> str:
    filters = Filters.from_json(saved.filters)
    pairs: list[tuple[str, str]] = [("q", saved.query), ("sort", saved.sort)]
    for name, param in PARAMS.items():
        pairs += [(param, str(v)) for v in getattr(filters, name)]
    if filters.date_from:
        pairs.append(("from", filters.date_from.isoformat()))
    if filters.date_to:
        pairs.append(("to", filters.date_to.isoformat()))
    return urlencode(pairs)


@require_POST
def change_saved(request: AuthedRequest, pk: int) -> HttpResponse:
    """Subscribe, unsubscribe or delete one of the user's own saved searches."""
    _check(request)
    what = request.POST.get("do")
    try:
        if what == "delete":
            actions.do_delete_search(request.user, pk)
            messages.success(request, _("Saved search deleted."))
        elif what in ("subscribe", "unsubscribe"):
            saved = actions.do_subscribe(request.user, pk, what == "subscribe")
            if saved.subscribed:
                messages.success(
                    request,
                    _("You will be notified of new matches for “%(name)s”.") % {"name": saved.name},
                )
            else:
                messages.success(
                    request, _("Notifications for “%(name)s” are off.") % {"name": saved.name}
                )
        else:
            messages.error(request, _("Unknown request."))
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    return redirect("archive:search")
