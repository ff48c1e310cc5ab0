"""Pure rules of the API's own: what a token looks like, when one is good, and the rate
window. No database, no request."""

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

# `xb_` + the visible prefix + `_` + the secret. The prefix finds the row; the whole token's
# SHA-256 is what is kept. 32 random bytes make a hash without salt safe to keep: nobody
# guesses 2**256.
TOKEN_MARK = "xb"
PREFIX_BYTES = 6  # 8 characters of URL-safe base64
SECRET_BYTES = 32
WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    prefix: str
    plain: str  # shown to the owner once
    digest: str


def digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def make_token() -> NewToken:
    prefix = secrets.token_urlsafe(PREFIX_BYTES).replace("_", "x").replace("-", "y")
    plain = f"{TOKEN_MARK}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return NewToken(prefix, plain, digest(plain))


def prefix_of(plain: str) -> str | None:
    """The visible prefix of something sent as a token, or None if it cannot be one."""
    parts = plain.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_MARK or not parts[1] or not parts[2]:
        return None
    return parts[1]


def matches(plain: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(plain), stored_digest)


@dataclass(frozen=True)
class TokenFacts:
    scope: str
    expires_at: datetime | None
    revoked_at: datetime | None
    owner_active: bool


def usable(token: TokenFacts, now: datetime) -> bool:
    """A token works while it is not revoked, not expired and its owner's account is active."""
    if token.revoked_at is not None or not token.owner_active:
        return False
    return token.expires_at is None or now < token.expires_at


def may_write(scope: str) -> bool:
    return scope == "write"


def window_of(now: datetime) -> datetime:
    """The clock minute `now` falls in: the rate limit counts requests per minute."""
    return now.replace(second=0, microsecond=0)


def retry_after(now: datetime) -> int:
    """Whole seconds until the next minute starts (at least 1)."""
    left = window_of(now) + WINDOW - now
    return max(1, math.ceil(left.total_seconds()))
