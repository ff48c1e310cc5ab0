"""Session facts shared by the login and the idle timeout (xinbao.core.middleware)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

# When the person last did something, as a POSIX timestamp in the session.
LAST_SEEN = "xinbao_last_seen"
# Sent by requests a page makes on its own (the emergency board's refresh every 20 seconds):
# they are not the person at the desk, so they do not keep the session alive.
BACKGROUND_HEADER = "X-Xinbao-Background"


def is_background(request: HttpRequest) -> bool:
    return request.headers.get(BACKGROUND_HEADER) == "1"


@receiver(user_logged_in)
def _start_idle_timer(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """The idle timer starts at the login, not at the first page after it."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = timezone.now().timestamp()
