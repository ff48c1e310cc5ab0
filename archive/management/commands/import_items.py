from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError

from archive import index
from archive.importing import import_lines
from archive.progress import Bar
from audit.actions import record
from org.models import User


class Command(BaseCommand):
    help = (
        "Import historical items from a JSON-lines file (one object a line: title, body, unit "
        "code, kind, occurred/submitted time, tags, optional id). Re-running the same file adds "
        "nothing; bad lines are reported with their numbers and the rest are imported."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--author",
            help="username credited for units that have no information officer",
        )

    def handle(self, *args: Any, file: Path, author: str | None, **options: Any) -> None:
        fallback = None
        if author:
            fallback = User.objects.filter(username=author).first()
            if fallback is None:
                raise CommandError(f"no user {author!r}")
        # Bytes, line by line: a line that is not UTF-8 is reported, not the whole file.
        try:
            with file.open("rb") as counting:
                total = sum(1 for _line in counting)
            stream = file.open("rb")
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        bar = Bar("import", cast(TextIO, self.stderr._out))
        with stream:
            outcome = import_lines(
                (line.rstrip(b"\r\n") for line in stream),
                file.name,
                fallback,
                progress=lambda n: bar(n, total),
            )
        drain_bar = Bar("index ", cast(TextIO, self.stderr._out))
        drained = index.drain(progress=drain_bar)
        for number, reason in outcome.rejected:
            self.stderr.write(f"{file.name}:{number}: rejected: {reason}")
        record(
            fallback,
            "archive.import_items",
            file.name,
            {
                "imported": outcome.imported,
                "skipped": outcome.skipped,
                "rejected": len(outcome.rejected),
            },
        )
        self.stdout.write(
            f"{outcome.imported} imported, {outcome.skipped} already there,"
            f" {len(outcome.rejected)} rejected; {drained} index changes applied"
        )
