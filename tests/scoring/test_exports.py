"""The exports read back: rankings and scorecards as filed .xlsx sheets, the annual
evaluation summary as a .docx."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from scoring.actions import rebuild
from submissions.models import InfoItem
from tests.bulletins.editorial_helpers import local
from tests.clock import TODAY, YEAR
from tests.factories import make_unit
from tests.scoring.scoring_helpers import adopted, assign, province_notice, violation

pytestmark = pytest.mark.django_db

LATER = local(f"{YEAR}-11-20 12:00")


@pytest.fixture
def year(officer_a, officer_b, chief, section, unit_a, unit_b, city_daily, province_bulletin):
    """一类: A (40 points: a provincial adoption of a forwarded item, × 2; disqualified by a
    provincial notice) and B (4); C alone in 二类."""
    assign(unit_a, "一类", date(YEAR, 1, 1), quota=0)
    assign(unit_b, "一类", date(YEAR, 1, 1))
    assign(make_unit("丙县委办公室", code="unit-c"), "二类", date(YEAR, 1, 1), quota=0)
    adopted(officer_a, province_bulletin, local(f"{YEAR}-02-02 10:00"))
    adopted(officer_b, city_daily, local(f"{YEAR}-02-03 10:00"))
    late = violation(chief, unit_a, "late", date(YEAR, 3, 10))
    province_notice(chief, [late], date(YEAR, 3, 20), number=f"省委办通〔{YEAR}〕9号")
    rebuild(YEAR, as_of=LATER)


def test_the_ranking_workbook_is_laid_out_as_offices_file_it(client_of, leader, year):
    response = client_of(leader).get(reverse("scoring:board_xlsx"), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames[:2] == ["一类", "二类"]
    ws = book["一类"]
    assert "A1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert str(YEAR) in ws["A1"].value and "一类" in ws["A1"].value
    assert str(YEAR) in ws["A2"].value
    assert ws.freeze_panes == "A4"
    header = [c for c in ws[3]]
    assert all(c.font.bold and c.border.bottom.style == "thin" for c in header)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=5)]
    # A has 40 − 100 = −60 and is disqualified; B has 4 and takes the first award.
    assert [(r[0], r[1], r[2], r[3], r[7]) for r in rows] == [
        (1, "乙县委办公室", "一类", 4, "一等奖"),
        (2, "甲区委办公室", "一类", -60, None),
    ]
    assert rows[1][8]  # the remark says why there is no award
    assert ws["D4"].number_format == "0.00"
    assert ws.column_dimensions["B"].width >= 20


def test_a_monthly_ranking_workbook_has_no_awards(client_of, editor, year):
    response = client_of(editor).get(reverse("scoring:board_xlsx"), {"year": YEAR, "period": "2"})
    ws = load_workbook(BytesIO(response.content))["一类"]
    assert [ws.cell(row=r, column=8).value for r in (4, 5)] == [None, None]


def test_the_scorecard_workbook_lists_every_traced_line(client_of, officer_a, unit_a, year):
    # The adopted item is marked 内部: its line says so; the violation's line is about no item.
    InfoItem.objects.filter(unit=unit_a).update(secrecy="internal")
    response = client_of(officer_a).get(
        reverse("scoring:unit_xlsx", args=[unit_a.pk]), {"year": YEAR}
    )
    book = load_workbook(BytesIO(response.content))
    ws = book.worksheets[0]
    assert "甲区委办公室" in ws["A1"].value
    assert [c.value for c in ws[3]] == ["序号", "日期", "来源", "密级", "规则", "积分"]
    lines = [[c.value for c in row] for row in ws.iter_rows(min_row=4) if row[5].value is not None]
    assert [line[5] for line in lines] == [40, -100, -60]  # adoption, violation, total
    assert "省委办公厅信息专报" in lines[0][2]
    assert [line[3] or "" for line in lines] == ["内部", "", ""]
    assert ws.freeze_panes == "A4"
    quota = book.worksheets[1]
    assert [quota.cell(row=5, column=c).value for c in (1, 2, 3, 4)] == [f"{YEAR}-02", 0, 1, 0]


def test_the_annual_evaluation_summary(client_of, chief, year):
    response = client_of(chief).get(reverse("scoring:evaluation_docx"), {"year": YEAR})
    assert response.status_code == 200
    doc = Document(BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    # The red header: the issuing office, the 文号 (blank until numbered), then the title.
    assert doc.paragraphs[0].text == "市委办公室"
    assert f"市委办通〔{YEAR}〕" in text
    assert f"{YEAR}年度信息工作考核评比情况" in text
    method, first, second = doc.tables[0], doc.tables[1], doc.tables[2]
    points = [row.cells[1].text for row in method.rows]
    assert "-100.00" in points  # the provincial penalty for a late report
    assert any(p.startswith("+20.00") for p in points)  # the provincial adoption
    ranking = [[c.text for c in row.cells] for row in first.rows[1:]]
    assert [(r[0], r[1], r[2], r[3]) for r in ranking] == [
        ("1", "乙县委办公室", "4.00", "一等奖"),
        ("2", "甲区委办公室", "-60.00", ""),
    ]
    assert second.rows[1].cells[1].text == "丙县委办公室"
    assert f"省委办通〔{YEAR}〕9号" in text  # why A is disqualified
    # By whom, as the directory names the office and the one above it.
    assert "甲区委办公室：本年度被省委办公厅通报1次、被市委办公室通报0次：" in text
    assert "甲区委办公室" in text
    # The signature over the date in Arabic numerals, then the imprint (版记).
    lines = [p.text for p in doc.paragraphs]
    signed = f"{TODAY.year}年{TODAY.month}月{TODAY.day}日"
    assert lines.index(signed) == lines.index("市委办公室", 1) + 1
    printed = [line for line in lines if line.endswith("印发")]
    assert printed == [f"市委办公室\t{signed}印发"]
    assert lines.index(printed[0]) > lines.index(signed)


def test_units_may_not_export_the_rankings(client_of, officer_a):
    assert client_of(officer_a).get(reverse("scoring:board_xlsx")).status_code == 403
    assert client_of(officer_a).get(reverse("scoring:evaluation_docx")).status_code == 403
