"""`manage.py demo_code <username>`: the code a demo account's authenticator shows now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinbao.demo.load import demo_present
from xinbao.demo.twofactor import current_code


class Command(BaseCommand):
    help = (
        "Print the current two-step verification code of a demo account (the demo's "
        "authenticators hold published secrets). Refuses outside the demo, and for any "
        "account whose authenticator is not the demo one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_present():
            raise CommandError("This is not the demo: no demo data is loaded here.")
        code = current_code(options["username"])
        if code is None:
            raise CommandError(
                f"{options['username']} has no demo authenticator (a real one, or none)."
            )
        self.stdout.write(code)
