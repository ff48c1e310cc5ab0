from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scoring.actions import rebuild


class Command(BaseCommand):
    help = "Recompute the points ledger from adoptions, instructions and deadlines (re-runnable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="only this year (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        self.stdout.write(f"Rebuilding the ledger for {year or 'every year'}…")
        result = rebuild(year)
        self.stdout.write(
            f"Removed {result.deleted} old rows, wrote {result.entries} entries, "
            f"total {result.total} points."
        )
