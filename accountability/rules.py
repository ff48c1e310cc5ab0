"""The eligibility rule and the decisions of due process as pure functions over plain data:
no database, no clock.

A unit loses its eligibility for a year's excellence award when enough *issued* notices of that
calendar year name it for a qualifying violation (DESIGN §2.5): by default one from the
office above (上级通报) or two of the office's own (本级通报), for late, missed or false
reporting of important emergency information, serious cases. The rule counts notices, not
violations: a notice naming three qualifying violations of one unit counts once for that unit.
A threshold of 0 means that issuer never disqualifies. A live reinstatement restores
eligibility, and the verdict says so.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from accountability.models import Issuer, NoticeStatus, ViolationKind, ViolationStatus


@dataclass(frozen=True)
class Rule:
    provincial_notices: int  # this many upper-level notices disqualify; 0: never
    municipal_notices: int  # this many own notices disqualify; 0: never
    kinds: frozenset[str]
    serious_only: bool
    important_only: bool


@dataclass(frozen=True)
class NamedViolation:
    """A violation of the unit that a notice names."""

    kind: str
    serious: bool
    important: bool


@dataclass(frozen=True)
class NoticeFact:
    """One notice as it bears on one unit: the violations of that unit it names."""

    id: int
    issuer: str  # an Issuer
    year: int
    status: str
    violations: tuple[NamedViolation, ...]


@dataclass(frozen=True)
class Verdict:
    """Whether a unit keeps its eligibility for the year's award, and why."""

    year: int
    eligible: bool
    disqualified_by_rule: bool  # what the notices alone decide
    reinstated: bool  # disqualified by the rule, eligible again by a recorded decision
    upper: int  # counting upper-level notices (上级通报)
    own: int  # counting own notices (本级通报)
    notice_ids: tuple[int, ...]  # the counting notices, in id order


def qualifies(violation: NamedViolation, rule: Rule) -> bool:
    if violation.kind not in rule.kinds:
        return False
    if rule.serious_only and not violation.serious:
        return False
    return not (rule.important_only and not violation.important)


def counts(notice: NoticeFact, year: int, rule: Rule) -> bool:
    """Does this notice count against the unit in `year`?"""
    return (
        notice.status == NoticeStatus.ISSUED
        and notice.year == year
        and notice.issuer in Issuer.values
        and any(qualifies(v, rule) for v in notice.violations)
    )


def reaches(count: int, threshold: int) -> bool:
    return threshold > 0 and count >= threshold


def verdict(year: int, notices: Iterable[NoticeFact], rule: Rule, reinstated: bool) -> Verdict:
    """The unit's verdict for `year` from the notices naming it and whether a live
    reinstatement exists for it in that year."""
    counting = sorted(
        {n.id: n for n in notices if counts(n, year, rule)}.values(), key=lambda n: n.id
    )
    upper = sum(1 for n in counting if n.issuer == Issuer.UPPER)
    own = sum(1 for n in counting if n.issuer == Issuer.OWN)
    disqualified = reaches(upper, rule.provincial_notices) or reaches(own, rule.municipal_notices)
    restored = disqualified and reinstated
    return Verdict(
        year=year,
        eligible=not disqualified or restored,
        disqualified_by_rule=disqualified,
        reinstated=restored,
        upper=upper,
        own=own,
        notice_ids=tuple(n.id for n in counting),
    )


def kinds_problem(kinds: Iterable[str]) -> str | None:
    """What is wrong with the kinds a rule counts (a message key), or None. Both thresholds at
    0 is allowed: the office has switched the rule off."""
    chosen = set(kinds)
    if not chosen:
        return "no_kinds"
    if chosen - set(ViolationKind.values):
        return "unknown_kind"
    return None


# --- due process ------------------------------------------------------------------------------

CONFIRM = "confirm"
WAIVE = "waive"


def decision_problem(status: str, decision: str, reason: str) -> str | None:
    """Why the chief's decision cannot be taken (a message key), or None."""
    if decision not in (CONFIRM, WAIVE):
        return "unknown_decision"
    if status != ViolationStatus.PENDING:
        return "decided"
    if decision == WAIVE and not reason.strip():
        return "waiver_needs_reason"
    return None
