from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Accountability")

    def ready(self) -> None:
        from accountability.models import NoticeStatus, ViolationKind, ViolationStatus
        from audit.labels import register_vocabularies

        # The auditor reads these codes in entries' details as their labels.
        register_vocabularies(
            ("violation_", "notice_", "reinstatement_", "unit_reinstated"),
            NoticeStatus,
            ViolationKind,
            ViolationStatus,
        )
        # The engine's candidates become pending violations in the engine's own transaction,
        # without emergencies importing accountability.
        from accountability import candidates

        candidates.connect()
