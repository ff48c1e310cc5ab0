from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("Bulletins")

    def ready(self) -> None:
        from bulletins import deadline_kinds

        deadline_kinds.register()
