"""The federation's box on an incident's page (emergencies may not import federation):

{% load federation %}{% federation_panel incident %}
"""

from typing import Any

from django import template

from emergencies.models import Incident
from federation import queries

register = template.Library()


@register.inclusion_tag("federation/_incident_panel.html", takes_context=True)
def federation_panel(context: template.Context, incident: Incident) -> dict[str, Any]:
    user = context["request"].user
    return {"incident": incident, "fed": queries.incident_federation(incident, user)}
