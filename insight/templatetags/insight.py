"""Insight's boxes on pages of the apps below it, which may not import insight: the duplicates
and typical-case box of an item's page, the duplicates box of an incident's page, and the
analysis tabs above the archive's search.

    {% load insight %}{% item_panel item %}
"""

from typing import Any

from django import template

from emergencies.models import Incident
from insight import queries
from org.models import user_can
from org.roles import Capability
from submissions.models import InfoItem

register = template.Library()


def _forms(context: template.Context) -> dict[str, Any]:
    """What the box's forms need from the page: the viewer and the CSRF token."""
    return {"request": context.get("request"), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("insight/_item_panel.html", takes_context=True)
def item_panel(context: template.Context, item: InfoItem) -> dict[str, Any]:
    """Duplicates of the item and the typical-case mark, for whoever looks at it."""
    user = context["request"].user
    return {**_forms(context), "item": item, "insight": queries.item_panel(item, user)}


@register.inclusion_tag("insight/_incident_panel.html", takes_context=True)
def incident_panel(context: template.Context, incident: Incident) -> dict[str, Any]:
    """Duplicates of the incident, for whoever looks at it."""
    user = context["request"].user
    return {
        **_forms(context),
        "incident": incident,
        "insight": queries.incident_panel(incident, user),
    }


@register.inclusion_tag("insight/_nav.html", takes_context=True)
def insight_tabs(context: template.Context, here: str) -> dict[str, Any]:
    """The analysis pages as tabs beside the search, for those who may read them (nothing for
    the others)."""
    user = getattr(context.get("request"), "user", None)
    return {
        "shown": user_can(user, Capability.READ_ANALYSIS),
        "here": here,
        "may_see_policy": user_can(user, Capability.READ_SUBMITTED),
    }
