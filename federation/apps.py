from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        from accountability.signals import notice_issued
        from emergencies.signals import incident_forwarded, report_received
        from federation import outbox

        # The outbox rows are written by these receivers inside the action's own transaction.
        incident_forwarded.connect(outbox.on_incident_forwarded, dispatch_uid="federation-fwd")
        report_received.connect(outbox.on_report_received, dispatch_uid="federation-report")
        notice_issued.connect(outbox.on_notice_issued, dispatch_uid="federation-notice")
