"""The .docx of an issue, opened again with python-docx: the mark line, red masthead, number,
office and date, every entry with its source units, 仿宋 body on fixed lines; PDF through
LibreOffice. The 简报 convention's parts in full: test_bulletin_convention.py."""

import os
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from bulletins import export
from bulletins.models import Issue
from bulletins.queries import entries_of
from org.models import Unit
from tests.bulletins.bulletin_helpers import draft, published
from tests.clock import days_before
from tests.download_checks import docx_properties, saved_name

pytestmark = pytest.mark.django_db
DAY = days_before(4)  # a recent working day


def east_asian(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.fixture
def issue(editor, chief, daily, three_items) -> Issue:
    return published(editor, chief, daily, three_items, DAY)


@pytest.fixture
def doc(issue):
    return Document(BytesIO(export.build_docx(issue, entries_of(issue))))


def test_the_masthead_is_the_publication_name_in_red(doc):
    assert doc.paragraphs[0].text == "内部资料"  # the mark line above it
    head = doc.paragraphs[1]
    assert head.text == "每日要情"
    assert head.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    run = head.runs[0]
    assert run.font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert run.font.bold and run.font.size == Pt(36)
    assert east_asian(run) == "方正小标宋简体"


def test_the_number_office_and_date_follow_above_a_red_rule(doc):
    assert doc.paragraphs[2].text == f"{DAY.year}年第1期（总第1期）"
    issued = doc.paragraphs[3]
    assert issued.text == f"市委办公室\t{DAY.year}年{DAY.month}月{DAY.day}日"
    bottom = issued._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "C00000"


def test_every_entry_has_its_title_text_and_source_units(doc, issue):
    texts = [p.text for p in doc.paragraphs]
    for entry in issue.entries.all():
        assert entry.title in texts
        assert f"（来源：{entry.credit}）" in texts
        assert all(p in texts for p in entry.paragraphs)
    credits = [p for p in doc.paragraphs if p.text.startswith("（来源：")]
    assert {p.alignment for p in credits} == {WD_PARAGRAPH_ALIGNMENT.RIGHT}
    assert "（来源：甲区委办公室、乙县委办公室）" in texts


def test_titles_are_heiti_and_the_body_is_fangsong_on_fixed_lines(doc, issue):
    entry = issue.entries.order_by("position").first()
    title = next(p for p in doc.paragraphs if p.text == entry.title)
    assert east_asian(title.runs[0]) == "黑体" and title.runs[0].font.bold
    body = next(p for p in doc.paragraphs if p.text == entry.paragraphs[0])
    assert east_asian(body.runs[0]) == "仿宋_GB2312"
    assert body.runs[0].font.size == Pt(16)
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing == Pt(28)
    assert fmt.first_line_indent == Pt(32)
    normal = doc.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_the_page_is_a4_with_official_margins(doc):
    section = doc.sections[0]

    def mm(length) -> float:  # Word stores twips: a millimetre comes back as 56.7 of them
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)


def test_a_draft_leaves_the_number_blank(editor, daily, three_items):
    pending = draft(editor, daily, three_items, DAY)
    doc = Document(BytesIO(export.build_docx(pending, entries_of(pending))))
    assert doc.paragraphs[2].text == f"{DAY.year}年第　　期（总第　　期）"


def test_the_download_is_named_after_the_issue(client_of, leader, issue):
    # The publication names no issuer of its own: the office as the directory names it.
    Unit.objects.filter(pk=issue.compiled_by.unit.parent_id).update(name="中共江城市委办公室")
    response = client_of(leader).get(f"/bulletins/issues/{issue.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Type"] == export.DOCX_TYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="bulletin-daily-{DAY.year}-1.docx"; '
        "filename*=UTF-8''%E6%AF%8F%E6%97%A5%E8%A6%81%E6%83%85"
        f"{DAY.year}%E5%B9%B4%E7%AC%AC1%E6%9C%9F.docx"
    )
    assert saved_name(response) == f"每日要情{DAY.year}年第1期.docx"
    assert Document(BytesIO(response.content)).paragraphs[1].text == "每日要情"
    docx_properties(response.content, "中共江城市委办公室", f"每日要情 {DAY.year}年第1期")


def test_a_draft_is_named_after_its_date(client_of, editor, daily, three_items):
    pending = draft(editor, daily, three_items, DAY)
    response = client_of(editor).get(f"/bulletins/issues/{pending.pk}/docx/")
    assert response.status_code == 200
    name = f"每日要情{DAY.year}年{DAY.month}月{DAY.day}日（草稿）.docx"
    assert saved_name(response) == name
    docx_properties(response.content, "市委办公室", f"每日要情 {DAY.year}年第　　期")


def libreoffice() -> str:
    """The real LibreOffice, or a skip — a failure under CI, which installs it."""
    binary = export.office_binary()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true and LibreOffice is not installed: .ci/run must install it")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    return binary


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    source = tmp_path / "issue.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, timeout=60
    )
    return result.stdout.decode()


def test_pdf_goes_through_libreoffice_when_it_is_installed(client_of, leader, issue, tmp_path):
    libreoffice()
    client = client_of(leader)
    assert (
        f"/bulletins/issues/{issue.pk}/pdf/"
        in client.get(f"/bulletins/issues/{issue.pk}/").content.decode()
    )
    response = client.get(f"/bulletins/issues/{issue.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert saved_name(response) == f"每日要情{DAY.year}年第1期.pdf"
    info = pdf_info(response.content, tmp_path)
    assert (info["Title"], info["Author"]) == (f"每日要情 {DAY.year}年第1期", "市委办公室")
    text = pdf_text(response.content, tmp_path)
    assert "每日要情" in text
    for entry in entries_of(issue):
        assert entry.title in text
    # The mark, the running number and the closing block's signatures print too.
    assert "内部资料" in text and re.search(r"总第\s*1\s*期", text)  # pdftotext spaces digits
    assert re.search(r"签发：.+责任编辑：.+", text)


def pdf_info(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    """The PDF's document information (title, author, dates) as pdfinfo prints it."""
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo is not installed (apt-get install poppler-utils)")
    source = tmp_path / "info.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(
        ["pdfinfo", "-enc", "UTF-8", str(source)], check=True, capture_output=True, timeout=60
    )
    lines = (line.partition(":") for line in result.stdout.decode().splitlines())
    return {key: value.strip() for key, _sep, value in lines}


def test_without_libreoffice_there_is_no_pdf(client_of, leader, issue, monkeypatch):
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    client = client_of(leader)
    assert "/pdf/" not in client.get(f"/bulletins/issues/{issue.pk}/").content.decode()
    assert client.get(f"/bulletins/issues/{issue.pk}/pdf/").status_code == 404


def test_a_failed_conversion_falls_back_to_the_page(client_of, leader, issue, monkeypatch):
    libreoffice()
    # A real conversion that cannot finish in time: LibreOffice does not start in 10 ms.
    monkeypatch.setattr(export, "PDF_TIMEOUT_SECONDS", 0.01)
    response = client_of(leader).get(f"/bulletins/issues/{issue.pk}/pdf/")
    assert response.status_code == 302
    assert response["Location"] == f"/bulletins/issues/{issue.pk}/"
