"""The warning that a year's official calendar is missing, shown to the people who route
reports by it and can act on it, until they dismiss it for the day (org/calendar_banner.py)."""

from dataclasses import dataclass

from django import template
from django.utils import timezone

from org import calendar_banner
from org.duty import years_without_calendar
from org.models import User, user_can
from org.roles import Capability
from org.schedule import years_to_check

register = template.Library()


@dataclass(frozen=True)
class MissingYear:
    year: int
    can_enter: bool  # the viewer is the one who enters it


@register.simple_tag(takes_context=True)
def missing_calendar_years(context: template.Context) -> list[MissingYear]:
    """One query, and none for people the warning is not for."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not calendar_banner.warned(user):
        return []
    if request is None or calendar_banner.dismissed(request, user):
        return []
    can_enter = user_can(user, Capability.MANAGE_CALENDAR)
    missing = years_without_calendar(*years_to_check(timezone.localdate()))
    return [MissingYear(year, can_enter) for year in missing]
