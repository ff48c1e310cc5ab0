"""The engine's late and missed candidates become pending violations, in the engine's own
transaction.

Emergencies records a `ViolationCandidate` the moment it sees a late or missed report, and must
not depend on accountability. So accountability listens: a post_save receiver gives every
candidate its PENDING violation (and keeps an undecided one in step when the engine re-measures
a late report after an incident's clock moved), and the `candidates_superseded` signal withdraws
the pending violation of a missed-report candidate that gave way when its sighting was matched
to an incident. Both run inside the writer's transaction: a violation exists if and only if its
candidate does. Nobody is notified here — the engine has already told the unit about the breach
— and the unit finds the violation in its list, where it can file an explanation.
"""

from typing import Any

from django.utils import timezone

from accountability.models import Violation, ViolationStatus
from audit.actions import record
from deadlines.models import ExpectedReport
from emergencies.models import CandidateStatus, ViolationCandidate

# The candidate status that matches a violation's, kept in step when the chief decides.
CANDIDATE_STATUS = {
    ViolationStatus.CONFIRMED: CandidateStatus.CONFIRMED,
    ViolationStatus.WAIVED: CandidateStatus.WAIVED,
}


def _facts(candidate: ViolationCandidate) -> dict[str, Any]:
    expected = candidate.expected
    # The engine closes the row with a conditional UPDATE: the report that met it is read back
    # from the row, not from the instance it holds.
    report_id = (
        ExpectedReport.objects.filter(pk=expected.pk).values_list("met_by_id", flat=True).first()
    )
    return {
        "unit_id": candidate.unit_id,
        "kind": candidate.kind,
        "incident_id": candidate.incident_id,
        "report_id": report_id,
        "minutes_late": candidate.minutes_late,
        "evidence": candidate.evidence,
        "occurred_on": timezone.localtime(expected.due_at).date(),
    }


def candidate_saved(
    sender: type[ViolationCandidate],
    instance: ViolationCandidate,
    created: bool,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    """post_save of a candidate: create its pending violation, or bring an undecided one up to
    date with what the engine measured again. A decided violation is never rewritten."""
    if raw:
        return
    facts = _facts(instance)
    if created:
        _detected(Violation.objects.create(candidate=instance, **facts))
        return
    updated = Violation.objects.filter(candidate=instance, status=ViolationStatus.PENDING).update(
        **facts
    )
    if not updated and not Violation.objects.filter(candidate=instance).exists():
        _detected(Violation.objects.create(candidate=instance, **facts))


def _detected(violation: Violation) -> None:
    record(
        None,
        "violation_detected",
        f"violation:{violation.pk}",
        {"candidate": violation.candidate_id, "kind": violation.kind, "status": violation.status},
    )


def candidates_superseded(sender: Any, candidate_ids: list[int], **kwargs: Any) -> None:
    """Withdraw the pending violations of candidates that gave way."""
    incidents = dict(
        ViolationCandidate.objects.filter(pk__in=candidate_ids).values_list("pk", "incident_id")
    )
    for candidate_id, incident_id in incidents.items():
        pending = Violation.objects.filter(
            candidate_id=candidate_id, status=ViolationStatus.PENDING
        )
        ids = list(pending.values_list("pk", flat=True))
        pending.update(
            status=ViolationStatus.WITHDRAWN, decided_at=timezone.now(), incident_id=incident_id
        )
        for pk in ids:
            record(
                None,
                "violation_withdrawn",
                f"violation:{pk}",
                {"candidate": candidate_id, "incident": incident_id},
            )


def connect() -> None:
    from django.db.models.signals import post_save

    from emergencies.signals import candidates_superseded as superseded

    post_save.connect(
        candidate_saved, sender=ViolationCandidate, dispatch_uid="accountability.candidate_saved"
    )
    superseded.connect(
        candidates_superseded,
        sender=ViolationCandidate,
        dispatch_uid="accountability.candidates_superseded",
    )
