"""The item list's .xlsx export (issue 14): every row carries its 密级, the sheet's first line
the highest mark among them, under the list's own filters and the reader's own visibility; the
export is audited.

Ground truth: the marks as the law names them, typed in (公开, 内部), and the rows each test
made, by title."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from org.models import hub_unit
from submissions import actions, export
from submissions.models import InfoItem, ItemState
from tests.download_checks import saved_name, xlsx_properties
from tests.factories import make_item

pytestmark = pytest.mark.django_db
EXPORT = reverse("submissions:list_xlsx")
HEADER = ["序号", "密级", "标题", "单位", "类别", "状态", "报送时间", "更新时间"]


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(filename=BytesIO(response.content))
    return [[c.value for c in row] for row in book.active.iter_rows()]


def marked(officer, head, title: str, secrecy: str, state=ItemState.SUBMITTED) -> InfoItem:
    item = make_item(officer, state, head=head, title=title)
    InfoItem.objects.filter(pk=item.pk).update(secrecy=secrecy)
    return item


@pytest.fixture
def two_units(officer_a, head_a, officer_b, head_b):
    marked(officer_a, head_a, "甲区部署汛期隐患排查", "internal")
    marked(officer_a, head_a, "甲区开展消防安全检查", "public")
    marked(officer_a, head_a, "甲区草拟防汛简报", "public", state=ItemState.DRAFT)
    marked(officer_b, head_b, "乙县召开春耕生产会议", "public")


def test_every_row_carries_its_secrecy_level_and_the_sheet_its_highest(
    client_of, editor, two_units
):
    rows = sheet_of(client_of(editor).get(EXPORT))
    assert rows[0][0] == "内部"
    assert rows[1] == HEADER
    by_title = {r[2]: r for r in rows[2:]}
    # The section sees submitted items, not a unit's drafts.
    assert set(by_title) == {"甲区部署汛期隐患排查", "甲区开展消防安全检查", "乙县召开春耕生产会议"}
    assert by_title["甲区部署汛期隐患排查"][1] == "内部"
    assert by_title["甲区开展消防安全检查"][1] == "公开"
    assert by_title["乙县召开春耕生产会议"][1] == "公开"
    assert [r[0] for r in rows[2:]] == [1, 2, 3]


def test_the_export_follows_the_lists_filters(client_of, editor, two_units):
    rows = sheet_of(client_of(editor).get(EXPORT, {"q": "乙县"}))
    assert [r[2] for r in rows[2:]] == ["乙县召开春耕生产会议"]
    assert rows[0][0] is None  # every row 公开: no mark
    [entry] = AuditEntry.objects.filter(action="items_exported")
    assert entry.actor == editor
    assert entry.data == {"filters": {"q": "乙县"}, "rows": 1}


def test_an_officer_exports_only_what_his_list_shows(client_of, officer_a, two_units):
    rows = sheet_of(client_of(officer_a).get(EXPORT))
    assert {r[2] for r in rows[2:]} == {
        "甲区部署汛期隐患排查",
        "甲区开展消防安全检查",
        "甲区草拟防汛简报",
    }


def test_the_list_links_to_the_export_with_its_filters(client_of, editor, two_units):
    page = client_of(editor).get(reverse("submissions:list"), {"kind": "news"}).content.decode()
    assert f'href="{EXPORT}?kind=news&"' in page
    assert "含密级" in page


def test_too_many_rows_are_refused_and_nothing_is_audited(
    client_of, editor, two_units, monkeypatch
):
    monkeypatch.setattr(export, "EXPORT_LIMIT", 2)
    response = client_of(editor).get(EXPORT, follow=True)
    assert "请缩小筛选范围后再导出" in response.content.decode()
    assert not AuditEntry.objects.filter(action="items_exported").exists()
    with pytest.raises(actions.ActionError):
        actions.do_export_items(editor, InfoItem.objects.all(), {})


def test_the_download_is_named_and_signed_by_the_office(client_of, editor, two_units):
    response = client_of(editor).get(EXPORT)
    name = saved_name(response)
    assert name.startswith("信息列表（") and name.endswith("导出）.xlsx")
    office = hub_unit()
    xlsx_properties(response.content, office.name if office else "", "信息列表")
