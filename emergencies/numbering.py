"""Which report of the chain a new report is, and its follow-up number.

The unit's first written report is its written initial report (书面首报), whatever the form
called it: after a phone initial report (电话首报) the unit writes its first report in the
follow-up form, and the office files it as 书面首报, not as 续报一. Follow-ups are then numbered
per unit from one (续报一、续报二…), by phone or in writing alike.
"""

from emergencies.models import Channel, Incident, IncidentReport, ReportKind
from org.models import Unit


def kind_and_number(incident: Incident, unit: Unit, kind: str, channel: str) -> tuple[str, int]:
    """(kind, sequence) for a report `unit` files now on `incident`, as it asked for `kind`."""
    mine = IncidentReport.objects.filter(incident=incident, unit=unit)
    if (
        kind == ReportKind.FOLLOWUP
        and channel == Channel.WRITTEN
        and not mine.filter(channel=Channel.WRITTEN).exists()
    ):
        return ReportKind.INITIAL, 0
    if kind == ReportKind.SUPPLEMENTARY:
        return kind, mine.filter(kind=kind).count() + 1  # 补报一、补报二…
    if kind != ReportKind.FOLLOWUP:
        return kind, 0
    return kind, next_followup_number(incident, unit)


def next_followup_number(incident: Incident, unit: Unit) -> int:
    """The number of the unit's next follow-up: one after its last, by any channel."""
    last = (
        IncidentReport.objects.filter(incident=incident, unit=unit, kind=ReportKind.FOLLOWUP)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    return (last or 0) + 1
