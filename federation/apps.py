from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        from accountability.signals import notice_issued
        from bulletins.signals import adoption_recorded, instruction_recorded, item_forwarded
        from emergencies.signals import incident_forwarded, report_received
        from federation import items, outbox

        # The outbox rows are written by these receivers inside the action's own transaction.
        incident_forwarded.connect(outbox.on_incident_forwarded, dispatch_uid="federation-fwd")
        report_received.connect(outbox.on_report_received, dispatch_uid="federation-report")
        notice_issued.connect(outbox.on_notice_issued, dispatch_uid="federation-notice")
        item_forwarded.connect(items.on_item_forwarded, dispatch_uid="federation-item")
        adoption_recorded.connect(items.on_adoption_recorded, dispatch_uid="federation-adopted")
        instruction_recorded.connect(
            items.on_instruction_recorded, dispatch_uid="federation-instructed"
        )
