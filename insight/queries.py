"""Read side of duplicates and typical cases: likely duplicates of an item or an incident, the
cluster a record belongs to, and the typical-case list. Each function issues a fixed number of
queries, whatever the size of the window."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from bulletins.models import Adoption, Instruction
from emergencies.access import visible_incidents
from emergencies.models import Incident, IncidentReport
from insight import rules
from insight.models import InsightPolicy
from org.models import User
from org.roles import Capability
from submissions.models import InfoItem, ItemState, TypicalCase
from submissions.queries import visible_items

# States in which an item is with the section: only these are screened and merged.
IN_SECTION = frozenset(
    {ItemState.SUBMITTED, ItemState.UNDER_REVIEW, ItemState.ADOPTED, ItemState.FILED}
)


def may_merge_items(user: User) -> bool:
    return user.can(Capability.REVIEW)


def may_merge_incidents(user: User) -> bool:
    return user.can(Capability.HANDLE_INCIDENTS)


def may_read_typical(user: User) -> bool:
    return user.can(Capability.READ_ANALYSIS)


@dataclass(frozen=True)
class Duplicate:
    record: Any  # InfoItem or Incident
    score: float


@dataclass
class Panel:
    """What the duplicates box on a record's page shows."""

    main: Any = None  # the record this one is merged into, if the viewer may see it
    merged_elsewhere: bool = False  # merged into a record the viewer may not see
    members: list[Any] = field(default_factory=list)  # duplicates merged into this one
    hidden_members: int = 0  # merged duplicates the viewer may not see
    candidates: list[Duplicate] = field(default_factory=list)
    may_merge: bool = False
    may_mark: bool = False  # typical-case mark (items only)
    typical_choices: list[tuple[str, Any]] = field(default_factory=list)
    own_credit: bool = False  # adopted or instructed: it can be a main record only
    window_days: int = 0
    threshold: float = 0.0


def _policy() -> tuple[int, float]:
    policy = InsightPolicy.current()
    return policy.duplicate_window_days, float(policy.duplicate_threshold)


def _likely(
    target: bytes,
    text: str,
    signed: list[tuple[int, bytes]],
    texts_of: Callable[[list[int]], dict[int, str]],
    threshold: float,
) -> list[rules.Likely]:
    """Prefilter by sketch, then confirm exactly on the few texts that came close."""
    near = rules.prefilter(target or rules.signature(text), signed, threshold)
    return rules.confirm(text, texts_of(near), threshold) if near else []


# --- Items -----------------------------------------------------------------------------------


def _item_texts(pks: list[int]) -> dict[int, str]:
    rows = InfoItem.objects.filter(pk__in=pks).values_list("pk", "title", "body")
    return {pk: rules.item_text(title, body) for pk, title, body in rows}


def item_duplicates(item: InfoItem, user: User) -> list[Duplicate]:
    """Ever-submitted items within the policy's window of this one whose text is at least as
    similar as the threshold, most similar first; members of its own cluster are left out."""
    if item.submitted_at is None:
        return []
    days, threshold = _policy()
    start, end = rules.window(item.submitted_at, days)
    root = item.duplicate_of_id or item.pk
    pool = (
        InfoItem.objects.filter(submitted_at__gte=start, submitted_at__lte=end)
        .exclude(pk=item.pk)
        .exclude(pk=root)
        .exclude(duplicate_of=root)
    )
    signed = [(pk, bytes(sketch)) for pk, sketch in pool.values_list("pk", "minhash")]
    text = rules.item_text(item.title, item.body)
    likely = _likely(bytes(item.minhash), text, signed, _item_texts, threshold)
    if not likely:
        return []
    records = (
        visible_items(user)
        .filter(pk__in=[c.pk for c in likely])
        .select_related("unit", "duplicate_of")
        .annotate(
            adopted=Exists(Adoption.objects.filter(item=OuterRef("pk"))),
            instructed=Exists(Instruction.objects.filter(item=OuterRef("pk"))),
        )
    )
    by_pk = {r.pk: r for r in records}
    return [Duplicate(by_pk[c.pk], c.score) for c in likely if c.pk in by_pk]


def has_own_credit(item_id: int) -> bool:
    """Adopted or instructed: its unit already earned points from it."""
    return (
        Adoption.objects.filter(item_id=item_id).exists()
        or Instruction.objects.filter(item_id=item_id).exists()
    )


