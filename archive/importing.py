"""Bulk import of historical items (`manage.py import_items FILE.jsonl`).

One JSON object a line:

    {"title": "…", "body": "…", "unit": "<unit code>", "kind": "news",
     "occurred": "2019-07-02", "submitted": "2019-07-03T09:30:00+08:00",
     "tags": ["防汛", "水库"], "id": "optional external id"}

`kind` is a code (news, problem, experience, proposal, research) or its Chinese name (动态,
问题, 经验, 建议, 调研); `submitted` (when it reached the office) may be a date or a time, and
falls back to `occurred`; `tags` is a list or a comma-separated string.

Imported items are ordinary items, filed in the archive (归档, "filed without adoption"):
submitted, with their first revision and their history (created, filed — saying where they
came from), credited to the unit's information officer. Each line is keyed by its `id` or,
without one, by a hash of unit, title, body and time; a key seen before is skipped, so running
the same file again adds nothing. A bad line is reported with its number and reason and the
rest are imported. Rows are written in batches, each in one transaction.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from archive.models import ImportedItem
from org.models import Unit, User
from org.roles import Capability, roles_with
from submissions.actions import normalise_body, parse_tags, tag_ids
from submissions.models import (
    EventKind,
    InfoItem,
    ItemEvent,
    ItemKind,
    ItemRevision,
    ItemState,
    RevisionSource,
)

KIND_NAMES = {
    "动态": "news",
    "问题": "problem",
    "经验": "experience",
    "建议": "proposal",
    "调研": "research",
}
BATCH = 500
TITLE_MAX = InfoItem._meta.get_field("title").max_length or 120


@dataclass(frozen=True)
class Row:
    line: int
    key: str
    unit: Unit
    author_id: int
    kind: str
    title: str
    body: str
    occurred: date | None
    submitted: datetime
    tags: list[str]


@dataclass
class Outcome:
    imported: int = 0
    skipped: int = 0  # seen in an earlier run (or earlier in this file)
    rejected: list[tuple[int, str]] = field(default_factory=list)


class LineError(ValueError):
    pass


def _moment(value: Any, what: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise LineError(f"{what} must be a date or a time as text, e.g. 2019-07-03")
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise LineError(f"{what} {value!r} is not a date or a time")
        moment = datetime.combine(day, time(12))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise LineError(f"{name} is missing")
    return value


class Importer:
    def __init__(self, fallback_author: User | None = None) -> None:
        self.units = {u.code: u for u in Unit.objects.all()}
        self.fallback = fallback_author
        self.authors: dict[int, int | None] = {}

    def author_for(self, unit: Unit) -> int | None:
        if unit.pk not in self.authors:
            author = unit.officer_id
            if author is None:
                author = (
                    User.objects.filter(
                        unit=unit, role__in=roles_with(Capability.WRITE_ITEMS), is_active=True
                    )
                    .order_by("pk")
                    .values_list("pk", flat=True)
                    .first()
                )
            self.authors[unit.pk] = author
        found = self.authors[unit.pk]
        return found if found is not None else (self.fallback.pk if self.fallback else None)

    def parse(self, number: int, raw: str) -> Row:
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LineError(f"not valid JSON ({exc.msg})") from None
        if not isinstance(data, dict):
            raise LineError("not a JSON object")
        title = " ".join(_text(data, "title").split())
        if len(title) > TITLE_MAX:
            raise LineError(f"title longer than {TITLE_MAX} characters")
        body = normalise_body(_text(data, "body"))
        code = data.get("unit")
        unit = self.units.get(code) if isinstance(code, str) else None
        if unit is None:
            raise LineError(f"unknown unit code {code!r}")
        kind_raw = data.get("kind", "news")
        kind = KIND_NAMES.get(kind_raw, kind_raw) if isinstance(kind_raw, str) else ""
        if kind not in ItemKind.values:
            raise LineError(f"unknown kind {kind_raw!r}")
        occurred_at = _moment(data.get("occurred"), "occurred")
        submitted = _moment(data.get("submitted"), "submitted") or occurred_at
        if submitted is None:
            raise LineError("neither submitted nor occurred is given")
        tags_raw = data.get("tags", [])
        if isinstance(tags_raw, str):
            tags = parse_tags(tags_raw)
        elif isinstance(tags_raw, list) and all(isinstance(t, str) for t in tags_raw):
            tags = parse_tags(",".join(tags_raw))
        else:
            raise LineError("tags must be a list of words or a comma-separated text")
        author = self.author_for(unit)
        if author is None:
            raise LineError(f"unit {code!r} has no information officer to credit (use --author)")
        external = data.get("id")
        if external not in (None, ""):
            key = f"id:{external}"
        else:
            digest = hashlib.sha256(
                "\x1f".join([unit.code, title, body, submitted.isoformat()]).encode()
            ).hexdigest()
            key = f"sha256:{digest}"
        return Row(
            line=number,
            key=key[:100],
            unit=unit,
            author_id=author,
            kind=kind,
            title=title,
            body=body,
            occurred=timezone.localdate(occurred_at) if occurred_at else None,
            submitted=submitted,
            tags=tags,
        )

    def write(self, rows: list[Row], source: str) -> int:
        """One transaction: the items, their revisions, events, tags and import keys."""
        if not rows:
            return 0
        tag_map: dict[str, int] = {}
        names = sorted({t for r in rows for t in r.tags})
        if names:
            tag_map = dict(zip(names, tag_ids(names), strict=True))
        with transaction.atomic():
            seen = set(
                ImportedItem.objects.filter(key__in=[r.key for r in rows]).values_list(
                    "key", flat=True
                )
            )
            fresh = [r for r in rows if r.key not in seen]
            items = InfoItem.objects.bulk_create(
                [
                    InfoItem(
                        unit=r.unit,
                        author_id=r.author_id,
                        kind=r.kind,
                        state=ItemState.FILED,
                        title=r.title,
                        body=r.body,
                        occurred_on=r.occurred,
                        submitted_at=r.submitted,
                        revision_count=1,
                    )
                    for r in fresh
                ]
            )
            ItemRevision.objects.bulk_create(
                ItemRevision(
                    item=item,
                    number=1,
                    source=RevisionSource.OFFICER,
                    title=r.title,
                    body=r.body,
                    author_id=r.author_id,
                )
                for item, r in zip(items, fresh, strict=True)
            )
            events = []
            for item, r in zip(items, fresh, strict=True):
                note = f"{source}:{r.line}"
                events.append(
                    ItemEvent(
                        item=item,
                        kind=EventKind.CREATED,
                        actor_id=r.author_id,
                        to_state=ItemState.DRAFT,
                        comment=note,
                    )
                )
                events.append(
                    ItemEvent(
                        item=item,
                        kind=EventKind.FILED,
                        actor_id=r.author_id,
                        from_state=ItemState.DRAFT,
                        to_state=ItemState.FILED,
                        comment=note,
                    )
                )
            ItemEvent.objects.bulk_create(events)
            InfoItem.tags.through.objects.bulk_create(
                InfoItem.tags.through(infoitem_id=item.pk, tag_id=tag_map[t])
                for item, r in zip(items, fresh, strict=True)
                for t in r.tags
            )
            ImportedItem.objects.bulk_create(
                ImportedItem(key=r.key, item=item) for item, r in zip(items, fresh, strict=True)
            )
        return len(fresh)


def import_lines(
    lines: Iterable[str],
    source: str,
    fallback_author: User | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    importer = Importer(fallback_author)
    outcome = Outcome()
    batch: list[Row] = []
    keys: set[str] = set()

    def flush() -> None:
        written = importer.write(batch, source)
        outcome.imported += written
        outcome.skipped += len(batch) - written
        batch.clear()

    number = 0
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            try:
                row = importer.parse(number, raw)
            except LineError as exc:
                outcome.rejected.append((number, str(exc)))
            else:
                if row.key in keys:
                    outcome.skipped += 1
                else:
                    keys.add(row.key)
                    batch.append(row)
                    if len(batch) >= BATCH:
                        flush()
        if progress and number % 100 == 0:
            progress(number)
    flush()
    if progress:
        progress(number)
    return outcome
