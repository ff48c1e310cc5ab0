"""The fault bench's count, inside Django, after the server has stopped:
`python -m bench._faults_check <submissions.json> <run started, ISO>` (or `officers`: who may
write items).

Reads what the clients were told (each submission: token, user, acknowledged item id, the
attachment's SHA-256) and compares it with the database: acknowledged submissions present,
rows per token, identical content from one user, attachments on disk, inbox rows, the search
index after its outbox is drained, and the database's own consistency check. Prints one JSON
object.
"""

import hashlib
import json
import sys
import uuid
from datetime import datetime
from typing import Any


def _setup() -> None:
    import django

    django.setup()


def _integrity() -> str:
    """`PRAGMA integrity_check` on SQLite; amcheck's bt_index_check of every B-tree index on
    PostgreSQL (the heap has no such check of its own)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            return ", ".join(str(r[0]) for r in cursor.fetchall())
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        except Exception:
            return "n/a (amcheck not available)"
        cursor.execute(
            "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE a.amname = 'btree' AND n.nspname = 'public' AND c.relpersistence = 'p'"
        )
        names = [r[0] for r in cursor.fetchall()]
        for name in names:
            cursor.execute("SELECT bt_index_check(%s::regclass, true)", [name])
        return f"ok (amcheck: {len(names)} indexes)"


def _search_index() -> dict[str, int]:
    """Drain the outbox as the worker would, then compare the index with what the archive's own
    builder says it should hold for every item; and ask the full-text index for each."""
    from archive import backends, index
    from archive.models import DocKind, Document, Pending
    from submissions.models import InfoItem

    item_ids = list(InfoItem.objects.values_list("pk", flat=True))
    pending = Pending.objects.count()
    index.drain()
    expected = {k for k, doc in index.build(DocKind.ITEM, item_ids).items() if doc is not None}
    indexed = dict(Document.objects.filter(kind=DocKind.ITEM).values_list("key", "id"))
    in_fts = backends.current().count(backends.Plan(ids=tuple(indexed.values())))
    return {
        "index_pending_before_drain": pending,
        "index_expected": len(expected),
        "index_missing": len(expected - indexed.keys()),
        "index_stray": len(indexed.keys() - expected),
        "index_fulltext_found": in_fts,
    }


def _dupes(qs: Any, *fields: str) -> int:
    """Rows beyond the first in each group of `fields`."""
    from django.db.models import Count

    counts = qs.values(*fields).annotate(n=Count("id")).values_list("n", flat=True)
    return sum(n - 1 for n in counts if n > 1)


def check(submissions: list[dict[str, Any]], started: datetime) -> dict[str, Any]:
    from emergencies.models import Incident, IncidentReport
    from notify.models import Notification
    from submissions.models import Attachment, InfoItem

    users = sorted({s["user"] for s in submissions})
    # What the run wrote: items and reports by the clients' users since the server started.
    items = InfoItem.objects.filter(author__username__in=users, created_at__gte=started)
    reports = IncidentReport.objects.filter(author__username__in=users, created_at__gte=started)
    rows: dict[tuple[str, str, str | None], int] = {}
    for pk, u, t in items.values_list("pk", "author__username", "form_token"):
        rows["item", u, t.hex if t else None] = pk
    for inc, u, t in reports.values_list("incident_id", "author__username", "form_token"):
        rows["report", u, t.hex if t else None] = inc
    acked = [s for s in submissions if s["id"] is not None]
    present = sum(1 for s in acked if rows.get((s["kind"], s["user"], s["token"])) == s["id"])
    sent = {(s["kind"], s["user"], s["token"]) for s in submissions}
    # Rows sharing a token (the constraint forbids them), and rows of identical content from one
    # user (a retry that slipped past the token would make one): every submission's text is
    # unique.
    token_dupes = _dupes(items.exclude(form_token=None), "author", "form_token") + _dupes(
        reports.exclude(form_token=None), "author", "form_token"
    )
    incidents = Incident.objects.filter(created_by__username__in=users, created_at__gte=started)
    content_dupes = _dupes(items, "author", "title", "body") + _dupes(
        incidents, "created_by", "title", "place"
    )
    # Attachments: the acknowledged item holds exactly the file the client sent, on disk.
    with_file = [s for s in acked if s["sha256"]]
    intact = 0
    atts: dict[int, list[Attachment]] = {}
    for att in Attachment.objects.filter(item_id__in=[s["id"] for s in with_file]):
        atts.setdefault(att.item_id, []).append(att)
    for s in with_file:
        found = atts.get(s["id"], [])
        if len(found) != 1 or found[0].sha256 != s["sha256"]:
            continue
        with found[0].file.open("rb") as fh:
            if hashlib.sha256(fh.read()).hexdigest() == s["sha256"]:
                intact += 1
    inbox = Notification.objects.filter(created_at__gte=started)
    inbox_key_dupes = _dupes(inbox, "recipient", "key")
    inbox_same_message = _dupes(inbox, "recipient", "title", "body", "url")
    return {
        "acknowledged": len(acked),
        "present": present,
        "lost": len(acked) - present,
        "abandoned": len(submissions) - len(acked),
        "acknowledged_reports": sum(1 for s in acked if s["kind"] == "report"),
        "resent": sum(1 for s in submissions if s["posts"] > 1),
        "resent_already_saved": sum(1 for s in submissions if s.get("already_saved")),
        "rows": len(rows),
        "rows_never_sent": sum(1 for key in rows if key not in sent),
        "rows_unacknowledged": sum(
            1 for s in submissions if s["id"] is None and (s["kind"], s["user"], s["token"]) in rows
        ),
        "token_duplicates": token_dupes,
        "content_duplicates": content_dupes,
        "duplicates": token_dupes + content_dupes,
        "attachments_sent": len(with_file),
        "attachments_intact": intact,
        "inbox_rows": inbox.count(),
        "inbox_duplicates": inbox_key_dupes,
        "inbox_same_text": inbox_same_message,
        "integrity": _integrity(),
        **_search_index(),
    }


def officers() -> list[str]:
    """The demo's unit information officers, who write items."""
    from org.models import User
    from org.roles import Role

    users = User.objects.filter(role=Role.OFFICER, is_active=True, unit__isnull=False)
    return list(users.order_by("username").values_list("username", flat=True))


def main() -> None:
    _setup()
    if sys.argv[1] == "officers":
        print(json.dumps({"officers": officers()}), flush=True)
        return
    with open(sys.argv[1], encoding="utf-8") as fh:
        submissions = json.load(fh)
    for s in submissions:
        s["token"] = uuid.UUID(s["token"]).hex
    started = datetime.fromisoformat(sys.argv[2])
    print(json.dumps(check(submissions, started)), flush=True)


if __name__ == "__main__":
    main()
