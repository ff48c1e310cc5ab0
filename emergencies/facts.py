"""What a caller hands the incident actions: the facts of a new incident, a report's content and
the phone call a report was taken from. Plain values, no database."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from emergencies.models import UNGRADED, Sighting
from org.models import Unit


@dataclass(frozen=True)
class ReportContent:
    summary: str
    deaths: int | None = None
    serious_injuries: int | None = None
    injuries: int | None = None
    missing: int | None = None
    direct_loss: Decimal | None = None
    cause: str = ""
    measures: str = ""
    trend: str = ""
    on_site: str = ""
    contact: str = ""


@dataclass(frozen=True)
class PhoneCall:
    caller: str
    caller_phone: str
    called_at: datetime


@dataclass(frozen=True)
class IncidentFacts:
    title: str
    category: str
    place: str
    occurred_at: datetime
    known_at: datetime
    units: Sequence[Unit]
    level: str = UNGRADED
    subtype: str = ""
    sensitive: bool = False
    category_code: str = ""  # a GB/T 35561 code (CategoryCode.code); blank: not yet known
    sightings: Sequence[Sighting] = field(default_factory=tuple)
