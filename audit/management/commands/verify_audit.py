"""Check the audit log: the keyed chain against the checkpoints kept outside the database.
Exits 1 when anything is wrong, saying what in the active language (Chinese by default)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.actions import do_verify


class Command(BaseCommand):
    help = "Verify the audit log's keyed chain and its checkpoints; exit 1 on any finding."

    def handle(self, *args: Any, **options: Any) -> None:
        report = do_verify(None)
        if report.ok:
            self.stdout.write(_("The chain of %(n)s entries is intact.") % {"n": report.entries})
            return
        for finding in report.findings:
            self.stderr.write(finding.message())
        raise CommandError(_("The audit log failed verification."))
