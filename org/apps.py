from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Receivers of user_logged_in: the idle timer, the second step and the password's
        # expiry are all settled at the login.
        from audit.labels import register_vocabularies
        from org import (  # noqa: F401
            middleware,
            sessions,
            twofactor,
        )
        from org.secrecy import Secrecy

        # 密级 codes in the audit log read as their labels.
        register_vocabularies(("issue_secrecy", "item_secrecy", "notice_secrecy"), Secrecy)
