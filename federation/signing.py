"""Signing and verifying federation requests. Pure functions: no database, no clock.

The canonical string (docs/federation.md) is five lines after a version tag, joined by "\\n":

    xinbao-federation-v1
    <METHOD, upper case>
    <path, as sent: no scheme, host or query>
    <timestamp: Unix seconds, decimal>
    <nonce: 16-64 characters of [A-Za-z0-9_-]>
    <SHA-256 of the body, lower-case hex>

The signature is HMAC-SHA256 of its UTF-8 bytes under the link's shared secret, lower-case hex.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

TAG = "xinbao-federation-v1"
OFFICE_HEADER = "X-Xinbao-Office"
TIMESTAMP_HEADER = "X-Xinbao-Timestamp"
NONCE_HEADER = "X-Xinbao-Nonce"
SIGNATURE_HEADER = "X-Xinbao-Signature"
KEY_HEADER = "Idempotency-Key"

_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")


def canonical(method: str, path: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    lines = (TAG, method.upper(), path, str(timestamp), nonce, digest)
    return "\n".join(lines).encode("utf-8")


def sign(secret: str, method: str, path: str, timestamp: int, nonce: str, body: bytes) -> str:
    message = canonical(method, path, timestamp, nonce, body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def new_secret() -> str:
    """A fresh shared secret: 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def signed_headers(
    secret: str, office: str, method: str, path: str, timestamp: int, body: bytes, key: str
) -> dict[str, str]:
    nonce = new_nonce()
    return {
        OFFICE_HEADER: office,
        TIMESTAMP_HEADER: str(timestamp),
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: sign(secret, method, path, timestamp, nonce, body),
        KEY_HEADER: key,
    }


class Verdict(Enum):
    OK = "ok"
    MALFORMED = "malformed"
    STALE = "stale"
    BAD_SIGNATURE = "bad_signature"


@dataclass(frozen=True)
class Signed:
    """The parts of a request the signature covers, as the receiver read them."""

    office: str
    timestamp: int
    nonce: str
    signature: str
    key: str


def parse_headers(headers: Mapping[str, str]) -> Signed | None:
    """The signed request's headers, or None when any is missing or malformed."""
    office = headers.get(OFFICE_HEADER, "")
    raw_ts = headers.get(TIMESTAMP_HEADER, "")
    nonce = headers.get(NONCE_HEADER, "")
    signature = headers.get(SIGNATURE_HEADER, "")
    key = headers.get(KEY_HEADER, "")
    if not (
        office
        and len(office) <= 40
        and _TIMESTAMP.fullmatch(raw_ts)
        and _NONCE.fullmatch(nonce)
        and _SIGNATURE.fullmatch(signature)
        and 8 <= len(key) <= 64
    ):
        return None
    return Signed(office, int(raw_ts), nonce, signature, key)


def verify(
    signed: Signed,
    secrets_accepted: Sequence[str],
    method: str,
    path: str,
    body: bytes,
    now_ts: int,
    window_seconds: int,
) -> Verdict:
    """Whether a request is fresh and signed with one of the accepted secrets (the current one,
    and the previous one during a rotation's grace period)."""
    if abs(now_ts - signed.timestamp) > window_seconds:
        return Verdict.STALE
    for secret in secrets_accepted:
        if not secret:
            continue
        expected = sign(secret, method, path, signed.timestamp, signed.nonce, body)
        if hmac.compare_digest(expected, signed.signature):
            return Verdict.OK
    return Verdict.BAD_SIGNATURE


def backoff_seconds(attempts: int, base: int, ceiling: int) -> int:
    """The pause before the next attempt after `attempts` failed ones: base, 2×base, 4×base…
    up to `ceiling`."""
    if attempts <= 0:
        return 0
    pause: int = base * 2 ** min(attempts - 1, 30)
    return min(ceiling, pause)


# The receiver's refusals that sending the same message again cannot change: it read the
# message and will not file it as it is. Everything else — 401 (a stale clock, or a secret being
# rotated: `bad_signature` until both sides hold the new one), 409 (a nonce clash), 5xx, no
# answer — may pass on a later attempt.
PERMANENT = {400: "bad_body", 422: "not_filed"}


def is_permanent(status: int, code: object) -> bool:
    """Whether an answer is a permanent refusal. Only an inbox's own refusal counts (its JSON
    names the code): a 400 page from something in front of it (a proxy, a host name the other
    side does not serve) means the message was never read, and is retried like a 5xx."""
    return status in PERMANENT and PERMANENT[status] == code
