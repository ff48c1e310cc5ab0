"""Reading the deadline table, the level thresholds and the sensitive-events policy into
pure-rule objects."""

from typing import Any

from deadlines.rules import EscalationStep
from emergencies import rules
from emergencies.models import (
    UNGRADED,
    DeadlineRule,
    Incident,
    LevelThreshold,
    SensitivePolicy,
)


def rule_of(row: DeadlineRule) -> rules.Rule:
    return rules.Rule(
        written_minutes=row.written_minutes,
        phone_minutes=row.phone_minutes,
        followup_hours=row.followup_hours,
        followup_times=tuple(rules.parse_times(row.followup_times)),
        forward_minutes=row.forward_minutes,
        section_phone_minutes=row.section_phone_minutes,
        reminder_fractions=tuple(rules.parse_fractions(row.reminder_fractions)),
        escalation=tuple(
            EscalationStep(int(s["after"]), str(s["role"])) for s in row.escalation or []
        ),
    )


def snapshot(category: str) -> dict[str, Any]:
    """The category's rows as they are now, keyed by level ("" for ungraded)."""
    return {
        row.level: rule_of(row).to_dict() for row in DeadlineRule.objects.filter(category=category)
    }


def on_strictest(incident: Incident, sensitive_strictest: bool | None = None) -> bool:
    """A sensitive incident runs on the strictest row whatever its level, while the office's
    sensitive-events policy says so (`sensitive_strictest`: that policy's value, read when not
    given)."""
    if not incident.sensitive:
        return False
    if sensitive_strictest is None:
        sensitive_strictest = SensitivePolicy.current().strictest_when_sensitive
    return sensitive_strictest


def rule_for(
    incident: Incident, level: str | None = None, sensitive_strictest: bool | None = None
) -> rules.Rule:
    """The rule the incident runs under: its own snapshot, at its (or the given) level, or at
    the snapshot's strictest row when it is sensitive (`on_strictest`).

    A level with no row falls back to the strictest row of the snapshot, so a missing row can
    never leave an incident without a deadline."""
    policy = incident.policy or {}
    if on_strictest(incident, sensitive_strictest):
        return strictest(policy)
    level = incident.level if level is None else level
    if level in policy:
        return rules.Rule.from_dict(policy[level])
    if UNGRADED in policy and not level:
        return rules.Rule.from_dict(policy[UNGRADED])
    return strictest(policy)


def strictest(policy: dict[str, Any]) -> rules.Rule:
    if not policy:
        # No table at all (an empty database): a one-hour written deadline, never none.
        return rules.Rule(written_minutes=60)
    return min((rules.Rule.from_dict(v) for v in policy.values()), key=lambda r: r.written_minutes)


def thresholds(category: str) -> list[rules.Threshold]:
    """The category's thresholds, gravest level first; none where none is published."""
    return [
        rules.Threshold(t.level, t.deaths, t.serious_injuries, t.loss_10k_yuan)
        for t in LevelThreshold.objects.filter(category=category).order_by("level")
    ]
