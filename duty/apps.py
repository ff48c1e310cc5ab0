from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = _("Duty office")

    def ready(self) -> None:
        from duty import deadline_kinds

        deadline_kinds.register()
