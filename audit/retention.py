"""Retention: entries older than the policy's retention are moved out of the database into a
signed archive file — never silently deleted.

Each run writes, under settings.AUDIT_ARCHIVE_DIR, `audit-<first>-<last>.jsonl` (one entry a
line, hashes included, so the archived stretch can be re-verified with the key) and a manifest
beside it (file, range, count, SHA-256, head hash, algorithm, HMAC). An `archive` checkpoint
naming the file and its SHA-256 is appended to the checkpoint file before the rows leave the
database, so the chain verifies from the archive boundary on, and then `audit_archived` is
recorded in the chain itself.
"""

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import checkpoints
from audit.actions import lock_chain, record
from audit.chain import mac
from audit.keys import algorithm, chain_key
from audit.models import AuditEntry, AuditPolicy

_FIELDS = ("seq", "at", "actor_name", "action", "target", "data", "prev_hash", "hash", "alg")


@dataclass(frozen=True)
class Archived:
    file: Path
    first_seq: int
    last_seq: int
    count: int


def _write_synced(file: Path, text: str) -> None:
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def archive_expired(now: datetime | None = None) -> Archived | None:
    """Archive every entry older than the retention, from the start of the chain up to the
    newest expired one. Returns what was archived, or None when nothing is due."""
    now = now or timezone.now()
    days = AuditPolicy.current().retention_days
    cutoff = now - timedelta(days=days)
    with transaction.atomic():
        lock_chain()
        last = (
            AuditEntry.objects.filter(at__lt=cutoff).order_by("-seq").values_list("seq", flat=True)
        ).first()
        if last is None:
            return None
        rows = list(AuditEntry.objects.filter(seq__lte=last).order_by("seq").values(*_FIELDS))
        first = rows[0]["seq"]
        folder = Path(settings.AUDIT_ARCHIVE_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"audit-{first:012d}-{last:012d}.jsonl"
        lines = []
        for row in rows:
            row["at"] = row["at"].isoformat()
            lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
        _write_synced(folder / name, "\n".join(lines) + "\n")
        sha = checkpoints.file_sha256(folder / name)
        alg = algorithm()
        manifest = {
            "file": name,
            "first_seq": first,
            "last_seq": last,
            "count": len(rows),
            "sha256": sha,
            "head_hash": rows[-1]["hash"],
            "first_prev_hash": rows[0]["prev_hash"],
            "retention_days": days,
            "written_at": now.isoformat(),
            "alg": alg,
        }
        manifest["mac"] = mac(chain_key(), alg, manifest)
        _write_synced(folder / f"{name}.manifest.json", json.dumps(manifest, indent=1) + "\n")
        # The boundary is checkpointed before the rows leave: if the transaction then fails,
        # the rows stay and the checkpoint still matches them.
        checkpoints.append(
            checkpoints.Checkpoint(
                kind=checkpoints.ARCHIVE,
                count=AuditEntry.objects.count(),
                head_seq=last,
                head_hash=rows[-1]["hash"],
                at=now.isoformat(),
                alg=alg,
                archive=name,
                archive_sha256=sha,
            )
        )
        # Recorded before the rows leave, so the chain's newest entry always stays in the
        # database and the next entry links to it.
        record(
            None,
            "audit_archived",
            f"archive:{name}",
            {"first_seq": first, "last_seq": last, "count": len(rows), "retention_days": days},
        )
        AuditEntry.objects.filter(seq__lte=last).delete()
    return Archived(folder / name, first, last, len(rows))
