"""Points per person (issue 17: every item, report and point is attributed to the person who
wrote it at the time). A ledger line names its source row, and that row names what was written:
an adoption or a leader's instruction its item, a violation its emergency report (or item). So a
person's points are derived from the ledger at query time, exactly and without a stored copy
that could drift.

- The lead unit's points for an item go to the item's author, when it was written.
- A joint item's share for a partner unit goes to whoever held that unit's main officer's post
  (主责信息员) when the item was submitted (`roster.queries.main_history`); nobody, if the post
  was empty then.
- A violation's penalty (a late, false or concealed report) goes to the author of the unit's
  report it is about, when it was written, or of the unit's item; a missed report was written
  by nobody, so its penalty is nobody's.

The other ledger lines (feedback tasks, solicitations, quotas, a zeroed year) are the unit's
duties, not anyone's writing: no person's. Emergency reports earn no bonus on the point table;
their penalties are the violations'.

The roster asks through `roster.queries.register_points` (scoring sits above the roster), once
per page: three queries, whatever the number of lines."""

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, Sum

from accountability.models import Violation
from bulletins.models import Adoption, Instruction
from org.models import Unit
from roster.queries import main_history
from roster.rules import Credit, holder_at
from scoring.models import ScoreEntry, SourceKind


def _traced(rows: QuerySet[Any], unit: Unit, kind: str) -> QuerySet[Any]:
    """The source rows that have ledger lines of `kind` for `unit`, each with their points."""
    entries = ScoreEntry.objects.filter(unit_id=unit.pk, source_kind=kind).order_by()
    points = (
        entries.filter(source_id=OuterRef("pk"))
        .values("source_id")
        .annotate(total=Sum("points"))
        .values("total")
    )
    traced: QuerySet[Any] = (
        rows.filter(pk__in=entries.values("source_id")).annotate(points=Subquery(points)).order_by()
    )
    return traced


def unit_credits(unit: Unit) -> list[Credit]:
    """The unit's ledger points traced to who wrote what earned or cost them (None: nobody)."""
    history = main_history(unit)
    credits = []
    sources: list[tuple[QuerySet[Any], str]] = [
        (Adoption.objects.all(), SourceKind.ADOPTION),
        (Instruction.objects.all(), SourceKind.INSTRUCTION),
    ]
    for rows, kind in sources:
        for lead, author, written, submitted, title, points in _traced(
            rows, unit, kind
        ).values_list(
            "item__unit_id",
            "item__author_id",
            "item__created_at",
            "item__submitted_at",
            "item__title",
            "points",
        ):
            if lead == unit.pk:
                credits.append(Credit(author, written, points, label=title))
            else:
                moment = submitted or written
                holder = holder_at(history, moment)
                credits.append(Credit(holder, moment, points, main=True, label=title))
    for row in _traced(Violation.objects.all(), unit, SourceKind.VIOLATION).values_list(
        "report__unit_id",
        "report__author_id",
        "report__created_at",
        "item__unit_id",
        "item__author_id",
        "item__created_at",
        "points",
        "incident__title",
        "item__title",
        "summary",
    ):
        report_unit, reporter, reported, item_unit, author, written, points, *labels = row
        label = next((text for text in labels if text), "")
        if report_unit == unit.pk:
            credits.append(Credit(reporter, reported, points, label=label))
        elif item_unit == unit.pk:
            credits.append(Credit(author, written, points, label=label))
        else:
            credits.append(Credit(None, None, points, label=label))
    return credits
