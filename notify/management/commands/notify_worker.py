"""Run the delivery worker: `manage.py notify_worker` (loop) or `--once` (one batch, for cron).

Any number of these may run at once on PostgreSQL. SIGTERM or Ctrl-C ends the loop after the
delivery in hand; a harder kill is safe too (its claim lapses and another pass takes it).
"""

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from notify.worker import process_deliveries


class Command(BaseCommand):
    help = "Send pending notifications (e-mail, webhooks, WeCom, DingTalk, SMS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Process one batch and exit.")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="Seconds to sleep when idle."
        )
        parser.add_argument("--batch", type=int, default=50, help="Deliveries per batch.")
        parser.add_argument(
            "--lease",
            type=int,
            default=60,
            help="Seconds a claimed delivery stays ours; must outlast one send (5-10 s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        batch = max(int(options["batch"]), 1)
        while not self.stopping:
            close_old_connections()
            attempted = process_deliveries(limit=batch, lease_seconds=int(options["lease"]))
            if options["verbosity"] > 1 and attempted:
                self.stdout.write(f"attempted {attempted} deliveries")
            if options["once"]:
                break
            if attempted < batch:
                self._sleep(float(options["interval"]))

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))
