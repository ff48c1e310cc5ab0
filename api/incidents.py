"""Emergencies through the API: incidents with their report chain (首报, 续报, 终报, 补报) and
what other channels saw (sightings: a 12345 hotline, a 舆情 monitor). The same actions as the
pages (`emergencies.actions*`), so the same deadlines, candidates, audit rows and notices."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from api.common import (
    ERRORS,
    Count,
    Day,
    Id,
    Moment,
    PageMeta,
    PageParams,
    Text,
    idempotency_key,
    need,
    paged,
    user_of,
    within_days,
)
from emergencies import actions, actions_sightings, labels
from emergencies.access import (
    get_visible_incident,
    may_log_sightings,
    may_open_incident,
    visible_incidents,
)
from emergencies.models import Incident, IncidentReport, Sighting
from org.models import Unit
from org.roles import Capability
from xinbao.core.errors import ActionError
from xinbao.core.inputs import MAX_QUERY_LENGTH

router = Router(tags=["emergencies"])

CategoryChoice = Literal["natural", "accident", "health", "social"]
LevelChoice = Literal["", "1", "2", "3", "4"]
Loss = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


class ReportIn(Schema):
    """What a report says (首报: time and place are the incident's; the rest here)."""

    summary: Text = Field(
        ..., min_length=1, max_length=5000, description="What happened, or what is new."
    )
    deaths: Count | None = None
    serious_injuries: Count | None = None
    injuries: Count | None = None
    missing: Count | None = None
    direct_loss: Loss | None = Field(None, description="Direct loss in 10,000 yuan (万元).")
    cause: Text = Field("", max_length=2000)
    measures: Text = Field("", max_length=3000, description="Measures taken.")
    trend: Text = Field("", max_length=2000)
    on_site: Text = Field("", max_length=200, description="Who is on site.")
    contact: Text = Field("", max_length=100)

    def content(self) -> actions.ReportContent:
        return actions.ReportContent(
            summary=self.summary,
            deaths=self.deaths,
            serious_injuries=self.serious_injuries,
            injuries=self.injuries,
            missing=self.missing,
            direct_loss=self.direct_loss,
            cause=self.cause,
            measures=self.measures,
            trend=self.trend,
            on_site=self.on_site,
            contact=self.contact,
        )


class CallIn(Schema):
    """A report taken by phone by the duty office or the section on a unit's behalf."""

    caller: Text = Field(..., min_length=1, max_length=50)
    caller_phone: Text = Field("", max_length=30)
    called_at: Moment = Field(..., description="When the unit called.")

    def call(self) -> actions.PhoneCall:
        return actions.PhoneCall(self.caller, self.caller_phone, self.called_at)


class IncidentIn(Schema):
    title: Text = Field(..., min_length=1, max_length=120)
    category: CategoryChoice = Field(
        ..., description="natural 自然灾害, accident 事故灾难, health 公共卫生, social 社会安全."
    )
    level: LevelChoice = Field(
        "", description="1 特别重大 … 4 一般; empty when not graded (social events never are)."
    )
    subtype: Text = Field("", max_length=40, description="e.g. 火灾, 道路交通.")
    sensitive: bool = False
    place: Text = Field(..., min_length=1, max_length=200)
    occurred_at: Moment
    known_at: Moment = Field(..., description="When the reporting unit learned of it.")
    unit_id: Id | None = Field(
        None,
        description="The responsible unit, for a report taken by phone (`call`). An officer "
        "reports in writing for their own unit and leaves it out.",
    )
    call: CallIn | None = Field(None, description="Taken by phone (duty office, section).")
    report: ReportIn = Field(..., description="The initial report (首报).")


class ChainReportIn(ReportIn):
    kind: Literal["initial", "followup", "final", "supplement"] = Field(
        ...,
        description="followup 续报, final 终报, supplement 补报 (after the final report, within "
        "its window); initial for a unit's written 首报 after a phone one.",
    )
    unit_id: Id | None = Field(None, description="The unit that called (with `call`).")
    call: CallIn | None = None


class ReportOut(Schema):
    id: int
    label: str = Field(..., description="电话首报, 书面首报, 续报一, 终报, 补报….")
    kind: str
    sequence: int
    channel: str
    state: str = Field(..., description="awaiting_signoff or received.")
    unit_id: int
    unit: str
    summary: str
    deaths: int | None
    serious_injuries: int | None
    injuries: int | None
    missing: int | None
    direct_loss: Decimal | None
    cause: str
    measures: str
    trend: str
    on_site: str
    contact: str
    created_at: datetime
    received_at: datetime | None


class IncidentSummary(Schema):
    id: int
    title: str
    category: str
    level: str
    subtype: str
    place: str
    status: str
    occurred_at: datetime
    known_at: datetime
    clock_start: datetime = Field(..., description="When the reporting deadlines count from.")
    unit_ids: list[int] = Field(..., description="The responsible units.")


class IncidentOut(IncidentSummary):
    sensitive: bool
    closed_at: datetime | None
    reports: list[ReportOut] = Field(..., description="The chain, oldest first.")


class IncidentPage(PageMeta):
    results: list[IncidentSummary]


class IncidentFilters(PageParams):
    status: Literal["open", "closed"] | None = None
    category: CategoryChoice | None = None
    unit: Id | None = Field(None, description="Only incidents this unit answers for.")
    from_day: Day | None = Field(None, description="Clock started on or after this day.")
    to_day: Day | None = Field(None, description="Clock started on or before this day.")
    q: Text = Field("", max_length=MAX_QUERY_LENGTH, description="Words in the title.")


def _report(r: IncidentReport) -> ReportOut:
    return ReportOut(
        id=r.pk,
        label=str(labels.report_label(r.kind, r.sequence, r.channel)),
        kind=r.kind,
        sequence=r.sequence,
        channel=r.channel,
        state=r.state,
        unit_id=r.unit_id,
        unit=r.unit.name,
        summary=r.summary,
        deaths=r.deaths,
        serious_injuries=r.serious_injuries,
        injuries=r.injuries,
        missing=r.missing,
        direct_loss=r.direct_loss,
        cause=r.cause,
        measures=r.measures,
        trend=r.trend,
        on_site=r.on_site,
        contact=r.contact,
        created_at=r.created_at,
        received_at=r.received_at,
    )


def _summary(incident: Incident) -> IncidentSummary:
    return IncidentSummary(
        id=incident.pk,
        title=incident.title,
        category=incident.category,
        level=incident.level,
        subtype=incident.subtype,
        place=incident.place,
        status=incident.status,
        occurred_at=incident.occurred_at,
        known_at=incident.known_at,
        clock_start=incident.clock_start,
        unit_ids=sorted(u.pk for u in incident.responsible_units.all()),
    )


def _full(request: HttpRequest, pk: int) -> IncidentOut:
    incident = get_visible_incident(user_of(request), pk)
    reports = IncidentReport.objects.filter(incident=incident).select_related("unit")
    return IncidentOut(
        **_summary(incident).model_dump(),
        sensitive=incident.sensitive,
        closed_at=incident.closed_at,
        reports=[_report(r) for r in reports.order_by("created_at", "pk")],
    )


def _unit(unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise ActionError(_("No such unit."))
    return unit


@router.get(
    "/incidents",
    response={200: IncidentPage, **ERRORS},
    url_name="incidents",
    summary="List incidents",
)
def list_incidents(request: HttpRequest, filters: Query[IncidentFilters]) -> dict[str, Any]:
    """The incidents the caller may see (the board's), newest clock first."""
    rows = visible_incidents(user_of(request)).prefetch_related("responsible_units")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.unit:
        rows = rows.filter(responsible_units=filters.unit)
    if filters.q.strip():
        rows = rows.filter(title__contains=filters.q.strip())
    rows = within_days(rows, "clock_start", filters.from_day, filters.to_day)
    return paged(rows.order_by("-clock_start", "-pk"), filters, _summary)


@router.post(
    "/incidents",
    response={200: IncidentOut, 201: IncidentOut, **ERRORS},
    url_name="incidents",
    summary="Report a new incident (首报)",
)
def open_incident(request: HttpRequest, data: IncidentIn) -> Status[IncidentOut]:
    """A unit's officer reports in writing for their own unit (the unit head then signs it
    off); the duty office or the section logs a unit's phone report (`call` and `unit_id`)."""
    user = user_of(request)
    need(may_open_incident(user))
    by_phone = user.can(Capability.LOG_CALLS)
    if by_phone:
        if data.call is None or data.unit_id is None:
            raise ActionError(_("Give the call and the unit that called."))
        units = [_unit(data.unit_id)]
    else:
        if data.call is not None:
            raise ActionError(_("Only the duty office or the section logs phone reports."))
        units = [user.unit]
    facts = actions.IncidentFacts(
        title=data.title,
        category=data.category,
        place=data.place,
        occurred_at=data.occurred_at,
        known_at=data.known_at,
        units=[u for u in units if u is not None],
        level=data.level,
        subtype=data.subtype,
        sensitive=data.sensitive,
    )
    call = data.call.call() if data.call else None
    try:
        report = actions.do_open_incident(
            user, facts, data.report.content(), call, token=idempotency_key(request)
        )
    except actions.AlreadySaved as done:
        assert isinstance(done.obj, IncidentReport)
        return Status(200, _full(request, done.obj.incident_id))
    return Status(201, _full(request, report.incident_id))


@router.get(
    "/incidents/{int:incident_id}",
    response={200: IncidentOut, **ERRORS},
    url_name="incident",
    summary="Read one",
)
def read_incident(request: HttpRequest, incident_id: int) -> IncidentOut:
    """The incident with its whole report chain; 404 for one the caller may not see."""
    return _full(request, incident_id)


@router.post(
    "/incidents/{int:incident_id}/reports",
    response={200: IncidentOut, 201: IncidentOut, **ERRORS},
    url_name="incident_reports",
    summary="Add a report (续报, 终报, 补报)",
)
def add_report(request: HttpRequest, incident_id: int, data: ChainReportIn) -> Status[IncidentOut]:
    """A responsible unit's officer reports in writing; the duty office or the section logs a
    unit's call (`call`, `unit_id`)."""
    user = user_of(request)
    incident = get_visible_incident(user, incident_id)
    by_phone = user.can(Capability.LOG_CALLS)
    need(by_phone or user.can(Capability.REPORT_EMERGENCIES))
    if by_phone and data.call is None:
        raise ActionError(_("Give the call and the unit that called."))
    if not by_phone and data.call is not None:
        raise ActionError(_("Only the duty office or the section logs phone reports."))
    try:
        actions.do_add_report(
            user,
            incident.pk,
            data.kind,
            data.content(),
            unit=_unit(data.unit_id),
            call=data.call.call() if data.call else None,
            token=idempotency_key(request),
        )
    except actions.AlreadySaved:
        return Status(200, _full(request, incident.pk))
    return Status(201, _full(request, incident.pk))


@router.post(
    "/incident-reports/{int:report_id}/sign-off",
    response={200: IncidentOut, **ERRORS},
    url_name="report_sign_off",
    summary="Sign a written report off",
)
def sign_off_report(request: HttpRequest, report_id: int) -> IncidentOut:
    """The unit head signs the unit's written report off; the office receives it then."""
    user = user_of(request)
    report = get_object_or_404(IncidentReport, pk=report_id)
    get_visible_incident(user, report.incident_id)
    need(user.can(Capability.SIGN_OFF))
    actions.do_sign_off_report(user, report.pk)
    return _full(request, report.incident_id)


# --- sightings ---------------------------------------------------------------------------------

SourceChoice = Literal["media", "hotline", "department", "other"]


class SightingIn(Schema):
    source_kind: SourceChoice = Field(
        ..., description="media 媒体/网络, hotline 12345, department 其他部门, other."
    )
    source: Text = Field(
        ..., min_length=1, max_length=100, description="Which outlet, line or department."
    )
    seen_at: Moment = Field(..., description="When that channel had it.")
    text: Text = Field(..., min_length=1, max_length=5000, description="What was seen.")
    place: Text = Field("", max_length=200)
    category: Literal["", "natural", "accident", "health", "social"] = ""
    unit_id: Id | None = Field(
        None, description="The unit that should report it: its reporting clock starts."
    )
    incident_id: Id | None = Field(None, description="The incident it is known to be.")


class SightingOut(Schema):
    id: int
    source_kind: str
    source: str
    seen_at: datetime
    text: str
    place: str
    category: str
    unit_id: int | None
    incident_id: int | None
    status: str = Field(..., description="unmatched, matched or dismissed.")
    recorded_at: datetime


class SightingPage(PageMeta):
    results: list[SightingOut]


class SightingFilters(PageParams):
    status: Literal["unmatched", "matched", "dismissed"] | None = None


def _sighting(s: Sighting) -> SightingOut:
    return SightingOut(
        id=s.pk,
        source_kind=s.source_kind,
        source=s.source,
        seen_at=s.seen_at,
        text=s.text,
        place=s.place,
        category=s.category,
        unit_id=s.unit_id,
        incident_id=s.incident_id,
        status=s.status,
        recorded_at=s.recorded_at,
    )


@router.get(
    "/sightings",
    response={200: SightingPage, **ERRORS},
    url_name="sightings",
    summary="List sightings",
)
def list_sightings(request: HttpRequest, filters: Query[SightingFilters]) -> dict[str, Any]:
    """What other channels saw, newest first: the duty office's and the section's."""
    need(may_log_sightings(user_of(request)))
    rows = Sighting.objects.all()
    if filters.status:
        rows = rows.filter(status=filters.status)
    return paged(rows.order_by("-seen_at", "-pk"), filters, _sighting)


@router.post(
    "/sightings",
    response={200: SightingOut, 201: SightingOut, **ERRORS},
    url_name="sightings",
    summary="Record a sighting",
)
def record_sighting(request: HttpRequest, data: SightingIn) -> Status[SightingOut]:
    """Another channel saw an event (其他渠道信息). Named with a unit, that unit's reporting
    clock starts (a missed-report candidate if it stays silent); named with an incident, it
    may move that incident's clock earlier."""
    user = user_of(request)
    need(may_log_sightings(user))
    incident = get_visible_incident(user, data.incident_id) if data.incident_id else None
    try:
        sighting = actions_sightings.do_record_sighting(
            user,
            source_kind=data.source_kind,
            source=data.source,
            seen_at=data.seen_at,
            text=data.text,
            place=data.place,
            category=data.category,
            unit=_unit(data.unit_id),
            incident=incident,
            token=idempotency_key(request),
        )
    except actions.AlreadySaved as done:
        assert isinstance(done.obj, Sighting)
        return Status(200, _sighting(done.obj))
    sighting.refresh_from_db()
    return Status(201, _sighting(sighting))


@router.get(
    "/sightings/{int:sighting_id}",
    response={200: SightingOut, **ERRORS},
    url_name="sighting",
    summary="Read one",
)
def read_sighting(request: HttpRequest, sighting_id: int) -> SightingOut:
    need(may_log_sightings(user_of(request)))
    return _sighting(get_object_or_404(Sighting, pk=sighting_id))
