"""Restoring a backup (see xinbao.core.backup) into an instance, then proving it came back.

The order: read the manifest; check every file of the backup against its hash, before
anything is touched; refuse a target database that already holds data (unless forced);
bring the database back (SQLite: the online backup API into the target file; PostgreSQL:
`pg_restore` in one transaction); put the files back (each through a temporary name); then
count every table and hash every restored file again and compare with the manifest.

A backup goes back into the same vendor it was taken from: an SQLite backup into SQLite,
a PostgreSQL dump into PostgreSQL. Moving between vendors is not a restore.
"""

import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from xinbao.core.backup import (
    FORMAT,
    MANIFEST,
    BackupError,
    Instance,
    Log,
    copy_hashed,
    count_rows,
    describe_sqlite,
    migration_state,
    pg_connect,
    pg_env,
    pg_tables,
    pg_tool,
    run_tool,
    sha256_of,
    sqlite_connect,
    sqlite_tables,
)


@dataclass
class Report:
    """What a verification found: empty `problems` means everything matched."""

    tables: int = 0
    rows: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_manifest(backup: Path) -> dict[str, Any]:
    path = backup / MANIFEST
    if not backup.is_dir():
        raise BackupError(f"{backup} is not a backup directory")
    if not path.is_file():
        raise BackupError(f"{backup} has no {MANIFEST}: it is not a complete backup")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    return manifest


def check_backup(backup: Path, manifest: dict[str, Any]) -> Report:
    """Every file the manifest lists is in the backup with its hash; nothing else is."""
    report = Report()
    listed = manifest["files"]
    for rel, facts in sorted(listed.items()):
        path = backup / rel
        parts = PurePosixPath(rel).parts
        if PurePosixPath(rel).is_absolute() or ".." in parts:
            report.problems.append(f"a path outside the instance: {rel}")
        elif not path.is_file():
            report.problems.append(f"missing from the backup: {rel}")
        elif sha256_of(path) != facts["sha256"]:
            report.problems.append(f"changed since the backup was taken: {rel}")
        else:
            report.files += 1
    present = {p.relative_to(backup).as_posix() for p in backup.rglob("*") if p.is_file()} - {
        MANIFEST
    }
    for rel in sorted(present - set(listed)):
        report.problems.append(f"not in the manifest: {rel}")
    return report


def _target_tables(instance: Instance) -> dict[str, int]:
    """Row counts of the target database's tables (none if it does not exist yet)."""
    if instance.vendor == "sqlite":
        name = instance.sqlite_name
        if not name.startswith("file:") and not Path(name).exists():
            return {}
        conn = sqlite_connect(name)
        try:
            return count_rows(conn.cursor(), sqlite_tables(conn))
        finally:
            conn.close()
    with pg_connect(instance.database) as conn, conn.cursor() as cursor:
        return count_rows(cursor, pg_tables(cursor))


def holds_data(instance: Instance) -> int:
    """How many accounts the target has. Nothing can be entered without an account, so a
    database without any (new, or only migrated) holds nothing a restore would destroy."""
    from django.apps import apps
    from django.conf import settings

    users = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    return _target_tables(instance).get(users, 0)


def restore(
    backup: Path, instance: Instance, *, force: bool = False, log: Log = lambda s: None
) -> Report:
    """Bring `backup` back into `instance` and verify it; BackupError if it cannot start."""
    manifest = read_manifest(backup)
    if manifest["vendor"] != instance.vendor:
        raise BackupError(
            f"the backup is of a {manifest['vendor']} database and this instance uses "
            f"{instance.vendor}: restore into the same kind of database"
        )
    found = check_backup(backup, manifest)
    if not found.ok:
        raise BackupError("the backup is damaged:\n  " + "\n  ".join(found.problems))
    log(f"backup intact: {found.files} files match the manifest")
    accounts = holds_data(instance)
    if accounts and not force:
        raise BackupError(
            f"the target database already holds data ({accounts} accounts); restoring "
            "replaces all of it. Restore into an empty instance, or pass --force."
        )
    db_file = backup / manifest["database_file"]
    log(f"database ({instance.vendor}) ...")
    if instance.vendor == "sqlite":
        _restore_sqlite(db_file, instance.sqlite_name)
    else:
        _restore_pg(db_file, instance)
    roots = instance.roots()
    n = 0
    for rel in sorted(manifest["files"]):
        label, _sep, sub = rel.partition("/")
        if label in roots:
            _put(backup / rel, roots[label] / sub)
            n += 1
    log(f"files: {n} restored")
    return verify(instance, manifest)


