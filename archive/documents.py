"""What each kind of source looks like as a document: its text, date, facets and grants.

Builders take source ids in bulk (the reindex walks hundreds of thousands) and return one
`DocData` per id, or None where the source no longer exists.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from accountability.models import CriticismNotice, NoticeStatus
from archive import visibility as v
from archive.models import DocKind
from bulletins.models import Adoption, IssueEntry, IssueState
from emergencies.models import Incident, IncidentReport
from submissions.models import InfoItem, ItemState

# Facet tokens: prefix + value. Values are codes (alphanumeric) or ids.
KIND = "zk"
UNIT = "zu"
CATEGORY = "zc"
LEVEL = "zl"
ADOPTION = "za"
TAG = "zt"
VERIFIED = "zv"
FACET_PREFIXES = (KIND, UNIT, CATEGORY, LEVEL, ADOPTION, TAG, VERIFIED)
UNGRADED = "0"


@dataclass(frozen=True)
class DocData:
    kind: str
    source_id: int
    parent_id: int | None
    date: datetime
    title: str
    body: str
    unit_id: int | None
    meta: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.source_id}"


def is_meta(token: str) -> bool:
    """Whether a token is one of a document's meta tokens, which `Document.meta` also keeps:
    the operator's everything, a facet value or a grant."""
    return token == v.EVERYTHING or token.startswith((*FACET_PREFIXES, v.GRANT))


def _code(value: str) -> str:
    return "".join(c for c in value.lower() if c.isalnum())


def _meta(kind: str, facets: Iterable[str], grants: Iterable[str]) -> tuple[str, ...]:
    tokens = [v.EVERYTHING, KIND + kind, *facets, *grants]
    return tuple(dict.fromkeys(tokens))


def _day(value: date) -> datetime:
    return timezone.make_aware(datetime.combine(value, time(12)))


def build_items(ids: Iterable[int]) -> dict[int, DocData]:
    ids = list(ids)
    items = InfoItem.objects.filter(pk__in=ids).only(
        "pk",
        "unit_id",
        "kind",
        "state",
        "title",
        "body",
        "created_at",
        "submitted_at",
        "verification",
    )
    joint: dict[int, list[int]] = defaultdict(list)
    for item_id, unit_id in InfoItem.joint_units.through.objects.filter(
        infoitem_id__in=ids
    ).values_list("infoitem_id", "unit_id"):
        joint[item_id].append(unit_id)
    tags: dict[int, list[int]] = defaultdict(list)
    for item_id, tag_id in InfoItem.tags.through.objects.filter(infoitem_id__in=ids).values_list(
        "infoitem_id", "tag_id"
    ):
        tags[item_id].append(tag_id)
    levels: dict[int, set[str]] = defaultdict(set)
    for item_id, level in Adoption.objects.filter(item_id__in=ids).values_list("item_id", "level"):
        levels[item_id].add(level)
    out = {}
    for item in items.iterator(chunk_size=2000):
        pk = item.pk
        facets = [UNIT + str(u) for u in sorted({item.unit_id, *joint[pk]})]
        facets.append(CATEGORY + _code(item.kind))
        facets += [ADOPTION + _code(lv) for lv in sorted(levels[pk])]
        facets += [TAG + str(t) for t in sorted(tags[pk])]
        facets.append(VERIFIED + _code(item.verification))
        grants = v.item_grants(
            item.unit_id,
            joint[pk],
            item.state,
            submitted=item.submitted_at is not None,
            adopted=item.state == ItemState.ADOPTED,
        )
        out[pk] = DocData(
            kind=DocKind.ITEM,
            source_id=pk,
            parent_id=None,
            date=item.submitted_at or item.created_at,
            title=item.title,
            body=item.body,
            unit_id=item.unit_id,
            meta=_meta(DocKind.ITEM, facets, grants),
        )
    return out


