"""`manage.py restore BACKUP`: bring a backup back into this (empty) instance and verify it
against its manifest; `--check` verifies a backup without restoring it (see
xinbao.core.restore)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from audit.actions import record
from xinbao.core import restore
from xinbao.core.backup import BackupError, Instance


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into this instance's database and "
        "directories, then verify every table's row count and every file's hash."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("backup", type=Path, help="the backup directory")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only verify the backup's files (and an SQLite copy's row counts)",
        )

    def handle(self, *args: Any, backup: Path, force: bool, check: bool, **options: Any) -> None:
        try:
            manifest = restore.read_manifest(backup)
            if check:
                report = restore.check_sqlite_copy(backup, manifest)
            else:
                connections.close_all()
                report = restore.restore(
                    backup, Instance.configured(), force=force, log=self.stderr.write
                )
        except (BackupError, OSError) as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        for problem in report.problems:
            self.stderr.write(f"MISMATCH {problem}")
        summary = f"{report.tables} tables ({report.rows} rows) and {report.files} files match"
        if not report.ok:
            raise CommandError(f"verification failed: {len(report.problems)} problems; {summary}")
        if not check:
            record(None, "backup_restored", f"backup:{backup.name}", {"tables": report.tables})
        self.stdout.write(f"verified: {summary}, taken {manifest['created_at']}")
