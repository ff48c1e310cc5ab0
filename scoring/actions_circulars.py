"""Writes for the section's circulars: numbering one when the chief issues it, and the
circular policy (how many outstanding officers the commendation names). Both audited."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accountability.models import NoticeCounter, NoticePolicy
from audit.actions import record, save_change
from org.models import User
from org.roles import Capability
from scoring.models import Circular, ReportPolicy
from xinbao.core.counters import take_next

POLICY_FIELDS = ("officer_places", "officer_min_points", "copy_to")


def issue_circular(actor: User, kind: str, year: int, period: str, issued_on: date) -> Circular:
    """Give the circular of `kind` for the period its 文号: the next number of the issuing
    year in the office's sequence of 通 documents (shared with criticism notices). Issuing
    again returns the circular already numbered; no number is taken twice."""
    if not actor.can(Capability.ISSUE_NOTICES):
        raise PermissionDenied
    with transaction.atomic():
        existing = Circular.objects.filter(kind=kind, year=year, period=period).first()
        if existing is not None:
            return existing
        number = take_next(NoticeCounter, "last", year=issued_on.year)
        doc_number = NoticePolicy.current().doc_number(issued_on.year, number)
        circular = Circular.objects.create(
            kind=kind,
            year=year,
            period=period,
            number=number,
            doc_number=doc_number,
            issued_on=issued_on,
            issued_by=actor,
        )
        record(
            actor,
            "circular_issued",
            f"circular:{circular.pk}",
            {"kind": kind, "year": year, "period": period, "doc_number": doc_number},
        )
    return circular


def update_report_policy(actor: User, values: dict[str, Any]) -> bool:
    """Apply validated values to the circular policy; audited with before and after."""
    if not actor.can(Capability.EDIT_POINT_TABLE):
        raise PermissionDenied
    with transaction.atomic():
        policy = ReportPolicy.locked()
        after = {k: values.get(k, getattr(policy, k)) for k in POLICY_FIELDS}
        return save_change(actor, "report_policy_changed", policy, after, "report_policy")
