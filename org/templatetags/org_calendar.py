"""The warning that a year's official calendar is missing, shown on every page to the people
who depend on it: those who watch emergencies, run the duty roster or keep the calendar."""

from dataclasses import dataclass

from django import template
from django.utils import timezone

from org.duty import years_without_calendar
from org.models import user_can
from org.roles import Capability
from org.schedule import years_to_check

register = template.Library()

WARNED = (Capability.WATCH_EMERGENCIES, Capability.MANAGE_DUTY, Capability.MANAGE_CALENDAR)


@dataclass(frozen=True)
class MissingYear:
    year: int
    can_enter: bool  # the viewer is the one who enters it


@register.simple_tag(takes_context=True)
def missing_calendar_years(context: template.Context) -> list[MissingYear]:
    """One query, and none for people the warning is not for."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not any(user_can(user, c) for c in WARNED):
        return []
    can_enter = user_can(user, Capability.MANAGE_CALENDAR)
    missing = years_without_calendar(*years_to_check(timezone.localdate()))
    return [MissingYear(year, can_enter) for year in missing]
