"""One guard per page, asked by the view and by every button that leads to it.

A view declares who may open it with `@guarded(check)`; the decorator refuses everyone else
(403, or 404 where the page must not reveal that the object exists) and keeps the check on the
view. A template asks the same check before it shows a link or a button:

    {% load org_access %}{% may "emergencies:new" as can_report %}
    {% if can_report %}<a href="{% url 'emergencies:new' %}">…</a>{% endif %}

`may` resolves the URL to its view and calls that view's own check with the URL's arguments,
so the button and the page cannot disagree. A check is a function of the user and the URL's
keyword arguments, built on the capability table (`org/roles.py`) and the owning app's access
rules; it never reads the request.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve, reverse

from org.models import User

Check = Callable[..., bool]
View = Callable[..., HttpResponse]


class GuardedView(Protocol):
    guard: Check

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse: ...


def guarded(check: Check, *, hide: bool = False) -> Callable[[View], View]:
    """Refuse the view to anyone `check(user, **url_kwargs)` does not let in: 403, or 404 with
    `hide` (an object page that must not tell a stranger the object exists)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not (isinstance(user, User) and user.is_active and check(user, **kwargs)):
                raise Http404 if hide else PermissionDenied
            return view(request, *args, **kwargs)

        # functools.wraps copies __dict__, so the check survives the decorators outside.
        wrapper.guard = check  # type: ignore[attr-defined]
        return wrapper

    return decorate


def may(user: object, url_name: str, *args: object) -> bool:
    """Whether `user` may open the page `url_name` names (with `args`): its view's own check.

    Asking about a page whose view has no guard is a programming error, not a "no"."""
    if not (isinstance(user, User) and user.is_active):
        return False
    path = reverse(url_name, args=args)
    try:
        match = resolve(path)
    except Resolver404 as exc:  # pragma: no cover - reverse() just built it
        raise ImproperlyConfigured(path) from exc
    check = getattr(match.func, "guard", None)
    if check is None:
        raise ImproperlyConfigured(f"{url_name} has no @guarded check to ask")
    return bool(check(user, **match.kwargs))