def _responsible(incident_ids: Iterable[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    rows = Incident.responsible_units.through.objects.filter(incident_id__in=list(incident_ids))
    for incident_id, unit_id in rows.values_list("incident_id", "unit_id"):
        out[incident_id].append(unit_id)
    return out


def _incident_facets(incident: Incident) -> list[str]:
    return [CATEGORY + _code(incident.category), LEVEL + (incident.level or UNGRADED)]


def build_incidents(ids: Iterable[int]) -> dict[int, DocData]:
    ids = list(ids)
    responsible = _responsible(ids)
    out = {}
    for incident in Incident.objects.filter(pk__in=ids):
        units = responsible[incident.pk]
        facets = [UNIT + str(u) for u in sorted(set(units))] + _incident_facets(incident)
        body = "\n".join(p for p in (incident.place, incident.subtype) if p)
        out[incident.pk] = DocData(
            kind=DocKind.INCIDENT,
            source_id=incident.pk,
            parent_id=None,
            date=incident.occurred_at,
            title=incident.title,
            body=body,
            unit_id=units[0] if len(units) == 1 else None,
            meta=_meta(DocKind.INCIDENT, facets, v.emergency_grants(units)),
        )
    return out


def build_reports(ids: Iterable[int]) -> dict[int, DocData]:
    reports = list(IncidentReport.objects.filter(pk__in=list(ids)).select_related("incident"))
    responsible = _responsible({r.incident_id for r in reports})
    out = {}
    for report in reports:
        incident = report.incident
        facets = [UNIT + str(report.unit_id), *_incident_facets(incident)]
        parts = (report.summary, report.cause, report.measures, report.trend, report.on_site)
        out[report.pk] = DocData(
            kind=DocKind.REPORT,
            source_id=report.pk,
            parent_id=incident.pk,
            date=report.received_at or report.created_at,
            title=incident.title,
            body="\n".join(p for p in parts if p),
            unit_id=report.unit_id,
            meta=_meta(DocKind.REPORT, facets, v.emergency_grants(responsible[incident.pk])),
        )
    return out


def build_entries(ids: Iterable[int]) -> dict[int, DocData]:
    entries = IssueEntry.objects.filter(pk__in=list(ids)).select_related(
        "issue", "issue__publication", "item"
    )
    out = {}
    for entry in entries:
        issue = entry.issue
        published = issue.state == IssueState.PUBLISHED
        facets = [
            UNIT + str(entry.item.unit_id),
            CATEGORY + _code(entry.item.kind),
            ADOPTION + _code(issue.publication.level),
        ]
        out[entry.pk] = DocData(
            kind=DocKind.ENTRY,
            source_id=entry.pk,
            parent_id=issue.pk,
            date=issue.published_at or _day(issue.issue_date),
            title=entry.title,
            body=entry.body,
            unit_id=entry.item.unit_id,
            meta=_meta(DocKind.ENTRY, facets, v.entry_grants(published, issue.publication_id)),
        )
    return out


def _notice_date(notice: CriticismNotice) -> datetime:
    if notice.issued_at is not None:
        return notice.issued_at
    if notice.issued_on is not None:
        return _day(notice.issued_on)
    return notice.created_at


def build_notices(ids: Iterable[int]) -> dict[int, DocData]:
    ids = list(ids)
    named: dict[int, list[int]] = defaultdict(list)
    through = CriticismNotice.units.through.objects.filter(criticismnotice_id__in=ids)
    for notice_id, unit_id in through.values_list("criticismnotice_id", "unit_id"):
        named[notice_id].append(unit_id)
    out = {}
    for notice in CriticismNotice.objects.filter(pk__in=ids):
        units = named[notice.pk]
        issued = notice.status == NoticeStatus.ISSUED
        out[notice.pk] = DocData(
            kind=DocKind.NOTICE,
            source_id=notice.pk,
            parent_id=None,
            date=_notice_date(notice),
            title=notice.title,
            body="\n".join(p for p in (notice.doc_number, notice.body) if p),
            unit_id=units[0] if len(units) == 1 else None,
            meta=_meta(
                DocKind.NOTICE,
                [UNIT + str(u) for u in sorted(set(units))],
                v.notice_grants(issued, notice.send_to_all, units),
            ),
        )
    return out


BUILDERS = {
    DocKind.ITEM: build_items,
    DocKind.INCIDENT: build_incidents,
    DocKind.REPORT: build_reports,
    DocKind.ENTRY: build_entries,
    DocKind.NOTICE: build_notices,
}


SOURCES: dict[str, Any] = {
    DocKind.ITEM: InfoItem,
    DocKind.INCIDENT: Incident,
    DocKind.REPORT: IncidentReport,
    DocKind.ENTRY: IssueEntry,
    DocKind.NOTICE: CriticismNotice,
}


# Each kind's sources in the order of their documents' dates (as `build_*` gives them; nearly,
# where a date falls back on another column), so that a rebuild writes documents of
# neighbouring ids together. On PostgreSQL a newest-first window then reads its matches from a
# few table pages rather than one page each (sources entered out of date order, as an imported
# archive is, left the rows in no order at all: the ids' correlation with the table's order was
# 0.00 at 100,000 documents).
DATE_ORDER: dict[str, tuple[Any, ...]] = {
    DocKind.ITEM: (Coalesce("submitted_at", "created_at"),),
    DocKind.INCIDENT: ("occurred_at",),
    DocKind.REPORT: (Coalesce("received_at", "created_at"),),
    DocKind.ENTRY: (F("issue__published_at").asc(nulls_last=True), "issue__issue_date"),
    DocKind.NOTICE: (
        F("issued_at").asc(nulls_last=True),
        F("issued_on").asc(nulls_last=True),
        "created_at",
    ),
}


def id_batches(kind: str, size: int) -> Iterator[list[int]]:
    """Every source id of a kind in batches, in date order (see `DATE_ORDER`). The ids are
    read at once and the query closed: a cursor held open across the rebuild's commits would
    pin SQLite's write-ahead log, which then grows by everything the rebuild writes. Sources
    added meanwhile reach the index through the outbox."""
    model = SOURCES[kind]
    ids = list(model.objects.order_by(*DATE_ORDER[kind], "pk").values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def source_count(kind: str) -> int:
    return int(SOURCES[kind].objects.count())
