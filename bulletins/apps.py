from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("Bulletins")

    def ready(self) -> None:
        from bulletins.queries_editorial import open_solicitations
        from submissions import hooks

        # Submissions sits below us: it learns which solicitations an item may answer here.
        hooks.offer_solicitations(open_solicitations)
