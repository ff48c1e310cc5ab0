from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = _("Bulletins")

    def ready(self) -> None:
        from audit.labels import register_vocabularies
        from bulletins.models import AdoptionLevel, IssueState, TaskStatus

        # The auditor reads these codes in entries' details as their labels.
        register_vocabularies(
            ("issue_", "adoption_", "task_", "instruction_", "solicitation_"),
            AdoptionLevel,
            IssueState,
            TaskStatus,
        )
        from bulletins import deadline_kinds
        from bulletins.actions import answer_received
        from bulletins.queries_editorial import open_solicitations
        from submissions import hooks
        from submissions.signals import item_signed_off

        deadline_kinds.register()
        item_signed_off.connect(answer_received, dispatch_uid="bulletins.answer_received")
        # Submissions sits below us: it learns which solicitations an item may answer here.
        hooks.offer_solicitations(open_solicitations)
