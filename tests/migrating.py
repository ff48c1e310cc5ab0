"""Running migrations by hand in a test as `migrate` runs them: the triggers that keep derived
data (the search index, the points ledger) are taken off before, and put back once the
database is at the latest state again. `migrate` does this through pre_migrate and
post_migrate, which a bare MigrationExecutor does not send. In an older state the tables the
triggers name may not exist, so the triggers stay off until the latest state."""

from typing import Any

from django.db.migrations.executor import MigrationExecutor

from archive import triggers as index_triggers
from scoring import triggers as ledger_triggers


class Executor(MigrationExecutor):
    def migrate(self, targets: Any, *args: Any, **kwargs: Any) -> Any:
        ledger_triggers.uninstall(self.connection)
        state = super().migrate(targets, *args, **kwargs)
        if set(targets) == set(self.loader.graph.leaf_nodes()):
            index_triggers.install(self.connection)
            ledger_triggers.install(self.connection)
        return state
