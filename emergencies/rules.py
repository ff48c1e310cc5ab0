"""Emergency rules as pure functions over plain data: deadlines, level suggestion, the
consolidated picture and sighting matching (the steps the worker takes on each expected report
are the deadline engine's, in deadlines.rules).

Times are aware datetimes; anything calendar-like (fixed daily follow-up times) is computed in
Asia/Shanghai local time and returned as aware datetimes.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from deadlines.rules import EscalationStep

LOCAL = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Rule:
    """One category × level row of the deadline table, detached from the database."""

    written_minutes: int
    phone_minutes: int | None = None
    followup_hours: int | None = None
    followup_times: tuple[time, ...] = ()
    forward_minutes: int | None = None
    section_phone_minutes: int | None = None
    reminder_fractions: tuple[float, ...] = (0.5, 0.9)
    escalation: tuple[EscalationStep, ...] = ()

    @property
    def has_followups(self) -> bool:
        return bool(self.followup_hours or self.followup_times)

    def to_dict(self) -> dict[str, Any]:
        return {
            "written_minutes": self.written_minutes,
            "phone_minutes": self.phone_minutes,
            "followup_hours": self.followup_hours,
            "followup_times": [t.strftime("%H:%M") for t in self.followup_times],
            "forward_minutes": self.forward_minutes,
            "section_phone_minutes": self.section_phone_minutes,
            "reminder_fractions": list(self.reminder_fractions),
            "escalation": [{"after": s.after_minutes, "role": s.role} for s in self.escalation],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Rule":
        return cls(
            written_minutes=int(data["written_minutes"]),
            phone_minutes=data.get("phone_minutes"),
            followup_hours=data.get("followup_hours"),
            followup_times=tuple(parse_times(",".join(data.get("followup_times", [])))),
            forward_minutes=data.get("forward_minutes"),
            section_phone_minutes=data.get("section_phone_minutes"),
            reminder_fractions=tuple(float(f) for f in data.get("reminder_fractions", [])),
            escalation=tuple(
                EscalationStep(int(s["after"]), str(s["role"])) for s in data.get("escalation", [])
            ),
        )


_TIME = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")


def parse_times(raw: str) -> list[time]:
    """'08:00, 17:00' -> [08:00, 17:00]; raises ValueError naming the bad part."""
    times = []
    for part in re.split(r"[,，、\s]+", raw.strip()):
        if not part:
            continue
        match = _TIME.match(part)
        if not match:
            raise ValueError(part)
        times.append(time(int(match.group(1)), int(match.group(2))))
    return sorted(set(times))


def parse_fractions(raw: str) -> list[float]:
    values = []
    for part in re.split(r"[,，、\s]+", raw.strip()):
        if not part:
            continue
        value = float(part)
        if not 0 < value < 1:
            raise ValueError(part)
        values.append(value)
    return sorted(set(values))


def clock_start(known_at: datetime, other_times: Iterable[datetime] = ()) -> datetime:
    """The clock starts at the earlier of known-at and the first time any channel recorded it."""
    return min([known_at, *other_times])


def followup_due(after: datetime, rule: Rule) -> datetime | None:
    """When the next follow-up is due, given the moment the previous one was due or received."""
    candidates: list[datetime] = []
    if rule.followup_hours:
        candidates.append(after + timedelta(hours=rule.followup_hours))
    if rule.followup_times:
        local = after.astimezone(LOCAL)
        for day_offset in range(0, 3):
            day = local.date() + timedelta(days=day_offset)
            for t in rule.followup_times:
                slot = datetime.combine(day, t, tzinfo=LOCAL)
                if slot > local:
                    candidates.append(slot)
                    break
            else:
                continue
            break
    return min(candidates) if candidates else None


def supplement_until(occurred_at: datetime, days: int) -> datetime:
    """The end of the 补报 window (Decree 493 art. 13: 自事故发生之日起N日内). The day the event
    occurred does not count (民法典 art. 201): the window ends at the close of the Nth local
    day after it."""
    day = occurred_at.astimezone(LOCAL).date() + timedelta(days=days + 1)
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL)


def supplement_days(windows: Iterable[tuple[str, int]], subtype: str) -> int | None:
    """The window for an incident of type `subtype` from its category's rows (words, days): the
    first row whose words occur in the type, else the row with blank words."""
    default = None
    for words, days in windows:
        if not words:
            default = days
        elif words in subtype:
            return days
    return default


# --- Level suggestion (生产安全事故报告和调查处理条例, Decree 493) ----------------------------


@dataclass(frozen=True)
class Threshold:
    level: str
    deaths: int  # the missing count with the dead (死亡（含失踪）)
    serious_injuries: int
    loss_10k_yuan: Decimal  # 万元


def suggest_level(
    thresholds: Sequence[Threshold],
    deaths: int | None,
    serious_injuries: int | None,
    loss_10k_yuan: Decimal | None,
    missing: int | None = None,
) -> str | None:
    """The gravest level any reported figure reaches; None when nothing is reported or the
    category has no thresholds.

    Missing persons are counted with the dead (死亡（含失踪）). A figure reaching a row's number
    reaches its level (Decree 493 art. 3: "以上"包括本数). `thresholds` lists the levels from
    gravest to least grave; the least grave level's figures are its floor (usually one death,
    one injury or any loss)."""
    if deaths is None and missing is None and serious_injuries is None and loss_10k_yuan is None:
        return None
    d = (deaths or 0) + (missing or 0)
    s, loss = serious_injuries or 0, loss_10k_yuan or Decimal(0)
    for t in thresholds:
        if d >= t.deaths or s >= t.serious_injuries or loss >= t.loss_10k_yuan:
            return t.level
    return None


def thresholds_out_of_order(rows: Sequence[Threshold]) -> list[str]:
    """The figures ("deaths", "serious_injuries", "loss_10k_yuan") that fall as the level
    rises: a graver level must ask at least as much of every figure as a lesser one."""
    out = []
    ordered = sorted(rows, key=lambda t: t.level)
    for graver, lesser in pairwise(ordered):
        for name in ("deaths", "serious_injuries", "loss_10k_yuan"):
            if getattr(graver, name) < getattr(lesser, name) and name not in out:
                out.append(name)
    return out


# --- The consolidated picture ---------------------------------------------------------------

PICTURE_FIELDS = (
    "deaths",
    "serious_injuries",
    "injuries",
    "missing",
    "direct_loss",
    "cause",
    "measures",
    "trend",
    "on_site",
    "contact",
)


def consolidate(reports: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The latest known value of every field, reading the chain in the order it was received.

    Follow-ups carry only what is new: a blank field keeps the earlier value, a number replaces
    it (follow-ups report updated totals, not increments)."""
    picture: dict[str, Any] = dict.fromkeys(PICTURE_FIELDS)
    picture["sources"] = {}
    for report in reports:
        for name in PICTURE_FIELDS:
            value = report.get(name)
            if value is None or value == "":
                continue
            picture[name] = value
            picture["sources"][name] = report.get("label", "")
    return picture


