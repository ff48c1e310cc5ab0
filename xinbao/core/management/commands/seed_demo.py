"""`manage.py seed_demo`: load the demo city (江城市) once, then print the demo logins.
`--level province` loads the demo province's office instead, into a database of its own."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinbao.demo.directory import ROOT_CODE
from xinbao.demo.load import format_logins, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data (a fictional city with its units, people and items) unless it is "
        "already there, then print the demo logins. Safe to run again: a second run adds nothing. "
        "--level province loads the fictional province's office (its fifteen cities, 江城市 "
        "among them) instead, for a city + province pair of instances."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--level",
            choices=["city", "province"],
            default="city",
            help="Which office's instance this database is (default: the city's).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["level"] == "province":
            self._province()
            return
        from xinbao.demo.province import province_present

        if province_present():
            raise CommandError(
                "This database holds the demo province; the city runs in an instance of its own."
            )
        result = load_demo(progress=self.stdout.write)
        if result.loaded:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded: {result.units} units, {result.people} people, "
                    f"{result.items} items."
                )
            )
        else:
            self.stdout.write(
                f"Demo data already present (unit {ROOT_CODE} exists); nothing added."
            )
        self.stdout.write("")
        self.stdout.write(format_logins())

    def _province(self) -> None:
        from xinbao.demo import province

        try:
            result = province.load_province(progress=self.stdout.write)
        except province.WrongInstance as exc:
            raise CommandError(str(exc)) from None
        if result.loaded:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo province loaded: {result.units} units, {result.people} people."
                )
            )
        else:
            self.stdout.write(
                f"Demo province already present (unit {province.PROVINCE_SECTION} exists); "
                "nothing added."
            )
        self.stdout.write("")
        self.stdout.write(province.format_logins())
