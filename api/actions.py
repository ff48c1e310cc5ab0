"""The API app's writes: tokens made and revoked by their owners, the rate-limit policy, and
the per-minute request counters. Each token and policy write is audited."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from api import rules
from api.models import MAX_REQUESTS_PER_MINUTE, ApiPolicy, ApiToken, RequestCount, TokenScope
from audit.actions import record, save_change
from org.models import User
from org.roles import Capability
from xinbao.core.errors import ActionError

# A token that lives longer than ten years is one nobody remembers having made.
MAX_TOKEN_DAYS = 3650


@dataclass(frozen=True)
class MadeToken:
    token: ApiToken
    plain: str  # the secret, to be shown exactly once


def do_create_token(
    actor: User, name: str, scope: str, expires_in_days: int | None = None
) -> MadeToken:
    """A new personal token of `actor`'s. The plain secret is returned once and never kept."""
    if not actor.is_active:
        raise ActionError(_("This account is not active."))
    name = name.strip()
    if not name:
        raise ActionError(_("Give the token a name, e.g. the program that will use it."))
    if scope not in TokenScope.values:
        raise ActionError(_("Choose read only, or read and write."))
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise ActionError(
            _("A token expires after 1 to %(days)s days, or never.") % {"days": MAX_TOKEN_DAYS}
        )
    now = timezone.now()
    made = rules.make_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            owner=actor,
            name=name[:60],
            scope=scope,
            prefix=made.prefix,
            secret_hash=made.digest,
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        )
        record(
            actor,
            "api_token_created",
            f"api_token:{token.pk}",
            {
                "prefix": token.prefix,
                "scope": scope,
                "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            },
        )
    return MadeToken(token, made.plain)


def do_revoke_token(actor: User, token_id: int) -> ApiToken:
    """The owner revokes one of their tokens; it stops working at once."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, owner=actor).first()
        if token is None:
            raise ActionError(_("No such token."))
        if token.revoked_at is not None:
            raise ActionError(_("This token was already revoked."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor, "api_token_revoked", f"api_token:{token.pk}", {"prefix": token.prefix})
    return token


def do_set_rate_limit(actor: User, requests_per_minute: int) -> ApiPolicy:
    """The system administrator sets how many requests a minute one client may make."""
    if not actor.can(Capability.MANAGE_ORG):
        raise ActionError(_("Only the system administrator sets the API's rate limit."))
    if not 1 <= requests_per_minute <= MAX_REQUESTS_PER_MINUTE:
        raise ActionError(
            _("The limit is between 1 and %(most)s requests a minute.")
            % {"most": MAX_REQUESTS_PER_MINUTE}
        )
    with transaction.atomic():
        policy = ApiPolicy.locked()
        save_change(
            actor,
            "api_rate_limit_changed",
            policy,
            {"requests_per_minute": requests_per_minute},
            "ApiPolicy",
        )
    return policy


def touch(token: ApiToken, now: datetime) -> None:
    """Note that the token was used: at most one write a minute per token."""
    ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=now - rules.WINDOW).update(
        last_used_at=now
    )


def admit(client: str, now: datetime, limit: int | None = None) -> int | None:
    """Count one request of `client` in the current minute if the limit allows it: None when
    admitted, else the seconds to wait. A conditional UPDATE in the database, so several web
    processes share one count and two requests can never both take the last place."""
    limit = ApiPolicy.current().requests_per_minute if limit is None else limit
    window = rules.window_of(now)
    rows = RequestCount.objects.filter(client=client, window=window, count__lt=limit)
    if rows.update(count=F("count") + 1):
        return None
    # The minute's first request (no row yet), or the minute is full.
    RequestCount.objects.bulk_create(
        [RequestCount(client=client, window=window, count=0)], ignore_conflicts=True
    )
    if rows.update(count=F("count") + 1):
        # Once a minute per client: the minutes before the last are no longer needed.
        RequestCount.objects.filter(client=client, window__lt=window - rules.WINDOW).delete()
        return None
    return rules.retry_after(now)
