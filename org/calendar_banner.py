"""The banner that a year's official calendar is missing: who is shown it, and "not again
today". It is for the people who route reports by the calendar and can act on it — the system
administrator, who enters the calendar, and the duty office (whoever keeps the duty roster:
the duty officers, and the chief and secretary-general whose office it is). Editors, leaders and
the units are not shown it: on a phone it took half the first screen of every page.

Dismissing it sets a cookie naming the person and the day (Asia/Shanghai): it is gone for that
person until the office's next day, and comes back for anyone else logging in on the same
browser. Nothing is written to the database: hiding a reminder changes no record."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from org.models import User, user_can
from org.roles import Capability

WARNED = (Capability.MANAGE_DUTY, Capability.MANAGE_CALENDAR)
COOKIE = "xinbao_calendar_banner"


def warned(user: object) -> bool:
    return any(user_can(user, c) for c in WARNED)


def _value(user: User, day: date) -> str:
    return f"{user.pk}:{day.isoformat()}"


def dismissed(request: HttpRequest, user: User) -> bool:
    """Whether `user` dismissed the banner earlier today (the office's day)."""
    return request.COOKIES.get(COOKIE) == _value(user, timezone.localdate())


def dismiss(response: HttpResponse, user: User) -> None:
    """Remember on this browser that `user` dismissed the banner, until the office's midnight."""
    today = timezone.localdate()
    midnight = timezone.make_aware(datetime.combine(today + timedelta(days=1), time()))
    response.set_cookie(
        COOKIE,
        _value(user, today),
        expires=midnight,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
