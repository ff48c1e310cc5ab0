from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from scoring import triggers

    triggers.install(connections[using])


def _before_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from scoring import triggers

    triggers.uninstall(connections[using])


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Points")

    def ready(self) -> None:
        # After every migrate, as the archive's: a migration that rebuilds a source table on
        # SQLite drops the table's triggers, so they are put back each time.
        # Before it, they are taken off: their bodies name other tables, which a migration may
        # rename, rebuild or (going back) remove.
        pre_migrate.connect(_before_migrate, sender=self, dispatch_uid="scoring_triggers_off")
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="scoring_triggers")
        # The roster's lines show the points each person's items and reports earned the unit.
        from roster.queries import register_points
        from scoring.attribution import unit_credits

        register_points(unit_credits)
