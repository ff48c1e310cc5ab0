"""`manage.py seed_demo`: load the demo city (江城市) once, then print the demo logins."""

from typing import Any

from django.core.management.base import BaseCommand

from xinbao.demo.directory import ROOT_CODE
from xinbao.demo.load import format_logins, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data (a fictional city with its units, people and items) unless it is "
        "already there, then print the demo logins. Safe to run again: a second run adds nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
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
