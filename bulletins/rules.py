"""The editorial loop's deadline rules: pure functions over stored times, no database.

Only open / met is stored for an answer (the healthchecks way); on time, late, missed and how
urgent an open deadline is are computed here. The points ledger reads the same facts."""

from datetime import datetime
from enum import StrEnum

# The board colours a deadline this close (the emergency board's 15 minutes are too short for
# a window of days).
SOON_HOURS = 24


class AnswerStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    PENDING = "pending"  # not in yet, deadline ahead
    MISSED = "missed"  # not in, deadline passed
    CANCELLED = "cancelled"


def answer_status(
    answered_at: datetime | None, due_at: datetime, now: datetime, cancelled: bool = False
) -> AnswerStatus:
    """How an answer (feedback on an instruction, a unit's answer to a solicitation) stands:
    by its deadline when it came, else cancelled, else missed once the deadline has passed."""
    if answered_at is not None:
        return AnswerStatus.ON_TIME if answered_at <= due_at else AnswerStatus.LATE
    if cancelled:
        return AnswerStatus.CANCELLED
    return AnswerStatus.MISSED if now > due_at else AnswerStatus.PENDING


def urgency(due_at: datetime, now: datetime) -> str:
    """Row colour of an open deadline: the emergency board's classes."""
    left = (due_at - now).total_seconds()
    if left <= 0:
        return "overdue"
    return "soon" if left <= SOON_HOURS * 3600 else "ok"
