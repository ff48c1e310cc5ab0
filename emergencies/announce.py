"""Telling people that a report has arrived or waits for them, in the writer's transaction.

A new written report is announced to its unit's head at once (nothing leaves the unit without
sign-off); a received report goes to the desk that is on: the information section in office
hours, the person on duty outside them (org.duty)."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from emergencies.models import IncidentReport, ReportKind
from notify.actions import Message, dispatch
from notify.models import Severity
from org.duty import desk_people
from org.models import User
from org.roles import Capability, roles_with


def _label(report: IncidentReport) -> str:
    from emergencies.queries import report_label

    return report_label(report)


def awaiting_signoff(report: IncidentReport) -> None:
    heads = User.objects.filter(
        unit_id=report.unit_id, role__in=roles_with(Capability.SIGN_OFF), is_active=True
    )
    context = {"label": _label(report), "unit": report.unit.name, "title": report.incident.title}
    dispatch(
        Message(
            title=_("[Sign off now] %(label)s: %(title)s") % context,
            body=_(
                "%(unit)s wrote the %(label)s on “%(title)s”; "
                "it reaches the office when you sign it off."
            )
            % context,
            url=f"/emergencies/{report.incident_id}/",
            severity=Severity.URGENT,
            key=f"report:{report.pk}:signoff",
        ),
        heads,
    )


def received(report: IncidentReport, at: datetime) -> None:
    people = [u for u in desk_people(at) if u.pk != report.author_id]
    if not people:
        return
    context = {
        "label": _label(report),
        "unit": report.unit.name,
        "title": report.incident.title,
        "channel": report.get_channel_display(),
        "at": timezone.localtime(at).strftime("%m-%d %H:%M"),
    }
    dispatch(
        Message(
            title=_("[Received] %(unit)s %(label)s: %(title)s") % context,
            body=_("%(channel)s %(label)s from %(unit)s received at %(at)s.") % context
            + "\n"
            + report.summary[:300],
            url=f"/emergencies/{report.incident_id}/",
            severity=Severity.URGENT if report.kind == ReportKind.INITIAL else Severity.INFO,
            key=f"report:{report.pk}:received",
        ),
        people,
    )
