from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from archive import index, triggers

    connection = connections[using]
    if triggers.install(connection):
        index.after_flush(connection)


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Information database")

    def ready(self) -> None:
        # After every migrate: a migration that rebuilds a source table on SQLite drops the
        # table's triggers, so they are put back each time. (`flush` sends it too.)
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="archive_triggers")
