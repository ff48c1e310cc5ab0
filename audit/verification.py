"""The one check of the audit log, used by the auditor's 验证 button, `manage.py verify_audit`
and the worker's daily checkpoint: the keyed chain in the database, walked from its start (or
from the last archive boundary), against every signed checkpoint kept outside the database."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from audit import checkpoints
from audit.chain import GENESIS, EntryFacts, first_break
from audit.keys import chain_key
from audit.models import AuditEntry


@dataclass(frozen=True)
class Finding:
    code: (
        str  # entry_broken, start_missing, truncated, rewritten, checkpoint_forged, archive_altered
    )
    seq: int | None = None
    line: int | None = None
    other: str = ""

    def message(self) -> str:
        facts = {"seq": self.seq, "line": self.line, "other": self.other}
        if self.code == "entry_broken":
            return _("The chain is broken at entry #%(seq)s: the log was altered.") % facts
        if self.code == "start_missing":
            return _("Entries before #%(seq)s are missing and were not archived.") % facts
        if self.code == "truncated":
            return (
                _(
                    "Entries were deleted from the end: a checkpoint recorded the log up to "
                    "#%(seq)s, the database ends at #%(other)s."
                )
                % facts
            )
        if self.code == "rewritten":
            return (
                _("Entry #%(seq)s differs from the checkpoint taken of it: the log was rewritten.")
                % facts
            )
        if self.code == "checkpoint_forged":
            return (
                _(
                    "Line %(line)s of the checkpoint file has no valid signature: the checkpoint "
                    "was forged or altered."
                )
                % facts
            )
        return _("The archive file %(other)s is missing or altered.") % facts


@dataclass
class Report:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    first_break: int | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def check() -> Report:
    key = chain_key()
    report = Report()
    valid: list[checkpoints.Checkpoint] = []
    for line, checkpoint in checkpoints.read_all():
        if checkpoint is None or not checkpoints.is_signed(checkpoint, key):
            report.findings.append(Finding("checkpoint_forged", line=line))
        else:
            valid.append(checkpoint)
    first = AuditEntry.objects.order_by("seq").values_list("seq", "prev_hash").first()
    start_seq, start_prev = 1, GENESIS
    if first is not None and first[0] != 1:
        boundary = [
            c for c in valid if c.kind == checkpoints.ARCHIVE and c.head_seq == first[0] - 1
        ]
        if boundary:
            start_seq, start_prev = first[0], boundary[-1].head_hash
        else:
            report.findings.append(Finding("start_missing", seq=first[0]))
            start_seq, start_prev = first
    wanted = {c.head_seq for c in valid}
    seen: dict[int, str] = {}
    walk = _walk(report, wanted, seen)
    report.first_break = first_break(walk, key, start_seq, start_prev)
    for _rest in walk:  # read to the end: the head and the checkpointed hashes past a break
        pass
    if report.first_break is not None:
        report.findings.append(Finding("entry_broken", seq=report.first_break))
    for checkpoint in valid:
        if checkpoint.head_seq > report.head_seq:
            report.findings.append(
                Finding("truncated", seq=checkpoint.head_seq, other=str(report.head_seq))
            )
        elif checkpoint.head_seq in seen and seen[checkpoint.head_seq] != checkpoint.head_hash:
            report.findings.append(Finding("rewritten", seq=checkpoint.head_seq))
        if checkpoint.kind == checkpoints.ARCHIVE:
            file = Path(settings.AUDIT_ARCHIVE_DIR) / checkpoint.archive
            if not file.exists() or checkpoints.file_sha256(file) != checkpoint.archive_sha256:
                report.findings.append(Finding("archive_altered", other=checkpoint.archive))
    return report


def _walk(report: Report, wanted: set[int], seen: dict[int, str]) -> Iterator[EntryFacts]:
    rows = AuditEntry.objects.order_by("seq").values_list(
        "seq", "at", "actor_name", "action", "target", "data", "prev_hash", "hash", "alg"
    )
    for seq, at, actor, action, target, data, prev, digest, alg in rows.iterator(chunk_size=2000):
        report.entries += 1
        report.head_seq, report.head_hash = seq, digest
        if seq in wanted:
            seen[seq] = digest
        yield EntryFacts(seq, at.isoformat(), actor, action, target, data, prev, digest, alg)
