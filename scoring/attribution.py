"""Points per person (issue 17: every item, report and point is attributed to the person who
wrote it at the time). A ledger line for an adoption or a leader's instruction names its source
row, and that row names its item; the item's author is who wrote it for the unit. So a person's
points are derived from the ledger at query time, exactly and without a stored copy that could
drift: the ledger lines of the unit whose item the person wrote in the period.

The roster asks through `roster.queries.register_points` (scoring sits above the roster)."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Q, Sum

from bulletins.models import Adoption, Instruction
from scoring.models import ScoreEntry, SourceKind


def person_points(
    unit_id: int, person_id: int, start: datetime | None, end: datetime | None
) -> Decimal:
    """The ledger points `unit_id` earned from the items `person_id` wrote for it between
    `start` and `end` (None: open), by when the item was written — the roster's rule for what a
    person produced in an appointment (`insight.health.output`)."""
    written = Q(item__unit_id=unit_id, item__author_id=person_id)
    if start is not None:
        written &= Q(item__created_at__gte=start)
    if end is not None:
        written &= Q(item__created_at__lt=end)
    total = ScoreEntry.objects.filter(
        Q(
            source_kind=SourceKind.ADOPTION,
            source_id__in=Adoption.objects.filter(written).values("pk"),
        )
        | Q(
            source_kind=SourceKind.INSTRUCTION,
            source_id__in=Instruction.objects.filter(written).values("pk"),
        ),
        unit_id=unit_id,
    ).aggregate(total=Sum("points"))["total"]
    return total or Decimal(0)
