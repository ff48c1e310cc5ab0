"""The editorial loop's rules — deadlines, and who may record which adoption: pure functions
over stored facts, no database.

Only open / met is stored for an answer (the healthchecks way); on time, late, missed and how
urgent an open deadline is are computed here. The points ledger reads the same facts."""

from dataclasses import dataclass
from datetime import date, datetime
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


# --- adoptions --------------------------------------------------------------------------------
# Who may record which adoption (采用) of an item. A publication above this instance's own level
# (for a city's office: the province's and the centre's; for a province's: the centre's) can only
# have used an item the section sent up to it (上报): an upper adoption of an item never forwarded
# is impossible, and would credit its unit with points it did not earn. It is recorded with the
# upper publication's issue, as the office registers it (期号 and date).

# The order levels are offered in, from the lowest: an office's own publications first.
LEVEL_ORDER = ("city", "province", "central")


def level_of_office(unit_level: str) -> str:
    """The level of an office's own publications and leaders (本级), from the level of its unit
    (org.models.UnitLevel): a city's office compiles at the city's, a province's at the
    province's, the centre's at the centre's. An office below a city counts as the city, the
    lowest level a publication has."""
    return unit_level if unit_level in LEVEL_ORDER else LEVEL_ORDER[0]


def level_rank(level: str) -> int:
    """Position of a level in `LEVEL_ORDER`; an unknown level sorts last."""
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def is_upper(level: str, own: str = LEVEL_ORDER[0]) -> bool:
    """A publication (or leader) above this office's own level `own`: for a city's office the
    province's or the centre's, for a province's the centre's."""
    return level_rank(level) > level_rank(own)


class AdoptionRefusal(StrEnum):
    NOT_FORWARDED = "not_forwarded"  # upper adoption of an item never sent upward
    BEFORE_FORWARDED = "before_forwarded"  # upper adoption dated before the item went up
    NO_UPPER_ISSUE = "no_upper_issue"  # upper adoption without the issue's number and date
    UPPER_ISSUE_ON_CITY = "upper_issue_on_city"  # an upper issue given for a city publication
    IN_FUTURE = "in_future"  # by hand, a date after today
    IN_PENDING_ISSUE = "in_pending_issue"  # by hand, while an issue of it holds the item


@dataclass(frozen=True)
class AdoptionRequest:
    """What is asked, and what is known of the item, when an adoption is to be recorded."""

    level: str
    adopted_on: date
    today: date
    forwarded_on: date | None = None  # local date the item was sent upward; None: never
    upper_issue_number: str = ""
    upper_issue_date: date | None = None
    by_hand: bool = True  # False: from publishing an issue compiled here
    in_pending_issue: bool = False  # an unpublished issue of this publication holds the item
    own_level: str = LEVEL_ORDER[0]  # this instance's own level (`level_of_office`)


def adoption_refusal(request: AdoptionRequest) -> AdoptionRefusal | None:
    """Why this adoption cannot be recorded, or None when it can."""
    r = request
    dates = [r.adopted_on, *([r.upper_issue_date] if r.upper_issue_date else [])]
    # An issue compiled here may be published the evening before its date; by hand, an
    # adoption is recorded once it has happened.
    if r.by_hand and any(d > r.today for d in dates):
        return AdoptionRefusal.IN_FUTURE
    if not is_upper(r.level, r.own_level):
        if r.upper_issue_number.strip() or r.upper_issue_date is not None:
            return AdoptionRefusal.UPPER_ISSUE_ON_CITY
        if r.by_hand and r.in_pending_issue:
            return AdoptionRefusal.IN_PENDING_ISSUE
        return None
    if r.forwarded_on is None:
        return AdoptionRefusal.NOT_FORWARDED
    if not r.upper_issue_number.strip() or r.upper_issue_date is None:
        return AdoptionRefusal.NO_UPPER_ISSUE
    if any(d < r.forwarded_on for d in dates):
        return AdoptionRefusal.BEFORE_FORWARDED
    return None


def levels_above(own: str) -> tuple[str, ...]:
    """The publication levels above this office's own: adoptions there were forwarded (上报)."""
    return tuple(level for level in LEVEL_ORDER if is_upper(level, own))


def offered_levels(forwarded: bool, own: str = LEVEL_ORDER[0]) -> tuple[str, ...]:
    """The levels whose publications the adoption form offers for an item: this office's own,
    and the levels above it once the item was forwarded upward."""
    at_or_above = tuple(level for level in LEVEL_ORDER if level_rank(level) >= level_rank(own))
    return at_or_above if forwarded else at_or_above[:1]
