"""The hash chain, as pure functions: each entry's hash covers its content and the previous hash."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


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


def entry_hash(
    seq: int, at: str, actor: str, action: str, target: str, data: dict[str, Any], prev_hash: str
) -> str:
    payload = json.dumps(
        [seq, at, actor, action, target, data, prev_hash],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def first_break(entries: Iterable[EntryFacts]) -> int | None:
    """The sequence number of the first entry that does not fit the chain, or None if intact."""
    prev = GENESIS
    expected_seq = 1
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
