"""Telling people that a report has arrived or waits for them, in the writer's transaction.

A new written report is announced to its unit's head at once (nothing leaves the unit without
sign-off); a received report goes to the desk that is on: the information section in office
hours, the person on duty outside them (org.duty). The reporting unit is told that the office
has its report and what it owes next, with the deadline (`due_next`); a unit named responsible
in an incident the office opened is told what it owes (`now_due`). Reminders and breaches of
those deadlines are the deadline engine's."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deadlines import registry
from deadlines.models import ExpectStatus
from emergencies import labels
from emergencies.models import Channel, ExpectKind, Incident, IncidentReport, ReportKind
from notify.actions import Message, dispatch
from notify.models import Severity
from org.duty import desk_people
from org.models import Unit, User
from org.roles import UNIT_STAFF, Capability, roles_with


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


def _owed(incident: Incident, unit: Unit) -> tuple[list[dict[str, str]], str]:
    """What the unit still owes on the incident, soonest first ("kind", "what", "due"), and how
    pressing it is: a phone or written initial report is urgent, a follow-up a warning."""
    rows = list(
        incident.expected.filter(
            unit=unit,
            status=ExpectStatus.OPEN,
            kind__in=[ExpectKind.PHONE, ExpectKind.WRITTEN, ExpectKind.FOLLOWUP],
        ).order_by("due_at", "pk")
    )
    owed = [
        {
            "kind": row.kind,
            "what": registry.kind(row.kind).what(row),
            "due": timezone.localtime(row.due_at).strftime("%m-%d %H:%M"),
        }
        for row in rows
    ]
    if any(row.kind in (ExpectKind.PHONE, ExpectKind.WRITTEN) for row in rows):
        return owed, Severity.URGENT
    return owed, Severity.WARNING if rows else Severity.INFO


def _owed_lines(owed: list[dict[str, str]]) -> list[str]:
    return [_("%(what)s: due by %(due)s.") % each for each in owed]


def _due_title(title: str, owed: list[dict[str, str]]) -> str:
    return _("[Now due] “%(title)s”: %(what)s by %(due)s") % {"title": title, **owed[0]}


def _unit_staff(unit: Unit, but: int | None = None) -> list[User]:
    people = User.objects.filter(unit=unit, role__in=UNIT_STAFF, is_active=True)
    return list(people.exclude(pk=but) if but is not None else people)


def due_next(report: IncidentReport) -> None:
    """Tell the reporting unit, in the transaction that received its report, that the office has
    it and what is due from it now: after a phone report the written report and by when, after
    a written one the next follow-up. The head who signed it off knows already."""
    with translation.override(settings.LANGUAGE_CODE):
        owed, severity = _owed(report.incident, report.unit)
        lines = _owed_lines(owed)
        context = {
            # The sentence says how it came (by telephone, in writing): the label does not.
            "label": labels.report_label(report.kind, report.sequence),
            "unit": report.unit.name,
            "title": report.incident.title,
            "channel": report.get_channel_display(),
            "at": timezone.localtime(report.received_at or timezone.now()).strftime("%m-%d %H:%M"),
        }
        if lines:
            title = _due_title(report.incident.title, owed)
        else:
            title = _("[Received] %(label)s on “%(title)s”") % context
        if report.channel == Channel.PHONE:
            head = _("The office logged the %(label)s %(unit)s gave by telephone at %(at)s.")
        else:
            head = _("The office received the %(label)s %(unit)s gave in writing at %(at)s.")
        head = head % context
        body = "\n".join([head, *lines] if lines else [head, _("Nothing more is due now.")])
        if report.channel == Channel.PHONE and any(o["kind"] == ExpectKind.WRITTEN for o in owed):
            body += "\n" + _("A telephone report does not replace the written report.")
    dispatch(
        Message(
            title=title,
            body=body,
            url=f"/emergencies/{report.incident_id}/",
            severity=severity,
            key=f"report:{report.pk}:due",
        ),
        _unit_staff(report.unit, but=report.signed_off_by_id),
        [report.unit],
    )


def now_due(incident: Incident, unit: Unit, actor: User) -> None:
    """Tell a unit the office named responsible in an incident it opened what it owes, by when."""
    with translation.override(settings.LANGUAGE_CODE):
        owed, severity = _owed(incident, unit)
        if not owed:
            return
        context = {"title": incident.title, "who": str(actor)}
        body = "\n".join(
            [
                _("%(who)s opened “%(title)s” and named your unit responsible.") % context,
                *_owed_lines(owed),
            ]
        )
        title = _due_title(incident.title, owed)
    dispatch(
        Message(
            title=title,
            body=body,
            url=f"/emergencies/{incident.pk}/",
            severity=severity,
            key=f"incident:{incident.pk}:unit:{unit.pk}:due",
        ),
        _unit_staff(unit),
        [unit],
    )
