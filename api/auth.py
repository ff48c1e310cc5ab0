"""Who is asking. Machine clients send a personal API token (`Authorization: Bearer xb_…`);
a signed-in browser (its session, with CSRF on writes) serves the interactive docs.

Whoever it is, the request acts as that person — the owner of the token — with their role,
unit and capabilities, and nothing more: a `read` token refuses every write. Each client (a
token, or a person by session) is held to the rate limit (`ApiPolicy`)."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from api import actions, rules
from api.errors import Refusal
from api.models import ApiToken
from org import twofactor
from org.middleware import change_required
from org.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _hold_to_limit(client: str) -> None:
    wait = actions.admit(client, timezone.now())
    if wait is not None:
        raise Refusal(
            429,
            "rate_limited",
            _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": wait},
            {"Retry-After": str(wait)},
        )


def _note_channel(request: HttpRequest, **facts: Any) -> None:
    """Complete the audit channel `api.urls` opened for this request (who, by which token)."""
    channel = getattr(request, "audit_channel", None)
    if channel is not None:
        channel.update(facts)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        """The token's owner, or 401 for anything that is not a working token: a wrong, revoked
        or expired one, or one whose owner's account was deactivated. Sent but wrong, it is
        refused even beside a signed-in session."""
        prefix = rules.prefix_of(token.strip())
        row = (
            ApiToken.objects.select_related("owner", "owner__unit").filter(prefix=prefix).first()
            if prefix
            else None
        )
        now = timezone.now()
        if row is None or not rules.matches(token.strip(), row.secret_hash):
            raise AuthenticationError
        facts = rules.TokenFacts(row.scope, row.expires_at, row.revoked_at, row.owner.is_active)
        if not rules.usable(facts, now):
            raise AuthenticationError
        if request.method not in SAFE_METHODS and not rules.may_write(row.scope):
            raise Refusal(403, "read_only_token", _("This token may only read."))
        _hold_to_limit(f"token:{row.pk}")
        actions.touch(row, now)
        request.user = row.owner
        request.api_token = row  # type: ignore[attr-defined]
        _note_channel(request, token=row.pk)
        return row.owner


class Session(SessionAuth):
    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie: nothing to check CSRF for — the answer is 401, not a CSRF 403.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not (isinstance(user, User) and user.is_active):
            return None
        # What the pages would send the person to do first, the API refuses (never a redirect).
        if request.session.get(twofactor.PENDING) and not user.is_verified():  # type: ignore[attr-defined]
            raise Refusal(
                401,
                "second_factor_required",
                _("Give the second step of your login (the code) on the site first."),
            )
        if change_required(request):
            raise Refusal(
                401, "password_change_required", _("Change your password on the site first.")
            )
        _hold_to_limit(f"user:{user.pk}")
        return user


TOKEN = TokenAuth()
SESSION = Session()

# Tried in order; the first that recognises the request wins.
AUTH: list[Callable[..., Any]] = [TOKEN, SESSION]
