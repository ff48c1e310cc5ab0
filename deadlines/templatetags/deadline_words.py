"""{{ rule.reminder_fractions|reminder_words }} and {{ rule.escalation|escalation_words }}."""

from typing import Any

from django import template

from deadlines import wording

register = template.Library()


@register.filter
def reminder_words(fractions: Any) -> str:
    return wording.reminders(fractions or "")


@register.filter
def escalation_words(steps: Any) -> str:
    return wording.escalation(steps or [])
