from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from xinbao.core.worker import Worker


class Command(BaseCommand):
    help = "Run the background worker: deadline reminders, breaches, escalations and deliveries."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between idle rounds"
        )
        parser.add_argument("--rounds", type=int, default=None, help="stop after N rounds (tests)")

    def handle(self, *args: Any, interval: float, rounds: int | None, **options: Any) -> None:
        Worker(interval=interval, log=lambda s: self.stdout.write(s)).run(rounds=rounds)
