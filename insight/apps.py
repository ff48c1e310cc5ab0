from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "insight"
    verbose_name = _("Archive analysis")

    def ready(self) -> None:
        # Items and incidents are signed for duplicate detection in the transaction that
        # stores their text; the apps below send the signal and never import insight.
        from insight import health, network, signing
        from org.network import register_activity
        from roster.queries import register_output

        signing.connect()
        # The network page (org) marks silent units by the report's rule and the policy.
        register_activity(network.network_activity)
        # The roster's history counts what each officer wrote, by author and period.
        register_output(health.output)
