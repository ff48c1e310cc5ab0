from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from audit.actions import record


def _ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))


@receiver(user_logged_in)
def on_login(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(user, "login", target=user.get_username(), data={"ip": _ip(request)})


@receiver(user_logged_out)
def on_logout(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(user, "logout", target=user.get_username(), data={"ip": _ip(request)})


@receiver(user_login_failed)
def on_login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record(
        None, "login_failed", target=str(credentials.get("username", "")), data={"ip": _ip(request)}
    )


@receiver(user_locked_out)
def on_locked_out(
    sender: object, request: HttpRequest, username: str | None = None, **kwargs: Any
) -> None:
    record(None, "locked_out", target=username or "", data={"ip": _ip(request)})
