"""Every write of accountability goes through here, one transaction per call, each decision
audited and told to the units it concerns.

Due process: a violation starts PENDING (from the engine's candidate, see `candidates`, or
entered here by the section), the unit files its explanation, and only the section chief
confirms or waives it — a waiver with a reason. Confirmed violations go into criticism notices
(`actions_notices`).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import access, drafting, queries, rules
from accountability.candidates import CANDIDATE_STATUS
from accountability.models import (
    EligibilityRule,
    Explanation,
    NoticePolicy,
    Reinstatement,
    Violation,
    ViolationKind,
    ViolationStatus,
)
from audit.actions import record, save_change
from emergencies.models import Incident, IncidentReport, ViolationCandidate
from notify.actions import Message, dispatch
from notify.models import Severity
from org.models import Unit, User
from org.roles import Capability, roles_with
from submissions.models import InfoItem
from xinbao.core.errors import ActionError as ActionError  # re-exported for callers
from xinbao.core.once import AlreadySaved as AlreadySaved  # re-exported for views
from xinbao.core.once import create_once

# Kinds the section enters by hand; late and missed reports come from the deadline engine.
ENTERED_KINDS = (ViolationKind.FALSE, ViolationKind.CONCEALED)


def _deciders() -> list[User]:
    """A unit's explanation is for whoever may decide on the violation."""
    roles = roles_with(Capability.CONFIRM_VIOLATIONS)
    return list(User.objects.filter(role__in=roles, is_active=True))


def _lock_violation(violation_id: int) -> Violation:
    try:
        return (
            Violation.objects.select_for_update(of=("self",))
            .select_related("unit", "incident", "item")
            .get(pk=violation_id)
        )
    except Violation.DoesNotExist:
        raise ActionError(_("No such violation.")) from None


def _label(violation: Violation) -> str:
    return f"{violation.unit.name} {violation.get_kind_display()} {drafting.subject(violation)}"


# --- violations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A false or concealed report as the section enters it."""

    unit: Unit
    kind: str
    evidence: str
    occurred_on: date
    incident: Incident | None = None
    report: IncidentReport | None = None
    item: InfoItem | None = None
    summary: str = ""
    serious: bool = False
    important: bool = True


def _check_entry(entry: Entry, today: date) -> None:
    if entry.kind not in ENTERED_KINDS:
        raise ActionError(
            _("Late and missed reports come from the deadline engine; enter false or concealed.")
        )
    if not entry.evidence.strip():
        raise ActionError(_("The evidence is required."))
    if entry.incident is None and entry.item is None and not entry.summary.strip():
        raise ActionError(_("Name the incident or the item, or say in a few words what it is."))
    if entry.report is not None and (
        entry.incident is None or entry.report.incident_id != entry.incident.pk
    ):
        raise ActionError(_("The report must belong to the incident."))
    if entry.report is not None and entry.report.unit_id != entry.unit.pk:
        raise ActionError(_("The report must be the unit's own."))
    if entry.item is not None and entry.item.unit_id != entry.unit.pk:
        raise ActionError(_("The item must be the unit's own."))
    if entry.occurred_on > today:
        raise ActionError(_("The date cannot be in the future."))


