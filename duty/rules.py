"""The duty office's rules as pure functions: which day a zero-report period covers, when a
day's report is due and how it stands, which shift a handover hands over and who may sign it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from deadlines.rules import EscalationStep

LOCAL = ZoneInfo("Asia/Shanghai")
# How long after a shift ended its officer may still start its handover.
HANDOVER_GRACE = timedelta(hours=6)


def in_shift(at: datetime, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether a log entry's time lies in its shift, both ends included: a line of another
    shift (or of a mistyped year) does not belong in this shift's log."""
    return starts_at <= at <= ends_at


def in_period(day: date, starts_on: date, ends_on: date) -> bool:
    return starts_on <= day <= ends_on


def day_number(day: date, starts_on: date) -> int:
    """The day's place in its period (0 for the first day): the expected report's sequence."""
    return (day - starts_on).days


def day_of(starts_on: date, number: int) -> date:
    return starts_on + timedelta(days=number)


def due_at(day: date, due_time: time) -> datetime:
    """When `day`'s report is due, Asia/Shanghai."""
    return datetime.combine(day, due_time, tzinfo=LOCAL)


def window_start(due: datetime, reminder_minutes: int) -> datetime:
    """The reminder falls at the window's start; no reminder: a one-minute window."""
    return due - timedelta(minutes=max(1, reminder_minutes))


@dataclass(frozen=True)
class ZeroCadence:
    """A reminder at the window's start (`reminder_minutes` before the due time), the breach at
    the due time, no escalation: the duty office rings a silent unit itself."""

    reminder_fractions: tuple[float, ...]
    escalation: tuple[EscalationStep, ...] = ()


def cadence(reminder_minutes: int) -> ZeroCadence:
    return ZeroCadence((0.0,) if reminder_minutes > 0 else ())


def overlaps(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


class Standing(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"  # filed after the due time
    MISSED = "missed"  # due time passed, nothing filed
    WAITING = "waiting"  # not yet due, nothing filed


def standing(filed_at: datetime | None, due: datetime, now: datetime) -> Standing:
    if filed_at is not None:
        return Standing.ON_TIME if filed_at <= due else Standing.LATE
    return Standing.MISSED if now > due else Standing.WAITING


@dataclass(frozen=True)
class ShiftSpan:
    pk: int
    starts_at: datetime
    ends_at: datetime


def outgoing_shift(shifts: Sequence[ShiftSpan], now: datetime) -> ShiftSpan | None:
    """The shift a person hands over now: the latest of theirs that has started and is running
    or ended less than HANDOVER_GRACE ago."""
    candidates = [s for s in shifts if s.starts_at <= now < s.ends_at + HANDOVER_GRACE]
    return max(candidates, key=lambda s: s.starts_at, default=None)


class Refusal(StrEnum):
    SIGNED = "signed"
    OWN = "own"
    NOT_INCOMING = "not_incoming"


def sign_refusal(
    signer_id: int,
    outgoing_id: int,
    incoming_ids: Sequence[int],
    signed: bool,
    heads_duty_office: bool,
) -> Refusal | None:
    """Why `signer_id` may not confirm a handover, or None: a handover is signed once, never by
    the person handing over, and by someone on the incoming shift (or the section chief)."""
    if signed:
        return Refusal.SIGNED
    if signer_id == outgoing_id:
        return Refusal.OWN
    if signer_id not in incoming_ids and not heads_duty_office:
        return Refusal.NOT_INCOMING
    return None


# What a handover lists of the reports due: the overdue ones and those due in the next shift's
# window, at most HANDOVER_DUE_SHOWN; the rest are counted ("N more, see the system").
NEXT_SHIFT_WINDOW = timedelta(hours=24)
HANDOVER_DUE_SHOWN = 15


@dataclass(frozen=True)
class DueSplit:
    shown: list[dict[str, object]]
    rest: list[dict[str, object]]


def next_shift_due(
    carried: Sequence[dict[str, object]], started_at: datetime, limit: int = HANDOVER_DUE_SHOWN
) -> DueSplit:
    """Split a handover's carried reports due (each with "due", local "YYYY-MM-DD HH:MM", and
    "overdue"; in due order) into what the next shift must act on and the rest."""
    until = started_at + NEXT_SHIFT_WINDOW
    soon = [
        c
        for c in carried
        if c.get("overdue")
        or datetime.strptime(str(c["due"]), "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL) <= until
    ]
    shown = soon[:limit]
    listed = {id(c) for c in shown}
    return DueSplit(shown, [c for c in carried if id(c) not in listed])