def _restore_sqlite(src_path: Path, target: str) -> None:
    new = not target.startswith("file:") and not Path(target).exists()
    if new:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    src = sqlite_connect(src_path, readonly=True)
    dst = sqlite_connect(target)
    try:
        src.backup(dst)  # replaces every page of the target in one transaction
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()


def _restore_pg(dump: Path, instance: Instance) -> None:
    cmd = [
        pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={instance.database['NAME']}",
        str(dump),
    ]
    run_tool(cmd, pg_env(instance.database))


def _put(src: Path, dst: Path) -> None:
    """Write through a temporary name beside the target, so a crash leaves the old file or
    the new one, never half of one."""
    tmp = dst.with_name(f".{dst.name}.restoring")
    copy_hashed(src, tmp)
    os.replace(tmp, dst)


def verify(instance: Instance, manifest: dict[str, Any]) -> Report:
    """Compare the instance with a manifest: every table's count, every file's hash, the
    migration state."""
    report = Report()
    if instance.vendor == "sqlite":
        conn = sqlite_connect(instance.sqlite_name)
        try:
            cursor: Any = conn.cursor()
            tables = sqlite_tables(conn)
            counts = count_rows(cursor, tables)
            migrations = migration_state(cursor, tables)
        finally:
            conn.close()
    else:
        with pg_connect(instance.database) as pg, pg.cursor() as cursor:
            tables = pg_tables(cursor)
            counts = count_rows(cursor, tables)
            migrations = migration_state(cursor, tables)
    for table, expected in sorted(manifest["tables"].items()):
        got = counts.get(table)
        if got is None:
            report.problems.append(f"table {table} is missing")
        elif got != expected:
            report.problems.append(f"table {table}: {got} rows, the backup has {expected}")
        else:
            report.tables += 1
            report.rows += got
    if migrations != manifest["migrations"]:
        report.problems.append("the applied migrations differ from the backup's")
    roots = instance.roots()
    for rel, facts in sorted(manifest["files"].items()):
        label, _sep, sub = rel.partition("/")
        if label not in roots:
            continue  # the database dump itself
        path = roots[label] / sub
        if not path.is_file():
            report.problems.append(f"file {rel} is missing")
        elif sha256_of(path) != facts["sha256"]:
            report.problems.append(f"file {rel} differs from the backup")
        else:
            report.files += 1
    return report


def check_sqlite_copy(backup: Path, manifest: dict[str, Any]) -> Report:
    """An SQLite backup can be checked in place, without restoring: its database copy is
    intact and holds the counts the manifest says."""
    report = check_backup(backup, manifest)
    if not report.ok or manifest["vendor"] != "sqlite":
        return report
    try:
        counts, migrations = describe_sqlite(backup / manifest["database_file"])
    except (BackupError, sqlite3.Error) as exc:
        report.problems.append(str(exc))
        return report
    for table, expected in sorted(manifest["tables"].items()):
        if counts.get(table) != expected:
            report.problems.append(f"table {table}: {counts.get(table)} rows, manifest {expected}")
        else:
            report.tables += 1
            report.rows += expected
    if migrations != manifest["migrations"]:
        report.problems.append("the copy's migrations differ from the manifest's")
    return report
