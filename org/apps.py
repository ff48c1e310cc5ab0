from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Receivers of user_logged_in: the idle timer, the second step and the password's
        # expiry are all settled at the login.
        from org import (  # noqa: F401
            middleware,
            sessions,
            twofactor,
        )
