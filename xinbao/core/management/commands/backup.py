"""`manage.py backup`: database, files and a manifest into one directory (see
xinbao.core.backup). Exits non-zero with the reason when it cannot finish; nothing that looks
like a complete backup is left behind then."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.actions import record
from xinbao.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump), the attachments and the "
        "other files under the var directory, with a manifest of row counts and hashes."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="directory to write the backup into (default: VAR_DIR/backups)",
        )

    def handle(self, *args: Any, output: Path | None, **options: Any) -> None:
        output = (output or Path(settings.VAR_DIR) / "backups").resolve()
        instance = backup.Instance.configured()
        try:
            made = backup.take(instance, output, timezone.now(), log=self.stderr.write)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        manifest = (made / backup.MANIFEST).stat().st_size
        record(None, "backup_created", f"backup:{made.name}", {"vendor": instance.vendor})
        self.stdout.write(f"{made} (manifest {manifest} bytes)")
