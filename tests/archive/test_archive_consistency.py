"""The index never disagrees with the data: every way a source row changes — actions,
QuerySet.update, bulk_create, deletes, many-to-many links — is seen by the next search; a
rolled-back write leaves no trace in the index; a drain that fails half-way leaves the index as
it was and is redone whole; and a process SIGKILLed again and again while it writes and indexes
leaves index and data equal."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from archive import backends, index
from archive.models import Document, Pending
from archive.search import Filters, matching_ids
from archive.sqlite_index import FTS
from archive.visibility import Grants
from bulletins.actions import do_adopt
from submissions import actions
from submissions.models import InfoItem, ItemState, Tag
from tests.factories import content, make_item

ROOT = Path(__file__).resolve().parents[2]
EVERYONE = Grants.everything()


def keys(query, **filters):
    ids = matching_ids(EVERYONE, query, Filters(**filters))
    return set(Document.objects.filter(id__in=ids).values_list("key", flat=True))


def assert_index_equals_data():
    """Every item has one document with its current text, and nothing else is indexed; each
    document is found by its own title."""
    index.drain()
    assert not Pending.objects.exists()
    items = {
        f"item:{pk}": (t, b) for pk, t, b in InfoItem.objects.values_list("pk", "title", "body")
    }
    docs = {d.key: (d.title, d.body) for d in Document.objects.filter(kind="item")}
    assert docs == items
    for key, (title, _body) in list(items.items())[:40]:
        assert key in keys(f'"{title}"'), key
    # Every document is in the index once, and nothing else (`xall` is on every document).
    assert backends.current().count(backends.Plan()) == Document.objects.count()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS} ({FTS}, rank) VALUES ('integrity-check', 0)")


def test_queryset_update_is_seen(officer_a):
    item = make_item(officer_a, title="旧标题水库巡查")
    InfoItem.objects.filter(pk=item.pk).update(title="新标题堤防加固")
    assert keys("堤防加固") == {f"item:{item.pk}"}
    assert keys("水库巡查") == set()


def bulk_items(officer, titles, **fields):
    """Routine items written by `bulk_create`, past the model's save and signals."""
    return InfoItem.objects.bulk_create(
        [
            InfoItem(unit=officer.unit, author=officer, kind="news", title=t, body="正文", **fields)
            for t in titles
        ]
    )


def test_bulk_create_and_delete_are_seen(officer_a):
    made = bulk_items(officer_a, [f"批量导入{i}号" for i in range(3)])
    assert keys("批量导入") == {f"item:{i.pk}" for i in made}
    InfoItem.objects.filter(pk=made[0].pk).delete()
    assert keys("批量导入") == {f"item:{i.pk}" for i in made[1:]}


