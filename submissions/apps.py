from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Routine information")

    def ready(self) -> None:
        from audit.labels import register_vocabularies
        from submissions.models import EventKind, ItemKind, ItemState, TypicalCase, Verification

        # The auditor reads these codes in entries' details as their labels.
        register_vocabularies(
            ("item_", "items_"), ItemState, ItemKind, EventKind, TypicalCase, Verification
        )
