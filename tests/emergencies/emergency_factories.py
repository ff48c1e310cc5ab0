"""Builders for the emergency tests. Everything goes through `emergencies.actions` with an
explicit `now`, so each test states the moment it happens at (our frozen time)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection

from deadlines import engine
from deadlines.models import DeadlineFlip, ExpectedReport
from emergencies import actions, actions_sightings
from emergencies.actions import IncidentFacts, PhoneCall, ReportContent
from emergencies.models import (
    Category,
    ExpectKind,
    Incident,
    IncidentReport,
    Sighting,
    SourceKind,
)
from notify.models import Notification
from org.models import DutyShift

SH = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def local(text: str) -> datetime:
    """'YYYY-MM-DD HH:MM' (or with seconds) as an aware Asia/Shanghai datetime."""
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(text, fmt).replace(tzinfo=SH)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def shift(person, starts_at: datetime, ends_at: datetime) -> DutyShift:
    return DutyShift.objects.create(person=person, starts_at=starts_at, ends_at=ends_at)


def sighting(duty, unit, seen_at: datetime, now: datetime | None = None, **fields) -> Sighting:
    """A media report of the fire, recorded by the duty office five minutes after it was seen."""
    return actions_sightings.do_record_sighting(
        duty,
        source_kind=fields.pop("source_kind", SourceKind.MEDIA),
        source=fields.pop("source", "江城晚报网站"),
        seen_at=seen_at,
        text=fields.pop("text", "网传甲区经开区某化工厂仓库起火，冒出大量黑烟。"),
        place=fields.pop("place", "甲区经开区"),
        category=fields.pop("category", Category.ACCIDENT),
        unit=unit,
        now=now or seen_at + minutes(5),
        **fields,
    )


def content(**fields) -> ReportContent:
    return ReportContent(
        summary=fields.pop("summary", "甲区经开区某化工厂仓库起火，明火已扑灭，无人员被困。"),
        deaths=fields.pop("deaths", 0),
        injuries=fields.pop("injuries", 0),
        measures=fields.pop("measures", "消防救援力量已到场处置，周边群众已疏散。"),
        **fields,
    )


def facts(unit, at: datetime, **fields) -> IncidentFacts:
    """A grave (Ⅱ) warehouse fire that became known at `at` and happened five minutes before."""
    known_at = fields.pop("known_at", at)
    return IncidentFacts(
        title=fields.pop("title", "甲区某化工厂仓库火灾"),
        category=fields.pop("category", Category.ACCIDENT),
        place=fields.pop("place", "甲区经开区某化工厂"),
        occurred_at=fields.pop("occurred_at", known_at - minutes(5)),
        known_at=known_at,
        units=fields.pop("units", [unit]),
        level=fields.pop("level", "2"),
        **fields,
    )


def open_by_phone(duty, unit, at: datetime, **fields) -> Incident:
    """The duty office logs the unit's phone report (首报) taken at `at`."""
    call = PhoneCall("张三", "13800000000", at)
    report = actions.do_open_incident(duty, facts(unit, at, **fields), content(), call, now=at)
    return Incident.objects.get(pk=report.incident_id)


def open_in_writing(officer, at: datetime, **fields) -> IncidentReport:
    """The unit's officer writes the initial report at `at`; it awaits the head's sign-off."""
    return actions.do_open_incident(officer, facts(officer.unit, at, **fields), content(), now=at)


def sign_off(head, report: IncidentReport, at: datetime) -> IncidentReport:
    return actions.do_sign_off_report(head, report.pk, now=at)


def add_written(officer, head, incident: Incident, kind: str, at: datetime) -> IncidentReport:
    """A follow-up or final report written and signed off at `at`."""
    report = actions.do_add_report(
        officer, incident.pk, kind, content(summary=f"{kind} 新情况"), now=at
    )
    return sign_off(head, report, at)


def row(incident: Incident, kind: str = ExpectKind.WRITTEN, sequence: int = 0) -> ExpectedReport:
    return ExpectedReport.objects.get(incident=incident, kind=kind, sequence=sequence)


def run_until_idle(now: datetime) -> int:
    """Passes at one frozen moment until nothing more falls due (a worker catching up)."""
    total = 0
    while taken := engine.run_pass(now):
        total += taken
    return total


def flips(expected: ExpectedReport) -> list[tuple[str, int]]:
    return list(
        DeadlineFlip.objects.filter(expected=expected)
        .order_by("stage")
        .values_list("kind", "stage")
    )


def told(flip: DeadlineFlip) -> set[str]:
    """Whose inbox the flip reached, by user name."""
    return set(
        Notification.objects.filter(key=f"flip:{flip.pk}").values_list(
            "recipient__username", flat=True
        )
    )


def last_flip(expected: ExpectedReport) -> DeadlineFlip:
    return DeadlineFlip.objects.filter(expected=expected).order_by("-stage")[0]


def stored_utc(model, field: str, pk: int) -> datetime:
    """The column as the database holds it, read past the ORM: a naive UTC wall time."""
    quote = connection.ops.quote_name
    column = quote(model._meta.get_field(field).column)
    if connection.vendor == "sqlite":
        column = f"CAST({column} AS TEXT)"  # the text SQLite keeps, not a parsed value
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {quote(model._meta.db_table)} WHERE id = %s", [pk])
        (value,) = cursor.fetchone()
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    assert value.utcoffset() == timedelta(0)  # PostgreSQL hands timestamptz back in UTC
    return value.replace(tzinfo=None)
