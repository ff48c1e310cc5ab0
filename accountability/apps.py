from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Accountability")

    def ready(self) -> None:
        # The engine's candidates become pending violations in the engine's own transaction,
        # without emergencies importing accountability.
        from accountability import candidates

        candidates.connect()
