"""Read-side assembly for the emergency screens: the board rows, the incident timeline and the
consolidated picture. Each function issues a fixed number of queries, whatever the size."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Min, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.models import DeadlineFlip, ExpectedReport, ExpectStatus
from emergencies import rules
from emergencies.models import (
    Incident,
    IncidentReport,
    ReportState,
)
from notify.models import Notification

DUE_SOON_MINUTES = 15


def report_label(report: IncidentReport) -> str:
    return report.label


def urgency(due_at: datetime | None, now: datetime) -> str:
    if due_at is None:
        return "none"
    if due_at <= now:
        return "overdue"
    if (due_at - now).total_seconds() <= DUE_SOON_MINUTES * 60:
        return "soon"
    return "ok"


def board_rows(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    open_rows = ExpectedReport.objects.filter(status=ExpectStatus.OPEN).select_related("unit")
    return (
        incidents.annotate(
            next_due=Min("expected__due_at", filter=_open_filter()),
        )
        .select_related("category_code")
        .prefetch_related(
            "responsible_units",
            Prefetch("expected", queryset=open_rows.order_by("due_at"), to_attr="open_rows"),
        )
        .order_by("next_due", "-clock_start")
    )


def _open_filter() -> Any:
    from django.db.models import Q

    return Q(expected__status=ExpectStatus.OPEN)


def picture(reports: list[IncidentReport]) -> dict[str, Any]:
    received = [r for r in reports if r.state == ReportState.RECEIVED]
    received.sort(key=lambda r: (r.received_at or r.created_at, r.pk))
    return rules.consolidate(
        {**{f: getattr(r, f) for f in rules.PICTURE_FIELDS}, "label": report_label(r)}
        for r in received
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # report, call, forward, flip, level, sighting, opened
    title: str
    detail: str = ""
    css: str = ""


def timeline(incident: Incident, reports: list[IncidentReport]) -> list[TimelineEntry]:
    entries = [TimelineEntry(incident.created_at, "opened", _("Incident opened"), incident.place)]
    for r in reports:
        label = report_label(r)
        if r.channel == "phone":
            title = _("%(label)s by phone from %(unit)s (%(caller)s, %(number)s)") % {
                "label": label,
                "unit": r.unit.name,
                "caller": r.caller,
                "number": r.caller_phone,
            }
        elif r.state == ReportState.RECEIVED:
            title = _("%(label)s in writing from %(unit)s, signed off") % {
                "label": label,
                "unit": r.unit.name,
            }
        else:
            title = _("%(label)s from %(unit)s, awaiting the unit head's sign-off") % {
                "label": label,
                "unit": r.unit.name,
            }
        entries.append(TimelineEntry(r.received_at or r.created_at, "report", title, r.summary))
    for change in incident.level_changes.select_related("changed_by"):
        entries.append(
            TimelineEntry(
                change.changed_at,
                "level",
                _("Level changed from %(old)s to %(new)s by %(who)s")
                % {
                    "old": change.get_old_level_display() or _("ungraded"),
                    "new": change.get_new_level_display() or _("ungraded"),
                    "who": change.changed_by,
                },
                change.reason,
            )
        )
    for fwd in incident.forwardings.select_related("to_unit", "forwarded_by"):
        entries.append(
            TimelineEntry(
                fwd.forwarded_at,
                "forward",
                _("Forwarded to %(to)s by %(who)s")
                % {"to": fwd.to_unit.name, "who": fwd.forwarded_by},
                fwd.text[:200],
            )
        )
    for s in incident.sightings.all():
        entries.append(
            TimelineEntry(
                s.seen_at,
                "sighting",
                _("Seen through another channel: %(source)s") % {"source": s.source},
                s.text[:200],
            )
        )
    flips = list(
        DeadlineFlip.objects.filter(expected__incident=incident).select_related("expected__unit")
    )
    told: dict[str, list[str]] = {}
    for key, name in Notification.objects.filter(
        key__in=[f"flip:{f.pk}" for f in flips]
    ).values_list("key", "recipient__full_name"):
        told.setdefault(key, []).append(name)
    for f in flips:
        entries.append(
            TimelineEntry(
                f.created_at,
                "flip",
                _("%(kind)s: %(what)s of %(unit)s (due %(due)s)")
                % {
                    "kind": f.get_kind_display(),
                    "what": f.expected.what,
                    "unit": f.expected.unit.name,
                    "due": timezone.localtime(f.expected.due_at).strftime("%m-%d %H:%M"),
                },
                _("Notified: %(who)s") % {"who": "、".join(sorted(told.get(f"flip:{f.pk}", [])))}
                if told.get(f"flip:{f.pk}")
                else "",
                css=f.kind,
            )
        )
    entries.sort(key=lambda e: e.at)
    return entries
