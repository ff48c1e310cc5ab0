"""The kinds of deadline the engine watches, registered by the apps that owe them.

The deadline engine knows no incident, sighting or solicitation: each app that owes deadlines
registers its kinds in its AppConfig.ready(), and the engine calls back through the kind for
what only the owner knows — the cadence a row runs under, what to call its subject and where
its page is, and what else to record when a step is taken.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

from deadlines.rules import Cadence, Step

if TYPE_CHECKING:
    from deadlines.models import ExpectedReport


def _no_flip(row: "ExpectedReport", step: Step) -> None:
    return None


@dataclass(frozen=True)
class Kind:
    code: str  # stored in ExpectedReport.kind, at most 10 characters
    label: str | Promise
    cadence: Callable[["ExpectedReport"], Cadence]  # the rule the row runs under now
    subject_label: Callable[["ExpectedReport"], str]  # named in the notifications
    subject_url: Callable[["ExpectedReport"], str]  # where a notification leads
    # Called inside the step's transaction, after the flip row was written.
    on_flip: Callable[["ExpectedReport", Step], None] = _no_flip
    # What a notification calls the report owed (the label unless the owner says more).
    describe: Callable[["ExpectedReport"], str] | None = None
    office_owes: bool = False  # owed by the office itself: reminders go to the section
    breach_to_section: bool = False  # office-hours business: the breach goes to the section

    def what(self, row: "ExpectedReport") -> str:
        return self.describe(row) if self.describe is not None else str(self.label)


_kinds: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    """Called from an AppConfig.ready(); registering a code twice with another kind is a bug."""
    for kind in kinds:
        if len(kind.code) > 10:
            raise ValueError(f"deadline kind code {kind.code!r} is longer than 10 characters")
        known = _kinds.get(kind.code)
        if known is not None and known != kind:
            raise ValueError(f"deadline kind {kind.code!r} is already registered")
        _kinds[kind.code] = kind


def kind(code: str) -> Kind:
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"no app registered the deadline kind {code!r}") from None


def label(code: str) -> str:
    known = _kinds.get(code)
    return str(known.label) if known is not None else code
