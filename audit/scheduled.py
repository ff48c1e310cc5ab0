"""The audit log's part of the worker's round: once a checkpoint interval has passed
(settings.AUDIT_CHECKPOINT_HOURS, 24 by default), archive what retention says is due, then
verify the chain and — when intact — checkpoint it outside the database."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from audit import checkpoints
from audit.actions import do_verify
from audit.models import AuditEntry
from audit.retention import archive_expired


def _due(now: datetime) -> bool:
    interval = timedelta(hours=settings.AUDIT_CHECKPOINT_HOURS)
    last = checkpoints.last_at()
    if last is not None and datetime.fromisoformat(last) > now - interval:
        return False
    # A failed verification writes no checkpoint: try again one interval after that attempt,
    # not on every round.
    tried = (
        AuditEntry.objects.filter(action="audit_verified", actor__isnull=True)
        .order_by("-seq")
        .values_list("at", flat=True)
        .first()
    )
    return tried is None or tried <= now - interval


def run_due(now: datetime | None = None) -> int:
    """1 when the daily audit step ran, 0 when it was not due."""
    now = now or timezone.now()
    if not _due(now):
        return 0
    archive_expired(now)
    do_verify(None)
    return 1