def do_enter_violation(
    actor: User, entry: Entry, now: datetime | None = None, token: UUID | None = None
) -> Violation:
    """Record a false (误报) or concealed (瞒报) report with its evidence: pending until the
    chief decides; the unit is told and may explain."""
    now = now or timezone.now()
    if not access.may_enter(actor):
        raise ActionError(_("Only editors and the section chief enter violations."))
    _check_entry(entry, timezone.localdate(now))

    def write() -> Violation:
        with transaction.atomic():
            violation = Violation.objects.create(
                unit=entry.unit,
                kind=entry.kind,
                incident=entry.incident,
                report=entry.report,
                item=entry.item,
                summary=entry.summary.strip(),
                occurred_on=entry.occurred_on,
                serious=entry.serious,
                important=entry.important,
                evidence=entry.evidence.strip(),
                entered_by=actor,
                form_token=token,
            )
            record(
                actor,
                "violation_entered",
                f"violation:{violation.pk}",
                {"unit": entry.unit.code, "kind": entry.kind, "serious": entry.serious},
            )
            dispatch(
                Message(
                    title=_("[Violation recorded] %(label)s") % {"label": _label(violation)},
                    body=_(
                        "The information section recorded a %(kind)s of your unit. You may file an "
                        "explanation before the section chief decides."
                    )
                    % {"kind": violation.get_kind_display()},
                    url=f"/accountability/violations/{violation.pk}/",
                    severity=Severity.WARNING,
                    key=f"violation:{violation.pk}:entered",
                ),
                queries.unit_people([entry.unit.pk]),
            )
        return violation

    return create_once(Violation, "entered_by", actor.pk, token, write)


def do_record_upper_violation(
    actor: User,
    unit: Unit,
    kind: str,
    occurred_on: date,
    evidence: str,
    incident: Incident | None = None,
    summary: str = "",
    serious: bool = False,
    important: bool = True,
    now: datetime | None = None,
) -> Violation:
    """A violation the upper office confirmed and named in its criticism notice, received from
    its system (federation): recorded here as confirmed, as the upper office decided it, so the
    upper-level notice that names it counts for eligibility and points like a typed-in one."""
    now = now or timezone.now()
    if not access.may_decide(actor):
        raise ActionError(_("Only the section chief confirms or waives violations."))
    if kind not in ViolationKind.values:
        raise ActionError(_("Unknown violation kind."))
    if not evidence.strip():
        raise ActionError(_("The evidence is required."))
    with transaction.atomic():
        violation = Violation.objects.create(
            unit=unit,
            kind=kind,
            status=ViolationStatus.CONFIRMED,
            incident=incident,
            summary=summary.strip()[:200],
            occurred_on=occurred_on,
            serious=serious,
            important=important,
            evidence=evidence.strip(),
            entered_by=actor,
            decided_by=actor,
            decided_at=now,
            decision_reason=evidence.strip()[:1000],
        )
        record(
            actor,
            "violation_recorded_from_upper",
            f"violation:{violation.pk}",
            {"unit": unit.code, "kind": kind, "serious": serious, "important": important},
        )
    return violation


def do_file_explanation(
    actor: User, violation_id: int, text: str, token: UUID | None = None
) -> Explanation:
    """The unit's side (情况说明), while the violation is pending."""
    if not text.strip():
        raise ActionError(_("Write the explanation first."))

    def write() -> Explanation:
        with transaction.atomic():
            violation = _lock_violation(violation_id)
            if not access.can_explain(
                actor.role if actor.is_active else "", actor.unit_id, violation.unit_id, True
            ):
                raise ActionError(_("Only the unit's officer or head explains its violations."))
            if violation.status != ViolationStatus.PENDING:
                raise ActionError(_("The chief has already decided; no more explanations."))
            explanation = Explanation.objects.create(
                violation=violation, text=text.strip(), filed_by=actor, form_token=token
            )
            record(actor, "violation_explained", f"violation:{violation.pk}", {})
            dispatch(
                Message(
                    title=_("[Explanation] %(label)s") % {"label": _label(violation)},
                    body=text.strip()[:300],
                    url=f"/accountability/violations/{violation.pk}/",
                    severity=Severity.INFO,
                    key=f"explanation:{explanation.pk}",
                ),
                _deciders(),
            )
        return explanation

    return create_once(Explanation, "filed_by", actor.pk, token, write)


@dataclass(frozen=True)
class Decision:
    decision: str  # rules.CONFIRM or rules.WAIVE
    reason: str = ""
    serious: bool | None = None  # None: as recorded
    important: bool | None = None


