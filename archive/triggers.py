"""Database triggers that write an outbox row (`archive.Pending`) whenever a source changes.

A trigger runs inside the writing transaction whatever did the write — an action, a
`QuerySet.update`, a `bulk_create`, the admin, a data migration, raw SQL — so a committed
change always leaves its outbox row, and a rolled-back or killed one leaves neither.

They are (re)installed after every `migrate` (post_migrate), not by a migration: on SQLite a
schema change of a source table rebuilds that table, which drops its triggers.
"""

from dataclasses import dataclass

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

PENDING_TABLE = "archive_pending"


@dataclass(frozen=True)
class Watch:
    model: type[models.Model]
    kind: str  # the Pending kind: item, incident, report, issue, entry, notice
    column: str  # the column holding the source id
    columns: tuple[str, ...] = ()  # UPDATE OF these columns only; empty: any update


def watches() -> list[Watch]:
    from accountability.models import CriticismNotice
    from bulletins.models import Adoption, Issue, IssueEntry
    from emergencies.models import Incident, IncidentReport
    from submissions.models import InfoItem

    return [
        Watch(
            InfoItem,
            "item",
            "id",
            (
                "unit_id",
                "kind",
                "state",
                "title",
                "body",
                "created_at",
                "submitted_at",
                "verification",
            ),
        ),
        Watch(InfoItem.tags.through, "item", "infoitem_id"),
        Watch(InfoItem.joint_units.through, "item", "infoitem_id"),
        Watch(Adoption, "item", "item_id"),
        Watch(
            Incident,
            "incident",
            "id",
            ("title", "category", "subtype", "level", "place", "occurred_at"),
        ),
        Watch(Incident.responsible_units.through, "incident", "incident_id"),
        Watch(
            IncidentReport,
            "report",
            "id",
            (
                "incident_id",
                "unit_id",
                "summary",
                "cause",
                "measures",
                "trend",
                "on_site",
                "created_at",
                "received_at",
            ),
        ),
        Watch(Issue, "issue", "id", ("publication_id", "state", "issue_date", "published_at")),
        Watch(IssueEntry, "entry", "id", ("issue_id", "item_id", "title", "body")),
        Watch(CriticismNotice, "notice", "id"),
        Watch(CriticismNotice.units.through, "notice", "criticismnotice_id"),
    ]


def _name(table: str, suffix: str) -> str:
    return f"archive_q_{table}_{suffix}"[:63]


def _sqlite(w: Watch) -> list[str]:
    table = w.model._meta.db_table
    col = w.column
    insert = f"INSERT INTO {PENDING_TABLE} (kind, source_id) VALUES ('{w.kind}', %s);"
    of = f" OF {', '.join(w.columns)}" if w.columns else ""
    moved = (
        f"INSERT INTO {PENDING_TABLE} (kind, source_id) SELECT '{w.kind}', OLD.{col}"
        f" WHERE OLD.{col} IS NOT NEW.{col};"
    )
    out = []
    for suffix, event, body in (
        ("ai", "INSERT", insert % f"NEW.{col}"),
        ("au", f"UPDATE{of}", insert % f"NEW.{col}" + " " + moved),
        ("ad", "DELETE", insert % f"OLD.{col}"),
    ):
        name = _name(table, suffix)
        out.append(f"DROP TRIGGER IF EXISTS {name}")
        out.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {body} END")
    return out


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION archive_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
    old_id bigint;
BEGIN
    IF TG_OP <> 'DELETE' THEN new_id := (to_jsonb(NEW) ->> TG_ARGV[1])::bigint; END IF;
    IF TG_OP <> 'INSERT' THEN old_id := (to_jsonb(OLD) ->> TG_ARGV[1])::bigint; END IF;
    IF new_id IS NOT NULL THEN
        INSERT INTO {PENDING_TABLE} (kind, source_id) VALUES (TG_ARGV[0], new_id);
    END IF;
    IF old_id IS NOT NULL AND old_id IS DISTINCT FROM new_id THEN
        INSERT INTO {PENDING_TABLE} (kind, source_id) VALUES (TG_ARGV[0], old_id);
    END IF;
    RETURN NULL;
END $$
"""


def _postgres(w: Watch) -> list[str]:
    table = w.model._meta.db_table
    name = _name(table, "trg")
    of = f" OF {', '.join(w.columns)}" if w.columns else ""
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE{of} OR DELETE ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION archive_enqueue('{w.kind}', '{w.column}')",
    ]


def statements(vendor: str, tables: set[str]) -> list[str]:
    """The DDL that (re)installs every trigger whose table exists."""
    found = [w for w in watches() if w.model._meta.db_table in tables]
    if vendor == "postgresql":
        return [_PG_FUNCTION] + [s for w in found for s in _postgres(w)]
    return [s for w in found for s in _sqlite(w)]


def install(connection: BaseDatabaseWrapper) -> int:
    """Install the triggers on this database; returns how many source tables are watched."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if PENDING_TABLE not in tables:
            return 0
        for sql in statements(connection.vendor, tables):
            cursor.execute(sql)
    return len([w for w in watches() if w.model._meta.db_table in tables])


def installed(connection: BaseDatabaseWrapper) -> int:
    """How many trigger definitions of ours the database holds (a health check)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger"
                " WHERE tgname LIKE 'archive_q_%%' AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master"
                " WHERE type = 'trigger' AND name LIKE 'archive_q_%'"
            )
        (n,) = cursor.fetchone()
    return int(n)
