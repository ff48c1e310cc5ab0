"""The deadline engine's rules as pure functions: the steps the worker takes on an expected
report (reminders at fractions of the window, the breach at the deadline, escalations after
it) and how late an answer came.

A *cadence* is whatever says when to remind and whom to escalate to; the owning app builds it
from its own policy (emergencies from the deadline table, bulletins from the editorial policy).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

REMINDER = "reminder"
BREACH = "breach"
ESCALATION = "escalation"


@dataclass(frozen=True)
class EscalationStep:
    after_minutes: int  # after the deadline
    role: str


class Cadence(Protocol):
    """When the worker reminds before a deadline and whom it escalates to after it."""

    @property
    def reminder_fractions(self) -> tuple[float, ...]: ...

    @property
    def escalation(self) -> tuple[EscalationStep, ...]: ...


@dataclass(frozen=True)
class Step:
    stage: int  # the row's stage once this step is taken
    at: datetime
    kind: str  # REMINDER, BREACH or ESCALATION
    role: str = ""  # for escalations: whom to escalate to
    fraction: float = 0.0  # for reminders


def steps(window_start: datetime, due_at: datetime, cadence: Cadence) -> list[Step]:
    """Every step the worker takes on one expected report, in order."""
    window = due_at - window_start
    out: list[Step] = []
    for fraction in sorted(cadence.reminder_fractions):
        at = window_start + window * fraction
        if at < due_at:
            out.append(Step(len(out) + 1, at, REMINDER, fraction=fraction))
    out.append(Step(len(out) + 1, due_at, BREACH))
    for step in sorted(cadence.escalation, key=lambda s: s.after_minutes):
        at = due_at + timedelta(minutes=step.after_minutes)
        out.append(Step(len(out) + 1, at, ESCALATION, role=step.role))
    return out


def step_to_take(all_steps: Sequence[Step], stage: int, now: datetime) -> Step | None:
    """The one step to take now, if any.

    Steps already taken (index < stage) are done. When the worker was away and several steps
    fell due, a reminder that a later step has overtaken is dropped — nobody needs "half the
    time is gone" after the deadline — but the breach and every escalation are always taken,
    one per call, in order.
    """
    due = [s for s in all_steps[stage:] if s.at <= now]
    if not due:
        return None
    for s in due:
        if s.kind != REMINDER:
            return s
    return due[-1]


def next_check(all_steps: Sequence[Step], stage: int) -> datetime | None:
    """When the worker must look at the row again after reaching `stage`."""
    return all_steps[stage].at if stage < len(all_steps) else None


def scheduled_stage(all_steps: Sequence[Step], stage: int, now: datetime) -> int:
    """The stage of a row whose window or deadline was (re)computed at `now`.

    Reminders whose moment has passed are treated as taken (nobody needs them late); a breach
    that was already announced stays announced. The stage never goes back: every step taken
    left a flip under its stage, so a stage taken again would collide with it, and a reminder
    or escalation already sent must not be sent twice."""
    breach_stage = next(s.stage for s in all_steps if s.kind == BREACH)
    new = 0
    for step in all_steps:
        if step.kind == REMINDER and step.at <= now:
            new = step.stage
        else:
            break
    if stage >= breach_stage:
        new = max(new, breach_stage)
    return max(new, stage)


def minutes_late(due_at: datetime, received_at: datetime) -> int:
    """Whole minutes past the deadline, rounded up: one second late is one minute late."""
    seconds = (received_at - due_at).total_seconds()
    return max(0, -int(-seconds // 60))