DECISION_MESSAGES = {
    "unknown_decision": lambda: _("Confirm or waive."),
    "decided": lambda: _("This violation was already decided."),
    "waiver_needs_reason": lambda: _("A waiver needs a reason."),
}


def do_decide(
    actor: User, violation_id: int, decision: Decision, now: datetime | None = None
) -> Violation:
    """The chief confirms (setting seriousness and importance) or waives (with a reason)."""
    now = now or timezone.now()
    if not access.may_decide(actor):
        raise ActionError(_("Only the section chief confirms or waives violations."))
    with transaction.atomic():
        violation = _lock_violation(violation_id)
        problem = rules.decision_problem(violation.status, decision.decision, decision.reason)
        if problem is not None:
            raise ActionError(DECISION_MESSAGES[problem]())
        before = {"serious": violation.serious, "important": violation.important}
        status = (
            ViolationStatus.CONFIRMED
            if decision.decision == rules.CONFIRM
            else ViolationStatus.WAIVED
        )
        changes: dict[str, Any] = {
            "status": status,
            "decided_by": actor,
            "decided_at": now,
            "decision_reason": decision.reason.strip(),
        }
        if decision.serious is not None:
            changes["serious"] = decision.serious
        if decision.important is not None:
            changes["important"] = decision.important
        done = Violation.objects.filter(pk=violation.pk, status=ViolationStatus.PENDING).update(
            **changes
        )
        if not done:
            raise ActionError(DECISION_MESSAGES["decided"]())
        for name, value in changes.items():
            setattr(violation, name, value)
        if violation.candidate_id is not None:
            ViolationCandidate.objects.filter(pk=violation.candidate_id).update(
                status=CANDIDATE_STATUS[status]
            )
        after = {"serious": violation.serious, "important": violation.important}
        record(
            actor,
            "violation_confirmed" if status == ViolationStatus.CONFIRMED else "violation_waived",
            f"violation:{violation.pk}",
            {
                "unit": violation.unit.code,
                "kind": violation.kind,
                "before": before,
                "after": after,
            },
        )
        _tell_decision(violation)
    return violation


def _tell_decision(violation: Violation) -> None:
    if violation.status == ViolationStatus.CONFIRMED:
        title = _("[Violation confirmed] %(label)s")
        body = _("The section chief confirmed the %(kind)s.")
    else:
        title = _("[Violation waived] %(label)s")
        body = _("The section chief waived the %(kind)s.")
    text = body % {"kind": violation.get_kind_display()}
    if violation.decision_reason:
        text += "\n" + violation.decision_reason
    dispatch(
        Message(
            title=title % {"label": _label(violation)},
            body=text,
            url=f"/accountability/violations/{violation.pk}/",
            severity=Severity.WARNING
            if violation.status == ViolationStatus.CONFIRMED
            else Severity.INFO,
            key=f"violation:{violation.pk}:decided",
        ),
        queries.unit_people([violation.unit_id]),
        [violation.unit],
    )


# --- policy ------------------------------------------------------------------------------------

RULE_FIELDS = ("provincial_notices", "municipal_notices", "kinds", "serious_only", "important_only")


def do_update_rule(actor: User, values: dict[str, Any]) -> EligibilityRule:
    """Edit the eligibility rule; the before and after go into the audit log."""
    if not access.may_edit_rule(actor):
        raise ActionError(_("Only the section chief edits the eligibility rule."))
    kinds = [k for k in ViolationKind.values if k in set(values.get("kinds", ()))]
    problem = rules.kinds_problem(values.get("kinds", ()))
    if problem == "no_kinds":
        raise ActionError(_("Choose at least one kind of violation that counts."))
    if problem is not None:
        raise ActionError(_("Unknown kind of violation."))
    with transaction.atomic():
        rule = EligibilityRule.locked()
        before = {k: getattr(rule, k) for k in RULE_FIELDS}
        after = {**before, **{k: values[k] for k in RULE_FIELDS if k in values}, "kinds": kinds}
        save_change(actor, "eligibility_rule_changed", rule, after, "eligibility_rule")
    return rule


