"""Checkpoints kept outside the database: one signed JSON line per checkpoint, appended to
settings.AUDIT_CHECKPOINT_FILE.

A checkpoint states how far the chain reached (head sequence number and hash) and how many
entries the database held, at a moment, signed with the chain's key. Deleting entries from the
end of the log then no longer verifies: a checkpoint remembers a head the database has lost.
An `archive` checkpoint also marks where archived entries left the database (audit.retention).
"""

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings

from audit.chain import ALGORITHMS, mac
from audit.keys import algorithm, chain_key

ROUTINE = "checkpoint"
ARCHIVE = "archive"


@dataclass(frozen=True)
class Checkpoint:
    kind: str
    count: int  # entries in the database when it was taken
    head_seq: int
    head_hash: str
    at: str  # ISO 8601, UTC
    alg: str
    archive: str = ""  # for ARCHIVE: the archive file's name and SHA-256
    archive_sha256: str = ""
    mac: str = ""

    def unsigned(self) -> dict[str, Any]:
        body = asdict(self)
        del body["mac"]
        return body


def sign(checkpoint: Checkpoint, key: bytes) -> Checkpoint:
    return replace(checkpoint, mac=mac(key, checkpoint.alg, checkpoint.unsigned()))


def is_signed(checkpoint: Checkpoint, key: bytes) -> bool:
    if checkpoint.alg not in ALGORITHMS:
        return False
    return hmac.compare_digest(mac(key, checkpoint.alg, checkpoint.unsigned()), checkpoint.mac)


def path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def append(checkpoint: Checkpoint) -> Checkpoint:
    """Sign `checkpoint` with the chain's key and append it, flushed to disk before returning."""
    signed = sign(replace(checkpoint, alg=algorithm()), chain_key())
    file = path()
    file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(signed), ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return signed


def read_all() -> list[tuple[int, Checkpoint | None]]:
    """Every line of the file with its number; None for a line that is not a checkpoint."""
    file = path()
    if not file.exists():
        return []
    found: list[tuple[int, Checkpoint | None]] = []
    with file.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                found.append((number, Checkpoint(**json.loads(line))))
            except (ValueError, TypeError):
                found.append((number, None))
    return found


def last_at() -> str | None:
    """When the newest checkpoint was taken (ISO 8601), or None when there is none. The worker
    asks every round, so only the end of the file is read; unsigned lines do not count."""
    file = path()
    if not file.exists():
        return None
    with file.open("rb") as handle:
        handle.seek(max(0, handle.seek(0, os.SEEK_END) - 4096))
        tail = handle.read().decode("utf-8", errors="replace").splitlines()
    key = chain_key()
    for line in reversed(tail):
        try:
            checkpoint = Checkpoint(**json.loads(line))
        except (ValueError, TypeError):
            continue
        # A forged line must not put the worker's daily check off.
        if is_signed(checkpoint, key):
            return checkpoint.at
    return None


def last_signed() -> Checkpoint | None:
    """The newest checkpoint whose signature holds, for the auditor's page."""
    key = chain_key()
    signed = [cp for _n, cp in read_all() if cp is not None and is_signed(cp, key)]
    return signed[-1] if signed else None


def file_sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
