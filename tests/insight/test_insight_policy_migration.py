"""The analysis policy moved from submissions (`ArchivePolicy`) to insight (`InsightPolicy`) by a
migration: the row the section chief edited comes through it, and the records stored unsigned are
signed on the way."""

import pytest
from django.db import connection

from insight import rules
from insight.models import InsightPolicy
from submissions.models import InfoItem
from tests.clock import YEAR
from tests.insight.insight_helpers import FLOOD_CHECK, item, local
from tests.migrating import Executor as MigrationExecutor

BEFORE = [("submissions", "0006_column_bounds"), ("insight", None)]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.fixture
def before_the_move():
    """The database as it was before the move; migrated forward again whatever the test did."""
    executor = _migrate(BEFORE)
    yield executor.loader.project_state(("submissions", "0006_column_bounds")).apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_an_edited_policy_survives_the_move(before_the_move):
    old = before_the_move.get_model("submissions", "ArchivePolicy")
    old.objects.update_or_create(
        pk=1, defaults={"silent_days": 45, "trend_stop_words": "演练 会议", "trend_min_count": 5}
    )
    _migrate([("insight", "0001_initial")])
    policy = InsightPolicy.current()
    assert (policy.pk, policy.silent_days, policy.trend_min_count) == (1, 45, 5)
    assert policy.trend_stop_words == "演练 会议"
    assert InsightPolicy.objects.count() == 1
    tables = connection.introspection.table_names()
    assert "insight_insightpolicy" in tables
    assert "submissions_archivepolicy" not in tables


@pytest.fixture
def stored(officer_a, head_a):
    """An item written through the real actions while the schema is current, before the
    database is taken back (its columns of later migrations go with them)."""
    return item(officer_a, FLOOD_CHECK, local(f"{YEAR}-03-02 09:00"), head=head_a)


def test_the_move_signs_items_stored_unsigned(stored, before_the_move):
    InfoItem.objects.filter(pk=stored.pk).update(minhash=b"")  # e.g. imported history
    _migrate([("insight", "0001_initial")])
    stored.refresh_from_db(fields=["minhash"])
    assert bytes(stored.minhash) == rules.signature(rules.item_text(*FLOOD_CHECK))
