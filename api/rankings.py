"""Rankings (read): the scoring pages' rankings of a period, class by class with the annual
awards, for the office's readers (READ_RANKINGS); and a unit's scorecard — any unit's for
them, one's own unit's for its officer and head (READ_OWN_POINTS). Who sees which scorecard is
scoring's own rule (`scoring.queries.scorecard_unit`).

Points are decimals written as strings ("12.50"), exact as the ledger keeps them."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from api.common import GUARDED, ErrorOut, ObjectId, actor
from scoring import queries, scorecard
from scoring.queries import Period

router = Router(tags=["rankings"])

PERIOD_PATTERN = r"^(|q[1-4]|[1-9]|1[0-2])$"


class PeriodParams(Schema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="The year; the current year if left out."
    )
    period: str = Field(
        "",
        pattern=PERIOD_PATTERN,
        description="Empty for the whole year, q1–q4 for a quarter, 1–12 for a month.",
    )


class PeriodOut(Schema):
    year: int
    period: str = Field(description="Empty (whole year), q1–q4, or 1–12.")
    first_day: date
    last_day: date


class AwardOut(Schema):
    id: int
    name: str = Field(description="The award's name, e.g. 一等奖.")


class PlaceOut(Schema):
    rank: int = Field(description="The unit's place in its class, from 1; no two share one.")
    unit_id: int
    unit_name: str
    total: str = Field(description="Points in the period.")
    upper_points: str = Field(description="Of those, from upper-level adoptions.")
    adoptions: int = Field(description="Adoptions in the period.")
    violations: int = Field(description="Confirmed violations in the period.")
    zeroed: bool = Field(description="The unit's year is zeroed.")
    disqualified: bool = Field(description="The unit lost its award eligibility for the year.")
    award: AwardOut | None = Field(description="Its award (annual ranking only).")


class ClassOut(Schema):
    class_id: int | None = Field(description="The unit class; null for unclassified units.")
    class_name: str
    places: list[PlaceOut]


class RankingsOut(Schema):
    period: PeriodOut
    classes: list[ClassOut]


class LineOut(Schema):
    occurred_on: date
    points: str
    rule: str = Field(description="The point table's rule code.")
    source_kind: str = Field(description="adoption, instruction, task, solicitation, …")
    source_id: int
    source_label: str = Field(description="What earned or cost the points.")


class AdoptionRateOut(Schema):
    left: int = Field(description="Items that left the unit in the period.")
    adopted: int = Field(description="Of those, the ones a publication adopted.")
    rate: float | None = Field(description="adopted / left; null when none left.")


class TimelinessOut(Schema):
    incidents: int = Field(description="Incidents the unit reported on in the period.")
    median_minutes: float | None = Field(description="From the event to its first report.")
    expected: int = Field(description="Emergency reports due (or met) in the period.")
    on_time: int = Field(description="Of those, received in time.")
    share: float | None = Field(description="on_time / expected; null when none were due.")


class ScorecardOut(Schema):
    unit_id: int
    unit_name: str
    period: PeriodOut
    total: str = Field(description="The unit's points in the period.")
    adoption: AdoptionRateOut
    timeliness: TimelinessOut
    lines: list[LineOut] = Field(description="Every ledger line of the period, traced.")


def _points(value: Decimal) -> str:
    return f"{value:.2f}"


def _period(params: PeriodParams) -> Period:
    return queries.period_of({"year": params.year, "period": params.period})


def _period_out(period: Period) -> dict[str, object]:
    return {
        "year": period.year,
        "period": period.key,
        "first_day": period.first_day,
        "last_day": period.last_day,
    }


@router.get(
    "/rankings",
    url_name="rankings",
    response={200: RankingsOut, **GUARDED},
    summary="The rankings of a period",
)
def rankings(request: HttpRequest, params: Query[PeriodParams]) -> dict[str, object]:
    """Every class's ranking of the period, as the rankings page shows it."""
    if not queries.office_reader(actor(request)):
        raise PermissionDenied
    period = _period(params)
    classes = []
    for board in queries.rankings(period):
        classes.append(
            {
                "class_id": board.unit_class.pk if board.unit_class else None,
                "class_name": board.unit_class.name if board.unit_class else "",
                "places": [
                    {
                        "rank": place.rank,
                        "unit_id": place.standing.unit,
                        "unit_name": place.standing.name,
                        "total": _points(place.standing.total),
                        "upper_points": _points(place.standing.upper_points),
                        "adoptions": place.standing.adoptions,
                        "violations": place.standing.violations,
                        "zeroed": place.standing.zeroed,
                        "disqualified": place.standing.disqualified,
                        "award": (
                            {"id": place.award.id, "name": place.award.name}
                            if place.award
                            else None
                        ),
                    }
                    for place in board.places
                ],
            }
        )
    return {"period": _period_out(period), "classes": classes}


@router.get(
    "/rankings/units/{unit_id}/scorecard",
    url_name="scorecard",
    response={200: ScorecardOut, 404: ErrorOut, **GUARDED},
    summary="A unit's scorecard for a period",
)
def unit_scorecard(
    request: HttpRequest, unit_id: ObjectId, params: Query[PeriodParams]
) -> dict[str, object]:
    """Any unit's for the office's readers; one's own unit's for its officer and head (any
    other unit is "not found" to them)."""
    unit = queries.scorecard_unit(actor(request), unit_id)
    period = _period(params)
    lines = scorecard.entries(unit, period)
    adoption = scorecard.adoption_rate(unit, period)
    timely = scorecard.timeliness(unit, period)
    return {
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "period": _period_out(period),
        "total": _points(sum((line.points for line in lines), Decimal(0))),
        "adoption": {"left": adoption.left, "adopted": adoption.adopted, "rate": adoption.rate},
        "timeliness": {
            "incidents": timely.incidents,
            "median_minutes": timely.median_minutes,
            "expected": timely.expected,
            "on_time": timely.on_time,
            "share": timely.share,
        },
        "lines": [
            {
                "occurred_on": line.occurred_on,
                "points": _points(line.points),
                "rule": line.rule.code,
                "source_kind": line.source_kind,
                "source_id": line.source_id,
                "source_label": line.source_label,
            }
            for line in lines
        ],
    }
