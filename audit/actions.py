"""The one place audit entries are written."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import time
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import checkpoints, verification
from audit.chain import GENESIS, entry_mac
from audit.keys import algorithm, chain_key
from audit.models import MIN_RETENTION_DAYS, AuditEntry, AuditPolicy
from org.models import User
from org.roles import Capability
from xinbao.core.errors import ActionError

# Key of the PostgreSQL advisory lock that serialises appends to the chain ("audi").
_CHAIN_LOCK = 0x61756469


def lock_chain() -> None:
    """Serialise writers of the chain until the caller's transaction ends. On PostgreSQL a
    transaction-scoped advisory lock: locking the tail row is not enough, because a waiter gets
    the row it queued for — the old tail — and reuses its seq (IntegrityError). SQLite's
    BEGIN IMMEDIATE already holds the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


# The channel the writes of this request came through, when it is not the pages (the API, with
# the token used): every entry recorded meanwhile carries it as `via`.
_VIA: ContextVar[dict[str, Any] | None] = ContextVar("audit_via", default=None)


@contextmanager
def via(channel: str) -> Iterator[dict[str, Any]]:
    """Mark the entries recorded inside as written through `channel`; the facts yielded can be
    completed later in the request (e.g. which token authenticated it)."""
    facts: dict[str, Any] = {"channel": channel}
    reset = _VIA.set(facts)
    try:
        yield facts
    finally:
        _VIA.reset(reset)


def record(
    actor: object,
    action: str,
    target: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the chain. Joins the caller's transaction if there is one."""
    data = data or {}
    channel = _VIA.get()
    if channel is not None:
        data = {**data, "via": dict(channel)}
    user = actor if isinstance(actor, User) else None
    actor_name = user.get_username() if user is not None else ""
    with transaction.atomic():
        lock_chain()
        last = AuditEntry.objects.order_by("-seq").first()
        seq = last.seq + 1 if last else 1
        prev = last.hash if last else GENESIS
        at = timezone.now()
        alg = algorithm()
        entry = AuditEntry(
            seq=seq,
            at=at,
            actor=user,
            actor_name=actor_name,
            action=action,
            target=target[:200],
            data=data,
            prev_hash=prev,
            alg=alg,
            hash=entry_mac(
                chain_key(), alg, seq, at.isoformat(), actor_name, action, target[:200], data, prev
            ),
        )
        entry.save()
    return entry


def plain(value: Any) -> Any:
    """`value` as it is written into an entry's data: JSON's own types as they are, a time of
    day as HH:MM, anything else (a decimal, a date) as its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, time):
        return value.isoformat("minutes")
    return str(value)


def save_change(
    actor: object,
    action: str,
    row: models.Model,
    values: Mapping[str, Any],
    target: str | None = None,
) -> bool:
    """Edit a row and append its before and after, in one transaction: set `values` on `row`
    (which the caller has locked and checked), save it and record `action` on `target` (by
    default the row as it reads after the change). When no value differs from the row's,
    nothing is written and it returns False."""
    before = {name: getattr(row, name) for name in values}
    after = dict(values)
    if after == before:
        return False
    with transaction.atomic():
        for name, value in after.items():
            setattr(row, name, value)
        row.save()
        record(
            actor,
            action,
            str(row) if target is None else target,
            {
                "before": {k: plain(v) for k, v in before.items()},
                "after": {k: plain(v) for k, v in after.items()},
            },
        )
    return True


def verify_chain() -> int | None:
    """Walk the whole log; return the first broken sequence number, or None if intact."""
    return verification.check().first_break


def checkpoint(kind: str = checkpoints.ROUTINE) -> checkpoints.Checkpoint:
    """Append a signed checkpoint of the chain's head as it stands now."""
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, digest = head if head is not None else (0, GENESIS)
    return checkpoints.append(
        checkpoints.Checkpoint(
            kind=kind,
            count=AuditEntry.objects.count(),
            head_seq=seq,
            head_hash=digest,
            at=timezone.now().isoformat(),
            alg=algorithm(),
        )
    )


def do_verify(actor: User | None) -> verification.Report:
    """Check the log for `actor` (None: the worker) and record that it was checked. When the
    log is intact, a checkpoint of its head — the entry just recorded included — is appended
    outside the database; a broken log is never checkpointed, so it cannot be made to look
    intact by checking it."""
    report = verification.check()
    record(
        actor,
        "audit_verified",
        "",
        {
            "entries": report.entries,
            "first_break": report.first_break,
            "findings": [f.code for f in report.findings],
        },
    )
    if report.ok:
        # After commit: a checkpoint must never name an entry that was rolled back.
        transaction.on_commit(checkpoint)
    return report


def do_set_retention(actor: User, days: int) -> bool:
    """The audit administrator sets how long entries stay in the database before they are
    archived. Not below 180 days (网络安全法 §21). Returns whether anything changed."""
    if not actor.can(Capability.READ_AUDIT):
        raise ActionError(_("Only the audit administrator sets the audit log's retention."))
    if days < MIN_RETENTION_DAYS:
        raise ActionError(
            _("Audit entries must be kept for at least %(n)s days (Cybersecurity Law, article 21).")
            % {"n": MIN_RETENTION_DAYS}
        )
    with transaction.atomic():
        policy = AuditPolicy.locked()
        return save_change(
            actor, "audit_policy_changed", policy, {"retention_days": days}, "audit_policy"
        )


def do_export(actor: User, cleaned: dict[str, Any]) -> tuple[bytes, int]:
    """The entries matching the auditor's filters as a workbook, and how many there are;
    recorded as `audit_exported` with the filters (the export itself is an audited act)."""
    from audit import export, queries  # the page's readers, only for this act

    if not actor.can(Capability.READ_AUDIT):
        raise ActionError(_("Only the audit administrator reads the audit log."))
    matching = queries.filtered(cleaned)
    if matching.count() > queries.EXPORT_LIMIT:
        raise ActionError(
            _("More than %(n)s entries match: narrow the filters to export them.")
            % {"n": queries.EXPORT_LIMIT}
        )
    entries = list(matching)
    record(
        actor,
        "audit_exported",
        "",
        {"filters": queries.filter_facts(cleaned), "rows": len(entries)},
    )
    return export.workbook(entries), len(entries)