def test_more_documents_of_one_second_than_it_has_slots_each_get_their_own_id(officer_a):
    """A document's id is its second times 64 plus a free slot: 70 items of one second fill
    its slots and go on into the next second, and a later batch of that second still finds
    free ids; every one is found, newest first by date."""
    moment = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)

    def items(first, n):
        titles = [f"同秒报送{i}号" for i in range(first, first + n)]
        return bulk_items(officer_a, titles, submitted_at=moment, state=ItemState.FILED)

    made = items(0, 70)
    assert keys("同秒报送") == {f"item:{i.pk}" for i in made}
    made += items(70, 5)
    index.drain()
    ids = list(Document.objects.filter(key__startswith="item:").values_list("id", flat=True))
    assert len(ids) == len(set(ids)) == 75
    second = int(moment.timestamp())
    assert sorted({i // index.SLOTS for i in ids}) == [second, second + 1]
    assert keys("同秒报送") == {f"item:{i.pk}" for i in made}
    assert_index_equals_data()


def test_tags_and_adoption_are_seen(officer_a, head_a, editor, city_daily, leader):
    from django.utils import timezone

    item = make_item(
        officer_a, ItemState.UNDER_REVIEW, head=head_a, editor=editor, title="防汛简报"
    )
    tag = Tag.objects.create(name="防汛")
    item.tags.add(tag)
    assert keys("防汛简报", tags=(tag.pk,)) == {f"item:{item.pk}"}
    assert matching_ids(leader, "防汛简报") == []
    do_adopt(editor, item.pk, city_daily, timezone.localdate())
    assert keys("防汛简报", adoption=("city",)) == {f"item:{item.pk}"}
    assert len(matching_ids(leader, "防汛简报")) == 1
    item.tags.clear()
    assert keys("防汛简报", tags=(tag.pk,)) == set()


def test_a_rolled_back_write_leaves_no_trace(officer_a):
    before = Document.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.do_create_item(officer_a, content(title="不会留下的稿件"))
        raise RuntimeError("the request failed after the write")
    assert keys("不会留下") == set()
    assert Document.objects.count() == before
    assert not Pending.objects.exists()


def test_a_drain_failing_half_way_changes_nothing_and_is_redone(officer_a, monkeypatch):
    item = make_item(officer_a, title="半途而废的索引")
    index.drain()
    InfoItem.objects.filter(pk=item.pk).update(title="重新索引之后")
    target = type(backends.current())  # FTS5, PostgreSQL or tantivy
    real_add = target.add

    def add_then_die(self, rows):
        real_add(self, rows)
        raise RuntimeError("killed after writing the index entry, before the commit")

    monkeypatch.setattr(target, "add", add_then_die)
    with pytest.raises(RuntimeError):
        index.drain()
    monkeypatch.undo()
    assert Pending.objects.exists()  # the outbox row survived the failed drain
    assert Document.objects.get(key=f"item:{item.pk}").title == "半途而废的索引"
    assert keys("重新索引") == {f"item:{item.pk}"}  # the next search drains it whole
    assert keys("半途而废") == set()
    assert_index_equals_data()


WRITER = """
import random, sys
from archive import index
from org.models import User
from submissions import actions
from submissions.models import InfoItem
officer = User.objects.get(pk={officer})
n = 0
while True:
    n += 1
    text = actions.ItemContent(
        title=f"写入中途被杀{{random.random()}}", body="进程被杀死。" * 20, kind="news")
    item = actions.do_create_item(officer, text)
    if n % 3 == 0:
        InfoItem.objects.filter(pk=item.pk).update(title=f"改过的标题{{n}}")
    if n % 5 == 0:
        index.drain()
    print(n, flush=True)
"""


class Child:
    """The test database as another process reaches it (SQLite: a file copy of pytest's
    in-memory database, copied back afterwards)."""

    def __init__(self, tmp_path: Path) -> None:
        self.file: Path | None = None
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            self.file = tmp_path / "child.sqlite3"
            url = f"sqlite:///{self.file}"
        else:
            url = (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            )
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "XINBAO_VAR_DIR": str(settings.VAR_DIR),
            "XINBAO_SEARCH_INDEX": settings.SEARCH_INDEX,
            "XINBAO_SEARCH_INDEX_DIR": str(settings.SEARCH_INDEX_DIR),
        }

    def hand_over(self) -> None:
        if self.file is not None:
            connection.ensure_connection()
            with closing(sqlite3.connect(self.file)) as dest:
                connection.connection.backup(dest)

    def take_back(self) -> None:
        if self.file is not None:
            with closing(sqlite3.connect(self.file)) as source:
                source.backup(connection.connection)


@pytest.mark.wallclock  # a real writer process: its clock cannot be pinned
@pytest.mark.django_db(transaction=True)
def test_sigkill_in_the_middle_of_writes_leaves_index_and_data_equal(officer_a, tmp_path):
    make_item(officer_a, title="被杀之前已有的稿件")
    index.drain()
    child = Child(tmp_path)
    child.hand_over()
    script = WRITER.format(officer=officer_a.pk)
    for round_ in range(4):
        log = (tmp_path / f"writer-{round_}.log").open("w+")
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=child.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        give_up = time.monotonic() + 90
        while True:  # let it write a few items, then kill it wherever it is
            log.seek(0)
            lines = [w for w in log.read().split() if w.isdigit()]
            if len(lines) >= 6 + round_ * 3:
                break
            assert proc.poll() is None, f"the writer died by itself: {lines[-20:]}"
            assert time.monotonic() < give_up, "the writer wrote nothing"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        log.close()
    child.take_back()
    assert InfoItem.objects.count() > 10
    assert_index_equals_data()
    for title in InfoItem.objects.filter(title__startswith="改过的标题").values_list(
        "title", flat=True
    )[:5]:
        assert keys(f'"{title}"')


def test_incident_and_bulletin_actions_are_seen(
    officer_a, head_a, editor, chief, leader, city_daily
):
    """The emergency chain and the bulletin workflow write with QuerySet.update (sign-off,
    level change, publishing): each step shows in the index."""
    from django.utils import timezone

    from emergencies import actions_level
    from tests.bulletins.bulletin_helpers import draft
    from tests.emergencies.emergency_factories import open_in_writing, sign_off

    now = timezone.now()
    report = open_in_writing(officer_a, now, title="甲区化工园区泄漏")
    assert keys("化工园区泄漏", kinds=("incident",)) == {f"incident:{report.incident_id}"}
    assert keys("化工园区泄漏", levels=("2",)) == {
        f"incident:{report.incident_id}",
        f"report:{report.pk}",
    }
    sign_off(head_a, report, now)
    index.drain()
    doc = Document.objects.get(key=f"report:{report.pk}")
    report.refresh_from_db()
    assert doc.date == report.received_at
    actions_level.do_change_level(editor, report.incident_id, "1", "伤亡人数上升")
    assert keys("化工园区泄漏", levels=("1",)) == {
        f"incident:{report.incident_id}",
        f"report:{report.pk}",
    }

    item = make_item(
        officer_a, ItemState.UNDER_REVIEW, head=head_a, editor=editor, title="每日要情稿件"
    )
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    issue = draft(editor, city_daily, [item], timezone.localdate())
    assert keys("每日要情稿件", kinds=("entry",))
    assert matching_ids(leader, "每日要情稿件", Filters(kinds=("entry",))) == []
    from bulletins import actions as bulletin_actions

    bulletin_actions.do_submit_issue(editor, issue.pk)
    bulletin_actions.do_sign_off_issue(chief, issue.pk)
    bulletin_actions.do_publish(editor, issue.pk)
    assert len(matching_ids(leader, "每日要情稿件", Filters(kinds=("entry",)))) == 1
