"""Database triggers that queue a `LedgerChange` (the ledger's outbox) whenever a source of
the points ledger changes: the shape of `archive.triggers`.

A trigger runs inside the writing transaction whatever did the write — an action, a
`QuerySet.update`, the admin, a data migration — so a committed adoption, instruction,
violation or policy edit always leaves its outbox row, and a rolled-back one leaves none. No
source app imports scoring to keep the ledger fresh: scoring sits above them and watches them.

Each watch says which units' points a changed row may move, as a SELECT over the row (`{r}`,
which becomes NEW and OLD): both the old and the new state are queued, so an adoption moved to
another item leaves the unit it left as well as the one it joined. NULL means every unit (the
point table). Installed after every `migrate` (post_migrate), as the archive's: on SQLite a
schema change of a source table rebuilds the table and drops its triggers.
"""

from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

OUTBOX_TABLE = "scoring_ledgerchange"
PREFIX = "scoring_q_"
UPDATE_ONLY = ("UPDATE",)  # rows whose insert or delete cannot move points


@dataclass(frozen=True)
class Watch:
    table: str
    units: str  # a SELECT of unit ids over the row `{r}`
    columns: tuple[str, ...] = ()  # UPDATE OF these columns only; empty: any update
    events: tuple[str, ...] = ("INSERT", "UPDATE", "DELETE")  # a new incident earns nothing


def watches() -> list[Watch]:
    from accountability.models import CriticismNotice, Violation
    from bulletins.deadline_kinds import EditorialKind
    from bulletins.models import Adoption, FollowUpTask, Instruction, Publication, Solicitation
    from deadlines.models import ExpectedReport
    from emergencies.models import Incident
    from scoring.models import ClassAssignment, ScoreRule, UnitClass
    from submissions.models import InfoItem

    item = InfoItem._meta.db_table
    joint = InfoItem.joint_units.through._meta.db_table
    task = FollowUpTask._meta.db_table
    violation = Violation._meta.db_table
    link = CriticismNotice.violations.through._meta.db_table
    expected = ExpectedReport._meta.db_table
    solicited = EditorialKind.SOLICITED.value

    def item_units(item_id: str) -> str:
        return (
            f"SELECT unit_id FROM {item} WHERE id = {item_id}"
            f" UNION SELECT unit_id FROM {joint} WHERE infoitem_id = {item_id}"
        )

    every_unit = "SELECT CAST(NULL AS bigint)"
    return [
        Watch(Adoption._meta.db_table, item_units("{r}.item_id")),
        Watch(
            Instruction._meta.db_table,
            item_units("{r}.item_id")
            + f" UNION SELECT unit_id FROM {task} WHERE instruction_id = {{r}}.id",
            ("item_id", "level", "instructed_on", "leader_name"),
        ),
        Watch(task, "SELECT {r}.unit_id", ("unit_id", "instruction_id", "due_at", "filed_at")),
        Watch(
            expected,
            f"SELECT {{r}}.unit_id WHERE {{r}}.kind = '{solicited}'",
            ("unit_id", "kind", "subject_id", "due_at", "status"),
        ),
        Watch(
            violation,
            "SELECT {r}.unit_id",
            ("unit_id", "kind", "status", "occurred_on", "summary", "incident_id", "item_id"),
        ),
        Watch(link, f"SELECT unit_id FROM {violation} WHERE id = {{r}}.violation_id"),
        Watch(
            CriticismNotice._meta.db_table,
            f"SELECT v.unit_id FROM {violation} v JOIN {link} l ON l.violation_id = v.id"
            " WHERE l.criticismnotice_id = {r}.id",
            ("issuer", "status"),
        ),
        Watch(
            item,
            f"SELECT {{r}}.unit_id UNION SELECT unit_id FROM {joint} WHERE infoitem_id = {{r}}.id"
            f" UNION SELECT t.unit_id FROM {task} t JOIN {Instruction._meta.db_table} i"
            " ON t.instruction_id = i.id WHERE i.item_id = {r}.id"
            f" UNION SELECT unit_id FROM {violation} WHERE item_id = {{r}}.id",
            ("unit_id", "title", "submitted_at", "forwarded_at"),
        ),
        Watch(joint, "SELECT {r}.unit_id UNION " + item_units("{r}.infoitem_id")),
        Watch(
            Incident._meta.db_table,
            f"SELECT unit_id FROM {violation} WHERE incident_id = {{r}}.id",
            ("title",),
            UPDATE_ONLY,
        ),
        Watch(
            Solicitation._meta.db_table,
            f"SELECT unit_id FROM {expected} WHERE kind = '{solicited}' AND subject_id = {{r}}.id",
            ("topic",),
            UPDATE_ONLY,
        ),
        Watch(Publication._meta.db_table, every_unit, ("name",), UPDATE_ONLY),
        Watch(ScoreRule._meta.db_table, every_unit),
        Watch(
            UnitClass._meta.db_table,
            f"SELECT unit_id FROM {ClassAssignment._meta.db_table} WHERE unit_class_id = {{r}}.id",
            ("monthly_quota",),
            UPDATE_ONLY,
        ),
        Watch(
            ClassAssignment._meta.db_table,
            "SELECT {r}.unit_id",
            ("unit_id", "unit_class_id", "quota_from"),
        ),
    ]


