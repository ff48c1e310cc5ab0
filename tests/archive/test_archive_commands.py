"""The command-line face: search --json, import_items, reindex --if-needed."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from archive import index, rules
from archive.models import Document, ImportedItem, IndexState
from archive.search import count
from archive.visibility import Grants
from submissions.models import InfoItem, ItemEvent, ItemState
from tests.factories import make_item

EVERYONE = Grants.everything()


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_search_json_prints_total_and_ranked_ids(officer_a, editor):
    a = make_item(officer_a, title="水库水库水库安全度汛")
    b = make_item(officer_a, title="水库巡查")
    out, _err = run("search", "水库", "--json")
    data = json.loads(out)
    assert data == {"total": 2, "ids": [f"item:{a.pk}", f"item:{b.pk}"]}
    # As the editor: drafts of a unit are not theirs to see.
    out, _err = run("search", "水库", "--json", "--as", "editor")
    assert json.loads(out) == {"total": 0, "ids": []}
    out, _err = run("search", "水库")
    assert "2 match(es)" in out and f"item:{a.pk}" in out
    with pytest.raises(CommandError):
        run("search", "水库", "--as", "nobody")


# Items from the years before the system, as an office imports them: fixed past years (data).
LINES = [
    {
        "title": "2019年防汛工作总结",
        "body": "全年汛期平稳。",
        "unit": "unit-a",
        "kind": "经验",
        "occurred": "2019-10-08",
        "submitted": "2019-10-09T09:30:00+08:00",
        "tags": ["防汛", "总结"],
    },
    {
        "title": "旧闻一则",
        "body": "正文",
        "unit": "unit-a",
        "kind": "news",
        "submitted": "2018-03-01",
        "id": "old-7",
    },
    {"title": "没有单位", "body": "正文", "unit": "nowhere", "submitted": "2018-03-01"},
    "this is not json",
    {"title": "", "body": "正文", "unit": "unit-a", "submitted": "2018-03-01"},
    {"title": "没有时间", "body": "正文", "unit": "unit-a"},
    {
        "title": "类别不对",
        "body": "正文",
        "unit": "unit-a",
        "kind": "gossip",
        "submitted": "2018-03-01",
    },
    {
        "title": "全角数字２０１８年",
        "body": "ＧＤＰ增长",
        "unit": "unit-b",
        "kind": "problem",
        "submitted": "2018-04-01 08:00",
        "tags": "经济,统计",
    },
]


@pytest.fixture
def jsonl(tmp_path):
    path = tmp_path / "history.jsonl"
    path.write_text(
        "\n".join(
            line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
            for line in LINES
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def test_import_items_is_idempotent_and_reports_bad_lines(officer_a, officer_b, jsonl):
    out, err = run("import_items", str(jsonl))
    assert "3 imported, 0 already there, 5 rejected" in out
    assert "history.jsonl:3: rejected: unknown unit code 'nowhere'" in err
    assert "history.jsonl:4: rejected: not valid JSON" in err
    assert "history.jsonl:5: rejected: title is missing" in err
    assert "history.jsonl:6: rejected: neither submitted nor occurred is given" in err
    assert "history.jsonl:7: rejected: unknown kind 'gossip'" in err
    assert InfoItem.objects.count() == 3
    out, err = run("import_items", str(jsonl))
    assert "0 imported, 3 already there, 5 rejected" in out
    assert InfoItem.objects.count() == 3 == ImportedItem.objects.count()


def test_imported_items_are_ordinary_filed_items_and_searchable(
    officer_a, officer_b, jsonl, editor
):
    run("import_items", str(jsonl))
    item = InfoItem.objects.get(title="2019年防汛工作总结")
    assert item.state == ItemState.FILED and item.kind == "experience"
    assert item.unit == officer_a.unit and item.author == officer_a
    assert sorted(item.tags.values_list("name", flat=True)) == ["总结", "防汛"]
    assert item.revisions.count() == 1
    assert list(ItemEvent.objects.filter(item=item).values_list("kind", flat=True)) == [
        "created",
        "filed",
    ]
    doc = Document.objects.get(key=f"item:{item.pk}")
    assert doc.date.year == 2019
    assert count(editor, "防汛工作") == 1  # the section sees filed items
    assert count(editor, "gdp 2018") == 1  # full-width text found by half-width terms


def test_reindex_if_needed_rebuilds_only_on_a_new_schema(officer_a):
    make_item(officer_a, title="重建索引测试")
    out, _err = run("reindex", "--if-needed")
    assert "current" in out
    from archive import backends

    backends.current().reset()  # what an old schema's tokens are worth to this code: nothing
    IndexState.objects.filter(pk=1).update(version="0/old")
    assert count(EVERYONE, "重建索引") == 0
    out, err = run("reindex", "--if-needed")
    assert "rebuilt" in out and "reindex [" in err
    assert IndexState.objects.get(pk=1).version == rules.SCHEMA_VERSION
    assert count(EVERYONE, "重建索引") == 1
    assert not index.needs_rebuild()


def test_reindex_keeps_the_same_results(officer_a, officer_b):
    for i in range(12):
        make_item(officer_a if i % 2 else officer_b, title=f"第{i}号水文报告")
    before = count(EVERYONE, "水文")
    run("reindex")
    assert count(EVERYONE, "水文") == before == 12


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="PostgreSQL's GIN index"
)
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_makes_the_gin_index_again_even_when_it_fails(officer_a, monkeypatch):
    """On PostgreSQL a rebuild writes every document's tokens, then makes the GIN index once.
    One that fails half-way makes it too, says the index is incomplete, and the next rebuild
    completes it. (Committed as in production.)"""
    from django.db import connection

    def gin_valid() -> bool:
        """The index exists and is valid. (Whether the planner may use it also depends on
        every transaction in the cluster that was open when it was made, tests running in
        parallel included: a new index on rows with HOT chains waits for them to end.)"""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indisvalid AND indisready FROM pg_index"
                " WHERE indexrelid = to_regclass('archive_document_tokens')"
            )
            row = cursor.fetchone()
        return bool(row and row[0])

    for i in range(3):
        make_item(officer_a, title=f"第{i}号防汛报告")
    run("reindex")
    assert gin_valid() and count(EVERYONE, "防汛报告") == 3

    def fails(*_args):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(index, "_index_batch", fails)
    with pytest.raises(RuntimeError):
        index.rebuild()
    assert gin_valid() and index.needs_rebuild()
    monkeypatch.undo()
    run("reindex")
    assert gin_valid() and count(EVERYONE, "防汛报告") == 3
    assert not index.needs_rebuild()
