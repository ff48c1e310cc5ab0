from argparse import ArgumentParser
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand
from django.db import connection

from archive import index, rules, triggers
from archive.progress import Bar
from audit.actions import record


class Command(BaseCommand):
    help = (
        "Rebuild the archive's search index from the sources, with a progress bar. "
        "--if-needed: only when the index was built with another schema version."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-needed",
            action="store_true",
            help="rebuild only if the stored schema version differs from this code's",
        )

    def handle(self, *args: Any, if_needed: bool, **options: Any) -> None:
        watched = triggers.install(connection)
        if if_needed and not index.needs_rebuild():
            index.drain()
            self.stdout.write(f"search index is current (schema {rules.SCHEMA_VERSION})")
            return
        old = index.state().version
        count = index.rebuild(progress=Bar("reindex", cast(TextIO, self.stderr._out)))
        drained = index.drain()
        record(
            None,
            "archive.reindex",
            "search index",
            {"from": old, "to": rules.SCHEMA_VERSION, "documents": count},
        )
        self.stdout.write(
            f"search index rebuilt: {count} documents, schema {rules.SCHEMA_VERSION}"
            f" (was {old or 'none'}), {watched} source tables watched"
            + (f", {drained} changes caught up" if drained else "")
        )
