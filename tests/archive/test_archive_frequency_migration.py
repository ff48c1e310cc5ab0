"""An upgraded PostgreSQL database (archive 0008) ranks from document frequencies counted out
of the tokens its documents already hold, with no rebuild."""

import pytest
from django.db import connection

from archive import backends, frequencies, index, rules
from submissions import actions
from tests.archive.truth import Truth, normalise
from tests.factories import content
from tests.migrating import Executor

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the table is PostgreSQL's alone"
)


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_what_is_already_indexed(officer_a):
    actions.do_create_item(officer_a, content(title="城南区火灾", body="火灾已扑灭，正文"))
    actions.do_create_item(officer_a, content(title="火情", body="南区正文"))
    index.drain()
    executor = Executor(connection)
    try:
        executor.migrate([("archive", "0007_token_statistics")])
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        assert frequencies.TABLE not in tables
    finally:
        executor = Executor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    truth = Truth()
    probes = ["火", "火灾", "正文", "南区", "扑灭", "无此"]
    grams = {p: rules.term_grams(normalise(p))[0] for p in probes}
    counts = backends.current().df(list(grams.values()))
    assert {p: counts[g] for p, g in grams.items()} == {p: len(truth.found(p)) for p in probes}
    assert counts[grams["火"]] == 2