def item_panel(item: InfoItem, user: User) -> Panel:
    """The duplicates box of an item's page, for whoever looks at it."""
    panel = Panel()
    visible = visible_items(user)
    if item.duplicate_of_id is not None:
        panel.main = visible.filter(pk=item.duplicate_of_id).select_related("unit").first()
        panel.merged_elsewhere = panel.main is None
    members = list(item.duplicates.order_by("submitted_at", "pk").values_list("pk", flat=True))
    if members:
        panel.members = list(
            visible.filter(pk__in=members).select_related("unit").order_by("submitted_at", "pk")
        )
        panel.hidden_members = len(members) - len(panel.members)
    if may_merge_items(user) and item.state in IN_SECTION:
        panel.may_merge = panel.may_mark = True
        panel.typical_choices = [("", _("Not a typical case")), *TypicalCase.choices]
        panel.own_credit = has_own_credit(item.pk)
        panel.window_days, panel.threshold = _policy()
        panel.candidates = item_duplicates(item, user)
    return panel


# --- Incidents -------------------------------------------------------------------------------


def _incident_texts(pks: list[int]) -> dict[int, str]:
    incidents = Incident.objects.filter(pk__in=pks).values_list("pk", "title", "place")
    firsts: dict[int, str] = {}
    reports = (
        IncidentReport.objects.filter(incident_id__in=pks)
        .order_by("incident_id", "created_at", "pk")
        .values_list("incident_id", "summary")
    )
    for incident_id, summary in reports:
        firsts.setdefault(incident_id, summary)
    return {
        pk: rules.incident_text(title, place, firsts.get(pk, "")) for pk, title, place in incidents
    }


def incident_duplicates(incident: Incident, user: User) -> list[Duplicate]:
    """Incidents whose clock started within the window of this one's and whose first report
    reads alike, most similar first; members of its own cluster are left out."""
    days, threshold = _policy()
    start, end = rules.window(incident.clock_start, days)
    root = incident.duplicate_of_id or incident.pk
    pool = (
        Incident.objects.filter(clock_start__gte=start, clock_start__lte=end)
        .exclude(pk=incident.pk)
        .exclude(pk=root)
        .exclude(duplicate_of=root)
    )
    signed = [(pk, bytes(sketch)) for pk, sketch in pool.values_list("pk", "minhash")]
    text = _incident_texts([incident.pk]).get(incident.pk, "")
    likely = _likely(bytes(incident.minhash), text, signed, _incident_texts, threshold)
    if not likely:
        return []
    records = (
        visible_incidents(user)
        .filter(pk__in=[c.pk for c in likely])
        .select_related("duplicate_of")
        .prefetch_related("responsible_units")
    )
    by_pk = {r.pk: r for r in records}
    return [Duplicate(by_pk[c.pk], c.score) for c in likely if c.pk in by_pk]


def incident_panel(incident: Incident, user: User) -> Panel:
    panel = Panel()
    visible = visible_incidents(user)
    if incident.duplicate_of_id is not None:
        panel.main = visible.filter(pk=incident.duplicate_of_id).first()
        panel.merged_elsewhere = panel.main is None
    members = list(incident.duplicates.values_list("pk", flat=True))
    if members:
        panel.members = list(
            visible.filter(pk__in=members)
            .prefetch_related("responsible_units")
            .order_by("clock_start", "pk")
        )
        panel.hidden_members = len(members) - len(panel.members)
    if may_merge_incidents(user):
        panel.may_merge = True
        panel.window_days, panel.threshold = _policy()
        panel.candidates = incident_duplicates(incident, user)
    return panel


# --- Typical cases ---------------------------------------------------------------------------


def typical_cases(user: User, kind: str = "", since: datetime | None = None) -> QuerySet[InfoItem]:
    """Items marked as good or bad typical cases that the user may read, newest first."""
    qs = visible_items(user).exclude(typical="")
    if kind in TypicalCase.values:
        qs = qs.filter(typical=kind)
    if since is not None:
        qs = qs.filter(submitted_at__gte=since)
    return qs.select_related("unit").prefetch_related("joint_units").order_by("-submitted_at")


def typical_counts(user: User) -> dict[str, int]:
    rows = (
        visible_items(user)
        .exclude(typical="")
        .order_by()
        .values_list("typical")
        .annotate(n=Count("pk", distinct=True))
    )
    return dict(rows)
