"""The keyed hash chain, as pure functions: each entry's hash is an HMAC, under a key kept
outside the database, over its content and the previous entry's hash.

Without the key nobody can recompute a hash, so rewriting an entry and re-hashing everything
after it no longer verifies. Deleting entries from the end is caught by the checkpoints kept
outside the database (`audit.checkpoints`).
"""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

# The algorithms an entry can state, as HMAC constructions over hashlib names. Both give
# 32-byte (64 hex digit) digests. SM3 (GB/T 32905) comes from OpenSSL through hashlib.
ALGORITHMS = {"hmac-sha256": "sha256", "hmac-sm3": "sm3"}
DEFAULT_ALGORITHM = "hmac-sha256"


@dataclass(frozen=True)
class EntryFacts:
    seq: int
    at: str  # ISO 8601, UTC
    actor: str
    action: str
    target: str
    data: dict[str, Any]
    prev_hash: str
    hash: str
    alg: str = DEFAULT_ALGORITHM


def _payload(
    seq: int, at: str, actor: str, action: str, target: str, data: dict[str, Any], prev: str
) -> list[Any]:
    return [seq, at, actor, action, target, data, prev]


def canonical(value: Any) -> bytes:
    """The one byte form that is hashed or signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(
    seq: int, at: str, actor: str, action: str, target: str, data: dict[str, Any], prev_hash: str
) -> str:
    """The unkeyed SHA-256 of the chain before it was keyed (migration 0003 verifies it)."""
    return hashlib.sha256(
        canonical(_payload(seq, at, actor, action, target, data, prev_hash))
    ).hexdigest()


def mac(key: bytes, alg: str, value: Any) -> str:
    """HMAC of `value`'s canonical form with the named algorithm."""
    try:
        digest = ALGORITHMS[alg]
    except KeyError:
        raise ValueError(f"unknown audit chain algorithm {alg!r}") from None
    return hmac.new(key, canonical(value), digest).hexdigest()


def entry_mac(
    key: bytes,
    alg: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    target: str,
    data: dict[str, Any],
    prev_hash: str,
) -> str:
    """An entry's keyed hash. The algorithm's name is part of what is signed, so an entry
    cannot be passed off under the other algorithm."""
    return mac(key, alg, [alg, *_payload(seq, at, actor, action, target, data, prev_hash)])


def first_break(
    entries: Iterable[EntryFacts],
    key: bytes,
    start_seq: int = 1,
    start_prev: str = GENESIS,
) -> int | None:
    """The sequence number of the first entry that does not fit the chain, or None if intact.
    `start_seq` and `start_prev` are where the chain resumes after an archived stretch."""
    prev = start_prev
    expected_seq = start_seq
    for entry in entries:
        if entry.seq != expected_seq or entry.prev_hash != prev:
            return entry.seq
        if entry.alg not in ALGORITHMS:
            return entry.seq
        recomputed = entry_mac(
            key,
            entry.alg,
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.target,
            entry.data,
            prev,
        )
        if not hmac.compare_digest(recomputed, entry.hash):
            return entry.seq
        prev = entry.hash
        expected_seq += 1
    return None


def first_break_unkeyed(entries: Iterable[EntryFacts]) -> int | None:
    """`first_break` under the rule of the chain before it was keyed (plain SHA-256)."""
    prev, expected_seq = GENESIS, 1
    for entry in entries:
        if entry.seq != expected_seq or entry.prev_hash != prev:
            return entry.seq
        recomputed = entry_hash(
            entry.seq, entry.at, entry.actor, entry.action, entry.target, entry.data, prev
        )
        if recomputed != entry.hash:
            return entry.seq
        prev = entry.hash
        expected_seq += 1
    return None
