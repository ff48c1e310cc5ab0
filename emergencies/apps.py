from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergenciesConfig(AppConfig):
    name = "emergencies"
    verbose_name = _("Emergency information")

    def ready(self) -> None:
        from audit.labels import register_vocabularies
        from emergencies import deadline_kinds
        from emergencies.models import (
            Category,
            Channel,
            IncidentStatus,
            ReportKind,
            ReportState,
            SightingStatus,
        )

        # The auditor reads these codes in entries' details as their labels.
        register_vocabularies(
            ("incident_", "incidents_", "report_", "sighting_"),
            Category,
            Channel,
            IncidentStatus,
            ReportKind,
            ReportState,
            SightingStatus,
        )
        deadline_kinds.register()
