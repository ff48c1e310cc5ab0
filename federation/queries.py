"""What an incident's page shows of the federation (`templatetags/federation.py`): on the lower
side, whether its forwarding reached the upper office's system; on the upper side, the report
chain the lower office's message carried, as a list a person reads."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from emergencies import labels
from emergencies.models import Incident
from federation.access import sees_federation
from federation.models import (
    InboundMessage,
    MessageKind,
    OutboundMessage,
    OutboundStatus,
    RemoteIncident,
)
from org.models import User

FIGURES = ("deaths", "serious_injuries", "injuries", "missing", "direct_loss_10k_yuan")


@dataclass(frozen=True)
class ChainReport:
    """One report of the lower office's chain as its message carried it."""

    label: str
    at: datetime | None
    unit: str
    summary: str
    figures: dict[str, Any]
    measures: str


@dataclass
class IncidentFederation:
    # The lower side: the messages about the incident not (yet) acknowledged, for the section.
    undelivered: list[OutboundMessage] = field(default_factory=list)
    acked_forward: OutboundMessage | None = None
    # The upper side: who sent the incident up, and the chain it carried.
    sent_by: str = ""
    chain: list[ChainReport] = field(default_factory=list)

    @property
    def refused_forward(self) -> bool:
        return any(
            m.kind == MessageKind.INCIDENT_FORWARD and m.status == OutboundStatus.REFUSED
            for m in self.undelivered
        )


def chain_reports(raw: object) -> list[ChainReport]:
    """The `chain` of an `incident.forward` body, readable; entries that are not objects are
    left out (the message was filed; what it carried is shown as far as it can be read)."""
    out = []
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, dict):
            continue
        sequence = entry.get("sequence")
        at = parse_datetime(str(entry.get("received_at") or ""))
        out.append(
            ChainReport(
                label=labels.report_label(
                    str(entry.get("kind") or ""),
                    sequence if isinstance(sequence, int) else 0,
                    str(entry.get("channel") or ""),
                ),
                at=at if at is not None and at.tzinfo is not None else None,
                unit=str(entry.get("unit") or ""),
                summary=str(entry.get("summary") or ""),
                figures={k: entry.get(k) for k in FIGURES if entry.get(k) not in (None, "")},
                measures=str(entry.get("measures") or ""),
            )
        )
    return out


def incident_federation(incident: Incident, user: User) -> IncidentFederation:
    state = IncidentFederation()
    if sees_federation(user):
        for msg in OutboundMessage.objects.filter(subject=f"incident:{incident.pk}").order_by("pk"):
            if msg.status != OutboundStatus.ACKED:
                state.undelivered.append(msg)
            elif msg.kind == MessageKind.INCIDENT_FORWARD and state.acked_forward is None:
                state.acked_forward = msg
    remote = RemoteIncident.objects.filter(incident=incident).select_related("link").first()
    if remote is not None:
        state.sent_by = remote.link.name
        forward = (
            InboundMessage.objects.filter(
                link_id=remote.link_id,
                kind=MessageKind.INCIDENT_FORWARD,
                target=f"incident:{incident.pk}",
            )
            .order_by("pk")
            .first()
        )
        if forward is not None:
            state.chain = chain_reports(forward.body.get("chain"))
    return state
