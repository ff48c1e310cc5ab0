"""Backups: one directory holding the database, the instance's files and a manifest.

A backup is a directory named for the instant it was taken (`xinbao-backup-20260501T020000Z`):

    manifest.json        what is inside, with a SHA-256 of every file and a row count per table
    database.sqlite3     SQLite: a copy made through the online backup API
    database.pgdump      PostgreSQL: `pg_dump --format=custom` of the configured database
    var/...              every file under VAR_DIR except the database and what is rebuilt
                         (collected static files, the SQLite write-queue lock file, the
                         tantivy search index)
    media/...            every file under MEDIA_ROOT (attachments)

The database is snapshotted first and the files copied after it: an attachment is on disk
before the row that names it commits, so every attachment the snapshot refers to is already
there when the files are copied. Counts and the migration state are read from the snapshot
itself (the copy on SQLite, the exported snapshot that pg_dump also reads on PostgreSQL), so
the manifest describes exactly what was saved even while the server keeps writing.

The directory is built under a hidden temporary name and renamed when the manifest is
written, so a backup that stopped half way never looks complete. It holds the secret key and
the audit key: it is as secret as the server itself.

This module uses plain database connections (sqlite3, psycopg) on a Django settings
dictionary rather than the ORM, so a backup or restore can target any database: the
configured one, or a scratch one in a drill or a test.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
PREFIX = "xinbao-backup-"
PARTIAL = ".partial"
_CHUNK = 1 << 20
# Files beside an SQLite database that belong to it (journal, WAL, shared memory, the
# write queue's lock file of xinbao.sqlite_queue): never copied as files.
_SQLITE_SIDECARS = ("", "-wal", "-shm", "-journal", ".writers")

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore could not be done; the message says why."""


@dataclass(frozen=True)
class Instance:
    """Where one xinbao instance keeps its state: a database and two directories."""

    database: Mapping[str, Any]  # a Django DATABASES entry (ENGINE, NAME, USER, ...)
    var_dir: Path
    media_root: Path
    skip: tuple[Path, ...] = field(default=())  # under var_dir, rebuilt rather than restored

    @classmethod
    def configured(cls) -> "Instance":
        """The instance these settings describe, on the database Django connects to."""
        from django.conf import settings
        from django.db import connections

        return cls(
            database=connections["default"].settings_dict,
            var_dir=Path(settings.VAR_DIR),
            media_root=Path(settings.MEDIA_ROOT),
            # The tantivy search index is derived from the database: a restored instance
            # rebuilds it from the document table on first use.
            skip=(Path(settings.STATIC_ROOT), Path(settings.SEARCH_INDEX_DIR)),
        )

    @property
    def vendor(self) -> str:
        engine = str(self.database["ENGINE"])
        if "sqlite" in engine:
            return "sqlite"
        if "postgresql" in engine:
            return "postgresql"
        raise BackupError(f"unsupported database engine {engine!r}")

    @property
    def sqlite_name(self) -> str:
        return str(self.database["NAME"])

    def excluded(self) -> set[Path]:
        """Paths under var_dir that are not copied as plain files."""
        out = {p.resolve() for p in self.skip}
        out.add(self.media_root.resolve())  # copied as its own root
        if self.vendor == "sqlite" and not self.sqlite_name.startswith("file:"):
            db = Path(self.sqlite_name).resolve()
            out.update(db.with_name(db.name + s) for s in _SQLITE_SIDECARS)
        return out

    def roots(self) -> dict[str, Path]:
        return {"var": self.var_dir, "media": self.media_root}


# --- Database access ---------------------------------------------------------------------


def sqlite_connect(name: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    name = str(name)
    if name.startswith("file:"):  # an in-memory shared-cache database (Django's test runner)
        return sqlite3.connect(name, uri=True, timeout=60)
    if readonly:
        return sqlite3.connect(f"file:{name}?mode=ro", uri=True, timeout=60)
    return sqlite3.connect(name, timeout=60)


def pg_connect(database: Mapping[str, Any], name: str | None = None) -> Any:
    import psycopg
    from psycopg.conninfo import make_conninfo

    params = {
        "dbname": name or database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }
    return psycopg.connect(make_conninfo(**{k: v for k, v in params.items() if v is not None}))


def pg_env(database: Mapping[str, Any]) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the connection without a command line
    that `ps` would show (the password)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if database.get(key):
            env[var] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    options = database.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: from PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return str(candidates[-1])


def run_tool(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip() or done.returncode}")


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    """Ordinary tables, FTS5 shadow tables included, virtual tables left out: a virtual
    table's rows live in its shadow tables, which are counted."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return sorted(
        name for name, sql in rows if not (sql or "").upper().startswith("CREATE VIRTUAL")
    )


def pg_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def count_rows(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def migration_state(cursor: Any, tables: list[str]) -> dict[str, list[str]]:
    """Applied migrations by app, as `django_migrations` records them."""
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    state: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        state.setdefault(app, []).append(name)
    return state


def describe_sqlite(path: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Row counts and migration state of an SQLite file, after an integrity check."""
    conn = sqlite_connect(path, readonly=True)
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the database copy is damaged: {check}")
        cursor = conn.cursor()
        tables = sqlite_tables(conn)
        return count_rows(cursor, tables), migration_state(cursor, tables)
    finally:
        conn.close()


# --- Files -------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_hashed(src: Path, dst: Path) -> tuple[str, int]:
    """Copy a file (mode included) and return the SHA-256 and size of the bytes written."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with src.open("rb") as fin, dst.open("wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
            size += len(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    shutil.copymode(src, dst)
    return digest.hexdigest(), size


def instance_files(root: Path, excluded: set[Path]) -> Iterator[Path]:
    """Regular files under root, in a stable order, not entering excluded paths or
    unfinished backups; symbolic links are not followed."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if (here / d).resolve() not in excluded and not _is_backup(here / d)
        )
        for name in sorted(filenames):
            path = here / name
            if path.is_symlink() or not path.is_file() or path.resolve() in excluded:
                continue
            yield path


