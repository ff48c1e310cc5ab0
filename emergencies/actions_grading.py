"""Writes on how incidents are graded, classified and timed beyond the deadline table: the level
thresholds (per category), the sensitive-events policy, the 补报 windows, an incident's sensitive
flag and its GB/T 35561 code. One transaction per call, each with its audit row."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.actions import record, save_change
from emergencies import policy, rules
from emergencies.actions import ActionError, category_code_for, recompute_deadlines
from emergencies.models import (
    MAX_SUPPLEMENT_DAYS,
    Incident,
    IncidentStatus,
    LevelThreshold,
    SensitivePolicy,
    SupplementWindow,
)
from org.models import User
from org.roles import Capability

THRESHOLD_FIELDS = ("deaths", "serious_injuries", "loss_10k_yuan", "source")
MAX_LOSS = Decimal("9999999999.99")  # what the column (12 digits, 2 decimals) holds

FIGURE_NAMES = {
    "deaths": gettext_lazy("deaths (including missing)"),
    "serious_injuries": gettext_lazy("seriously injured"),
    "loss_10k_yuan": gettext_lazy("direct loss"),
}


def _check_threshold(values: Mapping[str, Any]) -> None:
    for name in ("deaths", "serious_injuries"):
        value = values[name]
        if not isinstance(value, int) or value < 1:
            raise ActionError(_("Thresholds are whole numbers of people, at least 1."))
    loss = values["loss_10k_yuan"]
    if not isinstance(loss, Decimal) or not Decimal("0.01") <= loss <= MAX_LOSS:
        raise ActionError(_("A loss threshold is an amount in 10k yuan, at least 0.01."))


def do_save_thresholds(actor: User, edits: Mapping[int, Mapping[str, Any]]) -> int:
    """Save the chief's edits of the level thresholds (row id → new values), each changed row
    with its audit row. All or nothing: a graver level may not ask less of a figure than a
    lesser level of the same category. Returns how many rows changed."""
    if not actor.can(Capability.EDIT_DEADLINES):
        raise ActionError(_("Only the section chief edits the level thresholds."))
    with transaction.atomic():
        rows = {
            row.pk: row
            for row in LevelThreshold.objects.select_for_update().filter(
                category__in=LevelThreshold.objects.filter(pk__in=list(edits)).values("category")
            )
        }
        changed = []
        for pk, new in edits.items():
            row = rows.get(pk)
            if row is None:
                raise ActionError(_("That threshold no longer exists."))
            values = {k: new[k] for k in THRESHOLD_FIELDS if k in new}
            merged = {k: values.get(k, getattr(row, k)) for k in THRESHOLD_FIELDS}
            _check_threshold(merged)
            before = {k: getattr(row, k) for k in THRESHOLD_FIELDS}
            if merged == before:
                continue
            for k, v in merged.items():
                setattr(row, k, v)
            changed.append((row, before, merged))
        by_category: dict[str, list[rules.Threshold]] = {}
        for row in rows.values():
            by_category.setdefault(row.category, []).append(
                rules.Threshold(row.level, row.deaths, row.serious_injuries, row.loss_10k_yuan)
            )
        for thresholds in by_category.values():
            wrong = rules.thresholds_out_of_order(thresholds)
            if wrong:
                raise ActionError(
                    _("A graver level cannot need less than a lesser one (%(figures)s).")
                    % {"figures": "、".join(str(FIGURE_NAMES[n]) for n in wrong)}
                )
        for row, before, after in changed:
            row.save()
            record(
                actor,
                "level_threshold_changed",
                str(row),
                {"before": _plain(before), "after": _plain(after)},
            )
    return len(changed)


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, int | str) else str(v)) for k, v in values.items()}


WINDOW_FIELDS = ("days", "source")
MAX_SOURCE_LENGTH = 300  # SupplementWindow.source


def _check_window(values: Mapping[str, Any]) -> None:
    days = values["days"]
    # bool is an int in Python; a window is a count of days, never a yes/no.
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_SUPPLEMENT_DAYS:
        raise ActionError(
            _("A window is a whole number of days from 1 to %(max)s.")
            % {"max": MAX_SUPPLEMENT_DAYS}
        )
    source = values["source"]
    if not isinstance(source, str) or len(source) > MAX_SOURCE_LENGTH:
        raise ActionError(_("A source is at most %(max)s characters.") % {"max": MAX_SOURCE_LENGTH})


def do_save_supplement_windows(actor: User, edits: Mapping[int, Mapping[str, Any]]) -> int:
    """Save the chief's edits of the 补报 windows (row id → new values), each changed row with
    its audit row; all or nothing. A window is read when a 补报 is filed, so a change applies at
    once to every closed incident. Returns how many rows changed."""
    if not actor.can(Capability.EDIT_DEADLINES):
        raise ActionError(_("Only the section chief edits the supplementary report windows."))
    with transaction.atomic():
        rows = {
            row.pk: row
            for row in SupplementWindow.objects.select_for_update().filter(pk__in=list(edits))
        }
        changes = []
        for pk, new in edits.items():
            row = rows.get(pk)
            if row is None:
                raise ActionError(_("That window no longer exists."))
            merged = {k: new.get(k, getattr(row, k)) for k in WINDOW_FIELDS}
            _check_window(merged)
            changes.append((row, merged))
        changed = 0
        for row, merged in changes:
            if save_change(actor, "supplement_window_changed", row, merged):
                changed += 1
    return changed


def do_set_sensitive_policy(
    actor: User, strictest: bool, now: datetime | None = None
) -> SensitivePolicy:
    """Turn the sensitive-events rule on or off (audited). Open sensitive incidents are
    re-timed at once, as a level change re-times one incident."""
    now = now or timezone.now()
    if not actor.can(Capability.EDIT_DEADLINES):
        raise ActionError(_("Only the section chief edits the sensitive-events rule."))
    with transaction.atomic():
        row = SensitivePolicy.locked()
        if save_change(
            actor,
            "sensitive_policy_changed",
            row,
            {"strictest_when_sensitive": strictest},
            "sensitive_policy",
        ):
            for incident in Incident.objects.select_for_update().filter(
                status=IncidentStatus.OPEN, sensitive=True
            ):
                recompute_deadlines(
                    incident, policy.rule_for(incident, sensitive_strictest=strictest), now
                )
    return row


def do_set_sensitive(
    actor: User, incident_id: int, sensitive: bool, reason: str, now: datetime | None = None
) -> Incident:
    """Mark an incident sensitive or not; its open deadlines are re-timed as after a level
    change (a sensitive incident runs on the strictest row while the policy says so)."""
    now = now or timezone.now()
    if not actor.can(Capability.HANDLE_INCIDENTS):
        raise ActionError(_("Only the section marks an incident sensitive."))
    if not reason.strip():
        raise ActionError(_("Please give a reason."))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        if incident.sensitive == sensitive:
            raise ActionError(
                _("The incident is already marked sensitive.")
                if sensitive
                else _("The incident is not marked sensitive.")
            )
        Incident.objects.filter(pk=incident.pk).update(sensitive=sensitive)
        incident.sensitive = sensitive
        recompute_deadlines(incident, policy.rule_for(incident), now)
        record(
            actor,
            "incident_sensitive_changed",
            f"incident:{incident.pk}",
            {"old": not sensitive, "new": sensitive, "reason": reason.strip()},
        )
    return incident


def do_set_category_code(actor: User, incident_id: int, code: str) -> Incident:
    """Give an incident its GB/T 35561 code, or correct it, once the section knows the type
    (a phone report at night may not). The code must belong to the incident's category."""
    if not actor.can(Capability.HANDLE_INCIDENTS):
        raise ActionError(_("Only the section sets an incident's category code."))
    if not code:
        raise ActionError(_("Choose a code from the list."))
    with transaction.atomic():
        incident = (
            # Lock the incident's row only: PostgreSQL refuses FOR UPDATE on the nullable side of
            # the outer join to its (optional) code.
            Incident.objects.select_for_update(of=("self",))
            .select_related("category_code")
            .get(pk=incident_id)
        )
        row = category_code_for(incident.category, code)
        old = incident.category_code.code if incident.category_code else ""
        if row is not None and old == row.code:
            raise ActionError(_("That is already the incident's category code."))
        Incident.objects.filter(pk=incident.pk).update(category_code=row)
        incident.category_code = row
        record(
            actor,
            "incident_code_set",
            f"incident:{incident.pk}",
            {"old": old, "new": code},
        )
    return incident
