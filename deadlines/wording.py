"""A reminder cadence and escalation steps in the office's words, for any page that shows them:
"时限过去 50% 和 90% 时提醒", "超时 0 分钟：值班员；超时 15 分钟：科长"."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from deadlines.rules import EscalationStep
from org.roles import Role


def percent(fraction: float) -> int:
    """A fraction of the window as the whole percentage people say (0.5 → 50)."""
    return round(fraction * 100)


def _listed(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    rest = pgettext("list separator", ", ").join(parts[:-1])
    return _("%(rest)s and %(last)s") % {"rest": rest, "last": parts[-1]}


def reminders(fractions: Iterable[float] | str) -> str:  # "0.5,0.9" or (0.5, 0.9)
    """ "Reminders when 50% and 90% of the window has passed" (in the active language)."""
    if isinstance(fractions, str):
        fractions = [float(p) for p in fractions.replace("，", ",").split(",") if p.strip()]
    points = [f"{percent(f)}%" for f in sorted(fractions)]
    if not points:
        return _("No reminders")
    return _("Reminders when %(points)s of the window has passed") % {"points": _listed(points)}


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _step(step: Mapping[str, Any] | EscalationStep) -> tuple[int, str]:
    if isinstance(step, EscalationStep):
        return step.after_minutes, step.role
    return int(step["after"]), str(step["role"])


def escalation(steps: Iterable[Mapping[str, Any] | EscalationStep]) -> str:
    """ "0 min after the deadline: duty officer; 15 min: section chief" (in the active language),
    from the stored steps or the engine's."""
    parts = [
        _("%(minutes)s min after the deadline: %(role)s")
        % {"minutes": minutes, "role": role_label(role)}
        for minutes, role in sorted(_step(s) for s in steps)
    ]
    if not parts:
        return _("No escalation")
    return pgettext("step separator", "; ").join(parts)