def _is_backup(path: Path) -> bool:
    """A backup directory (finished or not) kept under the var dir is not backed up again."""
    return (path / MANIFEST).exists() or (
        path.name.startswith("." + PREFIX) and path.name.endswith(PARTIAL)
    )


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- Taking a backup ---------------------------------------------------------------------


def version() -> dict[str, str]:
    """The code that made the backup: package version and git commit when there is one."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        release = package_version("xinbao")
    except PackageNotFoundError:
        release = ""
    base = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run(
            ["git", "-C", str(base), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
        commit = done.stdout.strip() if done.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {"version": release, "commit": commit}


def _snapshot_sqlite(instance: Instance, dest: Path) -> tuple[dict[str, int], dict[str, Any]]:
    """Copy the live database with the online backup API in one step: the copy is one
    consistent state, and in WAL mode the writers carry on meanwhile."""
    name = instance.sqlite_name
    if not name.startswith("file:") and not Path(name).is_file():
        # sqlite3 would create an empty file and back that up
        raise BackupError(f"the database file {name} does not exist: is DATABASE_URL right?")
    src = sqlite_connect(name)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
        # A self-contained file: no -wal or -shm beside it when it is read later.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    return describe_sqlite(dest)


def _snapshot_pg(instance: Instance, dest: Path) -> tuple[dict[str, int], dict[str, Any]]:
    """pg_dump reads a snapshot exported by a repeatable-read transaction, and the counts
    are taken inside that same transaction: they describe exactly what was dumped."""
    import psycopg

    conn = pg_connect(instance.database)
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cmd = [
                pg_tool("pg_dump"),
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={dest}",
                str(instance.database["NAME"]),
            ]
            run_tool(cmd, pg_env(instance.database))
            tables = pg_tables(cursor)
            counts = count_rows(cursor, tables)
            migrations = migration_state(cursor, tables)
        conn.rollback()
    finally:
        conn.close()
    return counts, migrations


def take(instance: Instance, output: Path, now: datetime, log: Log = lambda s: None) -> Path:
    """Write a backup of `instance` into `output`; return its directory."""
    output.mkdir(parents=True, exist_ok=True)
    name = PREFIX + now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    taken = 1
    while (output / name).exists():  # a second backup within the same second
        taken += 1
        name = PREFIX + now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") + f"-{taken}"
    final = output / name
    work = output / f".{name}{PARTIAL}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(mode=0o700)
    try:
        manifest = _fill(instance, work, now, log)
        _write_manifest(work, manifest)
        work.rename(final)
        fsync_dir(output)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _fill(instance: Instance, work: Path, now: datetime, log: Log) -> dict[str, Any]:
    files: dict[str, dict[str, Any]] = {}
    vendor = instance.vendor
    db_file = SQLITE_FILE if vendor == "sqlite" else PG_FILE
    log(f"database ({vendor}) ...")
    if vendor == "sqlite":
        counts, migrations = _snapshot_sqlite(instance, work / db_file)
    else:
        counts, migrations = _snapshot_pg(instance, work / db_file)
    (work / db_file).chmod(0o600)
    if not counts:
        raise BackupError("the database has no tables: is DATABASE_URL right, is it migrated?")
    files[db_file] = {"sha256": sha256_of(work / db_file), "size": (work / db_file).stat().st_size}
    log(f"database: {len(counts)} tables, {sum(counts.values())} rows")
    excluded = instance.excluded() | {work.resolve()}
    for label, root in instance.roots().items():
        n = 0
        for path in instance_files(root, excluded):
            rel = f"{label}/{path.relative_to(root).as_posix()}"
            try:
                digest, size = copy_hashed(path, work / rel)
            except FileNotFoundError:
                # Deleted since the walk listed it (a discarded draft's attachment): the
                # live database no longer needs it either.
                (work / rel).unlink(missing_ok=True)
                log(f"{label}: {rel} vanished while copying; left out")
                continue
            files[rel] = {"sha256": digest, "size": size}
            n += 1
        log(f"{label}: {n} files from {root}")
    return {
        "format": FORMAT,
        "created_at": now.astimezone(UTC).isoformat(),
        "vendor": vendor,
        "xinbao": version(),
        "database_file": db_file,
        "migrations": migrations,
        "tables": counts,
        "files": files,
        "roots": {label: str(root) for label, root in instance.roots().items()},
    }


def _write_manifest(work: Path, manifest: dict[str, Any]) -> None:
    path = work / MANIFEST
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    fsync_dir(work)
