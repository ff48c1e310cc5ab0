"""Archive audit entries older than the retention policy into a signed file (see
audit.retention). The worker does the same once a day; this is for a run by hand or cron."""

from typing import Any

from django.core.management.base import BaseCommand

from audit.retention import archive_expired


class Command(BaseCommand):
    help = "Move audit entries older than the retention into a signed archive file."

    def handle(self, *args: Any, **options: Any) -> None:
        done = archive_expired()
        if done is None:
            self.stdout.write("nothing to archive")
            return
        self.stdout.write(
            f"archived entries #{done.first_seq}–#{done.last_seq} ({done.count}) to {done.file}"
        )
