"""The first draft of an own notice, written from the violations it names. The chief edits it
before issuing; the sentences follow the active language (Chinese in the office)."""

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accountability.models import Violation, ViolationKind


def subject(violation: Violation) -> str:
    """What the violation is about, as the notice names it."""
    if violation.incident is not None:
        return f"“{violation.incident.title}”"
    if violation.item is not None:
        return f"“{violation.item.title}”"
    if violation.summary:
        return f"“{violation.summary}”"
    return _("an emergency seen through another channel")


def sentence(violation: Violation) -> str:
    context = {
        "unit": violation.unit.name,
        "subject": subject(violation),
        "date": date_format(violation.occurred_on, "DATE_FORMAT"),
        "minutes": violation.minutes_late,
    }
    if violation.kind == ViolationKind.LATE:
        if violation.minutes_late:
            return _("%(unit)s reported %(subject)s %(minutes)s minutes late (%(date)s).") % context
        return _("%(unit)s reported %(subject)s late (%(date)s).") % context
    if violation.kind == ViolationKind.MISSED:
        return _("%(unit)s did not report %(subject)s (%(date)s).") % context
    if violation.kind == ViolationKind.FALSE:
        return _("%(unit)s reported %(subject)s falsely (%(date)s).") % context
    return _("%(unit)s concealed %(subject)s (%(date)s).") % context


def title(violations: Sequence[Violation]) -> str:
    kinds = [k for k in ViolationKind if any(v.kind == k for v in violations)]
    names = "、".join(str(k.label) for k in kinds)
    return _("Notice on the %(kinds)s of emergency information") % {"kinds": names}


def body(violations: Sequence[Violation]) -> str:
    lines = [
        _(
            "Recently, the following units did not report emergency information as required. "
            "To uphold the discipline of reporting, they are hereby criticised:"
        )
    ]
    lines.extend(sentence(v) for v in violations)
    lines.append(
        _(
            "Every unit is to learn from these cases, keep strictly to the rules for reporting "
            "emergency information — report first and briefly, then follow up until the end — "
            "and put an end to late, missed, false and concealed reports."
        )
    )
    return "\n".join(lines)