POLICY_FIELDS = ("doc_prefix", "recipients")


def do_update_notice_policy(actor: User, values: dict[str, str]) -> NoticePolicy:
    if not access.may_issue(actor):
        raise ActionError(_("Only the section chief edits how notices are headed."))
    cleaned = {k: values.get(k, "").strip() for k in POLICY_FIELDS}
    if not cleaned["doc_prefix"]:
        raise ActionError(_("The number prefix is required."))
    with transaction.atomic():
        policy = NoticePolicy.locked()
        save_change(actor, "notice_policy_changed", policy, cleaned, "notice_policy")
    return policy


# --- reinstatement -----------------------------------------------------------------------------


def do_reinstate(actor: User, unit: Unit, year: int, reason: str) -> Reinstatement:
    """Give a disqualified unit its eligibility for `year` back, by a recorded decision."""
    if not access.may_reinstate(actor):
        raise ActionError(_("Only the section chief or the secretary-general reinstates a unit."))
    if not reason.strip():
        raise ActionError(_("A reinstatement needs the reason for the decision."))
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        verdict = queries.eligibility(year, [unit.pk])[unit.pk]
        if not verdict.disqualified_by_rule:
            raise ActionError(_("The unit is not disqualified for %(year)s.") % {"year": year})
        if verdict.reinstated:
            raise ActionError(_("The unit is already reinstated for %(year)s.") % {"year": year})
        reinstatement = Reinstatement.objects.create(
            unit=unit, year=year, reason=reason.strip(), decided_by=actor
        )
        record(
            actor,
            "unit_reinstated",
            f"unit:{unit.code}",
            {"year": year, "notices": list(verdict.notice_ids)},
        )
        dispatch(
            Message(
                title=_("[Eligibility restored] %(unit)s, %(year)s")
                % {"unit": unit.name, "year": year},
                body=reason.strip(),
                url=f"/accountability/eligibility/{unit.pk}/?year={year}",
                severity=Severity.INFO,
                key=f"reinstatement:{reinstatement.pk}",
            ),
            queries.unit_people([unit.pk]),
        )
    return reinstatement


def do_revoke_reinstatement(
    actor: User, reinstatement_id: int, reason: str, now: datetime | None = None
) -> Reinstatement:
    now = now or timezone.now()
    if not access.may_reinstate(actor):
        raise ActionError(
            _("Only the section chief or the secretary-general revokes a reinstatement.")
        )
    if not reason.strip():
        raise ActionError(_("Revoking needs a reason."))
    with transaction.atomic():
        try:
            reinstatement = (
                Reinstatement.objects.select_for_update(of=("self",))
                .select_related("unit")
                .get(pk=reinstatement_id)
            )
        except Reinstatement.DoesNotExist:
            raise ActionError(_("No such reinstatement.")) from None
        if reinstatement.revoked_at is not None:
            raise ActionError(_("This reinstatement was already revoked."))
        reinstatement.revoked_at = now
        reinstatement.revoked_by = actor
        reinstatement.revocation_reason = reason.strip()
        reinstatement.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        record(
            actor,
            "reinstatement_revoked",
            f"unit:{reinstatement.unit.code}",
            {"year": reinstatement.year, "reinstatement": reinstatement.pk},
        )
        dispatch(
            Message(
                title=_("[Reinstatement revoked] %(unit)s, %(year)s")
                % {"unit": reinstatement.unit.name, "year": reinstatement.year},
                body=reason.strip(),
                url=f"/accountability/eligibility/{reinstatement.unit_id}/"
                f"?year={reinstatement.year}",
                severity=Severity.WARNING,
                key=f"reinstatement:{reinstatement.pk}:revoked",
            ),
            queries.unit_people([reinstatement.unit_id]),
        )
    return reinstatement
