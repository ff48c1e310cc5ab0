"""Adoptions (采用) on the pages of routine information, which know nothing of them: the item
page's list of adoptions and its adoption form (in the action box's slot for “adopt”), and
the adoptions of the latest adopted items on the information home page."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.db.models import Prefetch, prefetch_related_objects

from bulletins.forms import AdoptForm, adopt_form_for
from bulletins.models import Adoption
from submissions.models import InfoItem

register = template.Library()


@register.inclusion_tag("bulletins/_item_adoptions.html")
def item_adoptions(item: InfoItem) -> dict[str, Any]:
    return {"adoptions": item.adoptions.select_related("publication", "recorded_by")}


@register.inclusion_tag("bulletins/_adopt_form.html", takes_context=True)
def adoption_form(
    context: template.Context, item: InfoItem, bound: AdoptForm | None = None
) -> dict[str, Any]:
    """The form to record an adoption by hand; `bound` is the one the user sent back invalid."""
    return {
        "item": item,
        "form": bound if bound is not None else adopt_form_for(item),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("bulletins/_adopted_list.html")
def adopted_list(items: Iterable[InfoItem]) -> dict[str, Any]:
    """Each item with the publications that adopted it, in one query for all of them."""
    rows = list(items)
    prefetch_related_objects(
        rows, Prefetch("adoptions", Adoption.objects.select_related("publication"))
    )
    return {"items": rows}
