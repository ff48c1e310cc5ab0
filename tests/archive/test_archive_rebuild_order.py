"""A rebuild writes each kind's documents in the order of their dates, whatever order their
sources were entered in, so that documents of neighbouring ids are stored together."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from archive import documents, index
from archive.models import DocKind, Document
from submissions.models import InfoItem, ItemState
from tests.factories import make_item


def test_sources_are_read_in_the_order_of_their_documents_dates(officer_a, head_a):
    """Items entered newest first (as an archive imported backwards would be): their ids in
    batches come oldest first, by the date their documents take."""
    now = timezone.now()
    made = []
    for days in (1, 5, 3, 9, 7):
        item = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title=f"排序{days}")
        InfoItem.objects.filter(pk=item.pk).update(submitted_at=now - timedelta(days=days))
        made.append((days, item.pk))
    batches = list(documents.id_batches(DocKind.ITEM, 2))
    assert [len(b) for b in batches] == [2, 2, 1]
    read = [pk for batch in batches for pk in batch]
    expected = [pk for _days, pk in sorted(made, reverse=True)]
    assert [pk for pk in read if pk in expected] == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's table is the id order")
def test_after_a_rebuild_the_table_holds_documents_in_id_order(officer_a, head_a):
    """Read in the table's physical order, the rebuilt documents' ids ascend."""
    now = timezone.now()
    for days in (2, 8, 4, 6):
        item = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title=f"顺序{days}")
        InfoItem.objects.filter(pk=item.pk).update(submitted_at=now - timedelta(days=days))
    index.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM archive_document WHERE kind = 'item' ORDER BY ctid")
        ids = [r[0] for r in cursor.fetchall()]
    assert len(ids) == Document.objects.filter(kind="item").count() >= 4
    assert ids == sorted(ids)