# --- Matching sightings to incidents ---------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[A-Za-z0-9]+")


def shingles(text: str) -> set[str]:
    """Character bigrams of the Chinese runs (single characters for one-character runs) and
    lower-cased Latin words and numbers."""
    out: set[str] = set()
    for run in _CJK.findall(text):
        if len(run) == 1:
            out.add(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    out.update(w.lower() for w in _WORD.findall(text))
    return out


def similarity(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def containment(small: str, large: str) -> float:
    """Share of the shorter text's shingles found in the longer one (robust to length)."""
    sa, sb = shingles(small), shingles(large)
    if not sa or not sb:
        return 0.0
    if len(sa) > len(sb):
        sa, sb = sb, sa
    return len(sa & sb) / len(sa)


@dataclass(frozen=True)
class IncidentFacts:
    pk: int
    text: str  # title, place and report summaries
    place: str
    unit_ids: frozenset[int]
    clock_start: datetime
    category: str = ""


@dataclass(frozen=True)
class SightingFacts:
    text: str
    place: str
    seen_at: datetime
    unit_id: int | None = None
    category: str = ""


@dataclass(frozen=True)
class MatchProposal:
    incident_pk: int
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)


MATCH_THRESHOLD = 0.3


def propose_matches(
    sighting: SightingFacts,
    incidents: Iterable[IncidentFacts],
    window: timedelta,
    limit: int = 5,
) -> list[MatchProposal]:
    """Open incidents that are likely the same event, best first.

    Only incidents whose clock started within `window` of the sighting are considered (the
    matching policy's window); the score mixes the same responsible unit, overlapping place
    names and text similarity on character bigrams."""
    out = []
    for inc in incidents:
        if abs(inc.clock_start - sighting.seen_at) > window:
            continue
        reasons = []
        score = 0.6 * containment(sighting.text, inc.text)
        if score >= 0.15:
            reasons.append("text")
        if sighting.unit_id is not None and sighting.unit_id in inc.unit_ids:
            score += 0.25
            reasons.append("unit")
        if sighting.place and inc.place and containment(sighting.place, inc.place) >= 0.5:
            score += 0.2
            reasons.append("place")
        if sighting.category and sighting.category == inc.category:
            score += 0.05
        if score >= MATCH_THRESHOLD:
            out.append(MatchProposal(inc.pk, round(score, 3), tuple(reasons)))
    out.sort(key=lambda p: -p.score)
    return out[:limit]


# --- GB/T 35561 category codes ------------------------------------------------------------------


def code_disagrees(category: str, code_class: str | None) -> bool:
    """True when an incident's category is not the class of the GB/T 35561 code chosen for it
    (a code under 事故灾难 on a 自然灾害 incident). No code chosen never disagrees."""
    if code_class is None:
        return False
    return category != code_class