def _name(table: str, suffix: str) -> str:
    return f"{PREFIX}{table}_{suffix}"[:63]


def _insert(w: Watch, row: str) -> str:
    return f"INSERT INTO {OUTBOX_TABLE} (unit_id) " + w.units.replace("{r}", row) + ";"


def _sqlite(w: Watch) -> list[str]:
    of = f" OF {', '.join(w.columns)}" if w.columns else ""
    out = []
    for suffix, event, body in (
        ("ai", "INSERT", _insert(w, "NEW")),
        ("au", "UPDATE", _insert(w, "NEW") + " " + _insert(w, "OLD")),
        ("ad", "DELETE", _insert(w, "OLD")),
    ):
        name = _name(w.table, suffix)
        out.append(f"DROP TRIGGER IF EXISTS {name}")
        if event not in w.events:
            continue
        if event == "UPDATE":
            event += of
        out.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {w.table} FOR EACH ROW BEGIN {body} END"
        )
    return out


def _postgres(w: Watch) -> list[str]:
    name = _name(w.table, "trg")
    of = f" OF {', '.join(w.columns)}" if w.columns else ""
    events = [f"UPDATE{of}" if e == "UPDATE" else e for e in w.events]
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP <> 'DELETE' THEN {_insert(w, 'NEW')} END IF;"
        f" IF TG_OP <> 'INSERT' THEN {_insert(w, 'OLD')} END IF;"
        " RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {name} ON {w.table}",
        f"CREATE TRIGGER {name} AFTER {' OR '.join(events)} ON {w.table}"
        f" FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def statements(vendor: str, tables: set[str]) -> list[str]:
    """The DDL that (re)installs every trigger whose table exists."""
    found = [w for w in watches() if w.table in tables]
    if vendor == "postgresql":
        return [s for w in found for s in _postgres(w)]
    return [s for w in found for s in _sqlite(w)]


def install(connection: BaseDatabaseWrapper) -> int:
    """Install the triggers on this database; returns how many source tables are watched."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if OUTBOX_TABLE not in tables:
            return 0
        for sql in statements(connection.vendor, tables):
            cursor.execute(sql)
    return len([w for w in watches() if w.table in tables])


def uninstall(connection: BaseDatabaseWrapper) -> int:
    """Drop every trigger of ours, whatever table it is on; returns how many. Run before
    migrations: a trigger's body names other tables (a notice's link reads the violation), and
    SQLite re-checks every trigger when a migration renames or rebuilds a table, so one naming
    a table a migration takes away fails the migration. `install` puts them back afterwards."""
    like = PREFIX.replace("_", r"\_") + "%"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger"
                " WHERE NOT tgisinternal AND tgname LIKE %s",
                [like],
            )
            found = cursor.fetchall()
            for name, table in found:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON {table}')
        else:
            cursor.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"
                r" AND name LIKE %s ESCAPE '\'",
                [like],
            )
            found = cursor.fetchall()
            for name, _table in found:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    return len(found)
