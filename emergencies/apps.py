from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergenciesConfig(AppConfig):
    name = "emergencies"
    verbose_name = _("Emergency information")

    def ready(self) -> None:
        from emergencies import deadline_kinds

        deadline_kinds.register()
