"""The roster's rules, as pure functions: who gets a unit's reminders while someone is on leave,
how often a unit's main officer changed, and what one officer produced in their period."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta


def on_leave(day: date, leaves: Iterable[tuple[date, date]]) -> bool:
    """Whether `day` falls in one of the (first day, last day) leaves, both days included."""
    return any(first <= day <= last for first, last in leaves)


def reminder_people(
    staff: Sequence[int],
    main: int | None,
    backups: Sequence[int],
    away: frozenset[int],
    signers: frozenset[int] = frozenset(),
) -> list[int]:
    """Who is sent a unit's reminders: its staff (`staff`, user ids in order) except those on
    leave (`away`) and the backups standing by — one officer answers for the unit while at
    work. While the main officer is away the first backup (A角 then B角, `backups`) who is not
    away steps in. Whoever signs the unit's reports off (`signers`) is reminded as ever. When
    everyone is away the staff get them after all: a reminder must reach somebody."""
    acting = None
    if main is not None and main in away:
        acting = next((b for b in backups if b not in away), None)
    standby = {b for b in backups if b != acting and b != main and b not in signers}
    people = [p for p in staff if p not in away and p not in standby]
    if acting is not None and acting not in people:
        people.append(acting)
    return people or list(staff)


def turnover_window_start(now: datetime) -> datetime:
    """Where the turnover count starts: twelve months (365 days) before `now`. A rolling year,
    so a unit that changed its officer three times in the autumn is not stable on 1 January."""
    return now - timedelta(days=365)


def changes_between(ends: Iterable[datetime | None], start: datetime, now: datetime) -> int:
    """How many times a unit's main officer changed from `start` up to `now`: the main
    appointments that ended then (an officer replaced, or removed without a successor)."""
    return sum(1 for end in ends if end is not None and start <= end <= now)


def unstable(changes: int, threshold: int) -> bool:
    """Flagged when the officer changed more than the policy's threshold in a year."""
    return changes > threshold


def within(moment: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    """Whether `moment` falls in an appointment's period: from its start (none: since before the
    roster) up to, not including, its end (none: still current)."""
    if moment is None:
        return False
    return (start is None or moment >= start) and (end is None or moment < end)


@dataclass(frozen=True)
class Output:
    """What one person wrote for a unit during one appointment."""

    items: int
    adopted: int
    reports: int


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None


def month_coverage(
    periods: Iterable[tuple[datetime | None, datetime | None]], month_end: datetime
) -> bool:
    """Whether one of a unit's main-officer periods covers the last moment of a month."""
    return any(within(month_end, start, end) for start, end in periods)
