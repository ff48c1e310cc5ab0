"""The roster's rules, as pure functions: who gets a unit's reminders while someone is on leave,
how often a unit's main officer changed, who held a post at a moment, and what one officer
produced (and the points it earned) in their period."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal


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


@dataclass(frozen=True)
class Period:
    """One roster line: a person in a post (`main`: the main officer's) from `start` (None:
    since before the roster) up to `end` (None: still current)."""

    person_id: int
    main: bool
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class Written:
    """Something a person wrote for a unit at `moment`: an item (`adopted` or not) or an
    emergency report."""

    person_id: int
    moment: datetime
    report: bool = False
    adopted: bool = False


def output_of(written: Iterable[Written], period: Period) -> Output:
    """What the line's person wrote in its period."""
    mine = [
        w
        for w in written
        if w.person_id == period.person_id and within(w.moment, period.start, period.end)
    ]
    return Output(
        items=sum(1 for w in mine if not w.report),
        adopted=sum(1 for w in mine if not w.report and w.adopted),
        reports=sum(1 for w in mine if w.report),
    )


@dataclass(frozen=True)
class Credit:
    """Ledger points of a unit traced to a person: who wrote the item or report (`person_id`;
    None: nobody answers for them) and when (`moment`). `main`: they go to whoever held the
    main officer's post then (a joint item's share for a partner unit), not to another of the
    person's posts."""

    person_id: int | None
    moment: datetime | None
    points: Decimal
    main: bool = False
    label: str = ""


def credited(credits: Iterable[Credit], period: Period) -> Decimal:
    """The points the line's person earned the unit in its period."""
    return sum(
        (
            c.points
            for c in credits
            if c.person_id == period.person_id
            and within(c.moment, period.start, period.end)
            and (period.main or not c.main)
        ),
        Decimal(0),
    )


def holder_at(
    periods: Iterable[tuple[int, datetime | None, datetime | None]], moment: datetime
) -> int | None:
    """Who held a post at `moment`, of its (person, start, end) periods: the one covering it,
    the latest started when several do (a holder named before the roster yields to a recorded
    one); None when the post was empty."""
    covering = [(start, person) for person, start, end in periods if within(moment, start, end)]
    if not covering:
        return None
    return max(covering, key=lambda c: (c[0] is not None, c[0] or moment))[1]


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None


def month_coverage(
    periods: Iterable[tuple[datetime | None, datetime | None]], month_end: datetime
) -> bool:
    """Whether one of a unit's main-officer periods covers the last moment of a month."""
    return any(within(month_end, start, end) for start, end in periods)
