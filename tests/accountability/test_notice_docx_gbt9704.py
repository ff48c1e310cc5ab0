"""The criticism notice .docx against GB/T 9704-2012《党政机关公文格式》, point by point.

Every expected number is worked out here from the standard's own figures (millimetres, points,
characters, lines) — never read from the code that writes the document:

- §5.2.1 A4, 210 × 297 mm; §5.2.2 top margin 37 mm, left 28 mm, type area 156 × 225 mm (so
  right 26 mm and bottom 35 mm); §5.2.3 三号 仿宋 body, 22 lines of 28 characters;
- §7.2.4 发文机关标志 top 35 mm below the type area's top; §7.2.5 发文字号 two lines under it,
  centred; red rule 4 mm under the 发文字号, the width of the type area;
- §7.3.5 成文日期 in Arabic numerals, 右空四字; §7.3.5.1 the 发文机关署名 centred over it;
- §7.4 版记: 4号 仿宋, 抄送 a character in on both sides, the 印发机关 a character in from the
  left and “…印发” a character in from the right, first and last rules 0.35 mm, the middle one
  0.25 mm, the last rule on the bottom edge of the type area of the last (even) page;
- §7.5 page numbers 4号 宋体 “— 1 —”, the 一字线 7 mm below the type area; odd pages right,
  even pages left, one character in; 公文的版记页前有空白页的，空白页和版记页均不编排页码.

A second part renders the document with LibreOffice and reads the PDF back.
"""

import math
import os
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from accountability import actions, export
from accountability import actions_notices as notice_actions
from tests.accountability.accountability_helpers import DAY, confirmed

pytestmark = pytest.mark.django_db

TWIPS_PER_MM = 1440 / 25.4
TWIPS_PER_PT = 20


def twips(mm: float) -> float:
    return mm * TWIPS_PER_MM


# Long enough to run over a line; pure Chinese, so a full line is 28 characters.
PARAGRAPH = (
    "为严明信息报送纪律，经研究，决定对甲区委办公室予以通报批评。各地各单位要引以为戒，"
    "严格落实突发事件信息报送制度，确保信息报送及时准确全面，杜绝迟报漏报瞒报现象发生。"
)


@pytest.fixture
def notice(chief, unit_a):
    actions.do_update_notice_policy(
        chief,
        {
            "office_name": "中共江城市委办公室",
            "doc_prefix": "江委办通",
            "recipients": "各区、县委办公室，市直各单位",
        },
    )
    violation = confirmed(chief, unit_a, summary="经开区化工厂仓库火灾")
    draft = notice_actions.do_draft_notice(chief, [violation.pk], today=DAY)
    notice_actions.do_edit_notice(
        chief,
        draft.pk,
        notice_actions.NoticeText(
            title="关于对甲区委办公室迟报突发事件信息的通报",
            body=f"{PARAGRAPH}\n特此通报。",
            issuing_office="中共江城市委办公室",
            recipients="各区、县委办公室，市直各单位",
            send_to_all=False,
            violation_ids=[violation.pk],
            copy_to="市纪委监委，市委督查室",
        ),
    )
    return notice_actions.do_issue_notice(chief, draft.pk, DAY)


@pytest.fixture
def data(notice) -> bytes:
    return export.build_docx(notice)


@pytest.fixture
def doc(data):
    return Document(BytesIO(data))


def attr(element, name: str) -> str | None:
    return element.get(qn(f"w:{name}"))


def ppr(paragraph, name: str):
    pr = paragraph._p.pPr
    return None if pr is None else pr.find(qn(f"w:{name}"))


def body_section(doc):
    return doc.sections[0]._sectPr


def date_text() -> str:
    return f"{DAY.year}年{DAY.month}月{DAY.day}日"


def width(text: str) -> float:
    """Characters across: a half-width digit is half a character."""
    return sum(0.5 if ch.isascii() else 1 for ch in text)


# --- the page, §5.2 ---------------------------------------------------------------------------


def test_the_page_is_a4_with_the_standards_margins(doc):
    sect = body_section(doc)
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    for value, mm in (
        (attr(size, "w"), 210),
        (attr(size, "h"), 297),
        (attr(margins, "top"), 37),
        (attr(margins, "left"), 28),
        (attr(margins, "right"), 210 - 28 - 156),
        (attr(margins, "bottom"), 297 - 37 - 225),
    ):
        assert abs(int(value) - twips(mm)) <= 0.5


def test_the_grid_holds_22_lines_of_28_characters(doc):
    sect = body_section(doc)
    margins, size = sect.find(qn("w:pgMar")), sect.find(qn("w:pgSz"))
    across = int(attr(size, "w")) - int(attr(margins, "left")) - int(attr(margins, "right"))
    down = int(attr(size, "h")) - int(attr(margins, "top")) - int(attr(margins, "bottom"))
    assert abs(across - twips(156)) <= 1 and abs(down - twips(225)) <= 1
    grid = sect.find(qn("w:docGrid"))
    pitch = int(attr(grid, "linePitch"))
    assert 22 * pitch <= down < 23 * pitch  # 22 lines fill the 225 mm
    assert down - 22 * pitch < 22  # ... to within a twip a line
    # Word's character pitch: the 三号 size plus charSpace/4096 pt; 28 of them fit, 29 do not.
    char_pitch = (16 + int(attr(grid, "charSpace")) / 4096) * TWIPS_PER_PT
    assert 28 * char_pitch <= across < 29 * char_pitch
    # Each character gives up a little (in twips) so a 16 pt character fits its 1/28 share.
    condensed = 16 * TWIPS_PER_PT + int(
        doc.styles["Normal"].element.rPr.find(qn("w:spacing")).get(qn("w:val"))
    )
    assert 28 * condensed <= across < 29 * condensed
    assert across / 28 - condensed < 1
    # Body lines are exactly one grid line apart.
    body = next(p for p in doc.paragraphs if p.text == PARAGRAPH)
    spacing = ppr(body, "spacing")
    assert (attr(spacing, "lineRule"), int(attr(spacing, "line"))) == ("exact", pitch)
    assert attr(ppr(body, "ind"), "firstLineChars") == "200"


# --- the 版头, §7.2 ---------------------------------------------------------------------------


def test_the_office_is_35_mm_below_the_top_of_the_type_area(doc):
    head = doc.paragraphs[0]
    assert head.text == "中共江城市委办公室"
    assert abs(int(attr(ppr(head, "spacing"), "before")) - twips(35)) <= 0.5
    assert attr(ppr(head, "jc"), "val") == "center"
    run = head.runs[0]._r.rPr
    assert attr(run.find(qn("w:color")), "val") == "C00000"
    assert attr(run.find(qn("w:rFonts")), "eastAsia") == "方正小标宋简体"


def test_the_number_is_two_lines_below_and_the_red_rule_4_mm_under_it(doc):
    number = doc.paragraphs[1]
    assert number.text == f"江委办通〔{DAY.year}〕1号"
    assert attr(ppr(number, "jc"), "val") == "center"
    pitch = int(attr(body_section(doc).find(qn("w:docGrid")), "linePitch"))
    assert int(attr(ppr(number, "spacing"), "before")) == 2 * pitch  # 下空二行
    bottom = ppr(number, "pBdr").find(qn("w:bottom"))
    assert attr(bottom, "color") == "C00000"
    # w:space is in points: 4 mm is 11.34 pt.
    assert abs(int(attr(bottom, "space")) - 4 / 25.4 * 72) < 0.5
    # The width of the type area: no indent shortens the border.
    assert ppr(number, "ind") is None


# --- signature and date, §7.3.5 --------------------------------------------------------------


def test_the_date_is_in_arabic_numerals_four_characters_in(doc):
    texts = [p.text for p in doc.paragraphs]
    assert date_text() in texts
    assert re.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日", date_text())
    assert not any(re.search("[〇一二三四五六七八九十]+年", t) for t in texts)
    day = doc.paragraphs[texts.index(date_text())]
    assert attr(ppr(day, "jc"), "val") == "right"
    assert attr(ppr(day, "ind"), "rightChars") == "400"  # 右空四字


def test_the_signature_is_centred_over_the_date_with_room_for_the_seal(doc):
    texts = [p.text for p in doc.paragraphs]
    at = texts.index(date_text())
    signature, day = doc.paragraphs[at - 1], doc.paragraphs[at]
    assert signature.text == "中共江城市委办公室"
    assert attr(ppr(signature, "jc"), "val") == "right"

    def centre(p) -> float:  # characters from the right margin to the middle of the line
        return int(attr(ppr(p, "ind"), "rightChars") or 0) / 100 + width(p.text) / 2

    assert centre(signature) == centre(day)
    # The twips agree with the characters (one character = 156 mm / 28).
    char = twips(156) / 28
    for p in (signature, day):
        chars = int(attr(ppr(p, "ind"), "rightChars")) / 100
        assert abs(int(attr(ppr(p, "ind"), "right")) - chars * char) <= 2
    # Two blank lines between the text and the signature: the seal's top within a line of it.
    assert texts[at - 3 : at - 1] == ["", ""] and texts[at - 4] == "特此通报。"


# --- the 版记, §7.4 ---------------------------------------------------------------------------


def imprint_paragraphs(doc):
    last = doc.sections[-1]._sectPr
    body = doc.element.body
    paragraphs = [p for p in body.iterchildren(qn("w:p"))]
    # The paragraphs after the body section's break (the sectPr inside a paragraph).
    cut = max(
        i for i, p in enumerate(paragraphs) if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    )
    assert last is not None
    return [p for p in doc.paragraphs if p._p in paragraphs[cut + 1 :]]


def rule(p) -> tuple[str, float] | None:
    border = ppr(p, "pBdr")
    if border is None:
        return None
    line = border.find(qn("w:bottom"))
    return str(attr(line, "color")), int(
        attr(line, "sz") or 0
    ) / 8 / 72 * 25.4  # eighths of a pt → mm


def test_the_imprint_starts_an_even_page(doc):
    assert len(doc.sections) == 2
    assert attr(doc.sections[1]._sectPr.find(qn("w:type")), "val") == "evenPage"


def test_the_imprint_lines_and_rules(doc):
    parts = imprint_paragraphs(doc)
    texts = [p.text for p in parts]
    assert texts == [
        "",
        "抄送：市纪委监委，市委督查室。",
        "",
        f"中共江城市委办公室\t{date_text()}印发",
        "",
    ]
    first, copied, middle, printed, last = parts
    # First and last rules 0.35 mm, the middle one 0.25 mm (to Word's nearest widths), black,
    # the full width of the type area.
    for p, mm in ((first, 0.35), (middle, 0.25), (last, 0.35)):
        color, thick = rule(p)
        assert color == "000000" and abs(thick - mm) < 0.02
        assert ppr(p, "ind") is None
    one = 14 * TWIPS_PER_PT  # a 4号 character
    for p in (copied, printed):
        assert all(int(r._r.rPr.find(qn("w:sz")).get(qn("w:val"))) == 28 for r in p.runs)
        assert all(
            r._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312" for r in p.runs
        )
        assert int(attr(ppr(p, "ind"), "right")) == one
    # 抄送 a character in; run-on lines after “抄送：”.
    ind = ppr(copied, "ind")
    assert int(attr(ind, "left")) - int(attr(ind, "hanging")) == one
    assert int(attr(ind, "hanging")) == 3 * one
    # The printing office a character in from the left, the date against a right tab a
    # character in from the right.
    assert int(attr(ppr(printed, "ind"), "left")) == one
    tab = ppr(printed, "tabs").find(qn("w:tab"))
    assert attr(tab, "val") == "right"
    assert abs(int(attr(tab, "pos")) - (twips(156) - one)) <= 1


def test_the_last_rule_is_on_the_bottom_edge_of_the_type_area(doc):
    parts = imprint_paragraphs(doc)
    pitch = int(attr(body_section(doc).find(qn("w:docGrid")), "linePitch"))
    lines = sum(1 for p in parts if p.text)
    rules = [p for p in parts if not p.text]
    # Each rule: a paragraph one point tall, plus its border (eighths of a point).
    rule_heights = sum(
        20 + int(attr(ppr(p, "pBdr").find(qn("w:bottom")), "sz")) * 20 / 8 for p in rules
    )
    for p in parts:
        assert attr(ppr(p, "spacing"), "lineRule") == "exact"
    assert [int(attr(ppr(p, "spacing"), "line")) for p in rules] == [20] * 3
    top = int(attr(ppr(parts[0], "spacing"), "before"))
    bottom = top + lines * pitch + rule_heights
    # The 版记 ends on the type area's bottom edge, to within 1 mm (kept a little short so
    # rounding never pushes it onto another page).
    assert 0 <= twips(225) - bottom <= twips(1)


def test_a_long_copy_list_runs_on_and_the_imprint_still_fits(chief, notice):
    notice.copy_to = "，".join(["市纪委监委", "市委组织部", "市委宣传部", "市委政法委"] * 4)
    doc = Document(BytesIO(export.build_docx(notice)))
    parts = imprint_paragraphs(doc)
    # 4号 characters across 156 mm less one either side and “抄送：”.
    across = math.floor(twips(156) / (14 * 20)) - 5
    names = width(notice.copy_to) + 1  # and the 。
    lines = math.ceil(names / across)
    assert lines > 2
    pitch = int(attr(body_section(doc).find(qn("w:docGrid")), "linePitch"))
    top = int(attr(ppr(parts[0], "spacing"), "before"))
    # Room above for at least the lines it needs, the 印发 line and the three rules.
    assert top + (lines + 1) * pitch + 3 * 20 + (8 + 6 + 8) * 20 / 8 <= twips(225)


def test_without_copies_the_imprint_has_two_rules(chief, notice):
    notice.copy_to = ""
    parts = imprint_paragraphs(Document(BytesIO(export.build_docx(notice))))
    assert [p.text for p in parts] == ["", f"中共江城市委办公室\t{date_text()}印发", ""]
    assert [round(rule(p)[1], 2) for p in (parts[0], parts[2])] == [0.35, 0.35]


# --- page numbers, §7.5 ----------------------------------------------------------------------


def test_page_numbers_odd_right_even_left_one_character_in(doc, data):
    assert b"w:evenAndOddHeaders" in Document(BytesIO(data)).settings.element.xml.encode()
    section = doc.sections[0]
    one = 14 * TWIPS_PER_PT
    for footer, side, other in (
        (section.footer, "right", "left"),
        (section.even_page_footer, "left", "right"),
    ):
        p = footer.paragraphs[0]
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert p._p.find(qn("w:fldSimple")).get(qn("w:instr")) == "PAGE"
        assert attr(ppr(p, "jc"), "val") == side
        ind = ppr(p, "ind")
        assert int(attr(ind, side)) == one and attr(ind, f"{side}Chars") == "100"
        assert attr(ind, other) is None
        for run in p._p.iter(qn("w:r")):
            assert run.rPr.find(qn("w:sz")).get(qn("w:val")) == "28"  # 4号
            assert run.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    # The footer's one 14 pt line is centred 7 mm below the type area (35 mm above the page's
    # bottom edge): its bottom 35 − 7 mm less half a line up from the page's edge.
    footer = int(attr(body_section(doc).find(qn("w:pgMar")), "footer"))
    assert abs(footer - (twips(35 - 7) - 7 * TWIPS_PER_PT)) <= 1


def test_the_imprint_page_has_empty_footers_of_its_own(doc):
    imprint = doc.sections[-1]
    for footer in (imprint.footer, imprint.even_page_footer, imprint.first_page_footer):
        assert not footer.is_linked_to_previous
        assert footer.paragraphs[0].text == ""
        assert footer._element.find(".//" + qn("w:fldSimple")) is None
        assert footer._element.find(".//" + qn("w:instrText")) is None


# --- LibreOffice renders it ------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice") or ""
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
PT_PER_MM = 72 / 25.4
CENTRE = 28 * PT_PER_MM + 156 / 2 * PT_PER_MM  # the type area's middle, across


def render(data: bytes, tmp_path: Path) -> Path:
    """The PDF LibreOffice makes, keeping the blank pages it inserts (so page parity shows)."""
    source = tmp_path / "notice.docx"
    source.write_bytes(data)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}',
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return tmp_path / "notice.pdf"


def pdf_text(pdf: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in points on one page."""
    xml = pdf_text(pdf, "-bbox", "-f", str(page), "-l", str(page))
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', xml
    )
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in found]


@pytest.mark.skipif(not SOFFICE or not POPPLER, reason="needs LibreOffice and poppler-utils")
def test_libreoffice_renders_it_to_the_standard(data, tmp_path):
    pdf = render(data, tmp_path)
    # pdftotext puts a space between digits and Chinese: spaces go.
    pages = pdf_text(pdf).replace(" ", "").split("\f")[:-1]
    count = len(pages)
    # The 版记 is alone on the last page, an even one.
    assert count % 2 == 0
    assert "抄送：市纪委监委，市委督查室。" in pages[-1] and f"{date_text()}印发" in pages[-1]
    assert PARAGRAPH[:10] not in pages[-1]
    # The date in Arabic numerals, and lines of exactly 28 characters of body text.
    text = "".join(pages)
    assert date_text() in text
    lines = [line.replace(" ", "") for line in pdf_text(pdf, "-layout").splitlines()]
    joined = PARAGRAPH * 2
    full = [line for line in lines if len(line) == 28 and line in joined]
    assert full, "no line of 28 characters of body text"
    assert not [line for line in lines if line in joined and len(line) > 28]

    # The office's name: its top about 35 mm below the type area's top (37 mm).
    head = next(w for w in words(pdf, 1) if w[0] == "中共江城市委办公室")
    assert abs(head[2] - (37 + 35) * PT_PER_MM) < 4 * PT_PER_MM
    # The 版记's last line sits within a line above the type area's bottom edge.
    printed = next(w for w in words(pdf, count) if w[0].endswith("印发"))
    middle = (printed[2] + printed[4]) / 2
    bottom = (297 - 35) * PT_PER_MM
    assert bottom - 225 / 22 * PT_PER_MM < middle < bottom
    # Page numbers: “— 1 —” right on page 1 (an even body page's, left: the test below).
    one = next(w for w in words(pdf, 1) if w[0] == "1" and w[2] > bottom)
    assert one[1] > CENTRE

    # The 版记's page carries no page number (§7.5).
    assert not re.search(r"—\s*\d+\s*—", pdf_text(pdf, "-f", str(count), "-l", str(count)))

    # XINBAO_SHOTS=docs/screenshots keeps page 1 as notice-gbt9704.png for people to look at.
    if shots := os.environ.get("XINBAO_SHOTS"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(Path(shots) / "notice-gbt9704"),
            ],
            check=True,
        )


def page_number(pdf: Path, page: int) -> str | None:
    """The “— N —” printed below the type area of one page, as its digits, or None; it must
    stand right of the middle on an odd page and left of it on an even one."""
    bottom = (297 - 35) * PT_PER_MM
    below = [w for w in words(pdf, page) if w[2] > bottom]
    text = "".join(w[0] for w in below)
    found = re.fullmatch(r"—(\d+)—", text)
    assert found or not text, f"page {page}: {text!r} below the type area"
    if found:
        if page % 2:
            assert min(w[1] for w in below) > CENTRE
        else:
            assert max(w[3] for w in below) < CENTRE
    return found.group(1) if found else None


@pytest.mark.skipif(not SOFFICE or not POPPLER, reason="needs LibreOffice and poppler-utils")
@pytest.mark.parametrize("paragraphs", [1, 4], ids=["body-ends-odd", "body-ends-even"])
def test_libreoffice_numbers_the_body_pages_only(chief, notice, tmp_path, paragraphs):
    """§7.5: body pages numbered 1, 2, …; when the body ends on an even page the blank page
    after it and the 版记's page carry no number (nor anything else, the blank page)."""
    notice.body = "\n".join([PARAGRAPH] * paragraphs) + "\n特此通报。"
    pdf = render(export.build_docx(notice), tmp_path)
    pages = pdf_text(pdf).replace(" ", "").split("\f")[:-1]
    body_end = next(i for i, text in enumerate(pages, 1) if date_text() + "\n" in text + "\n")
    last = len(pages)
    assert f"{date_text()}印发" in pages[-1]
    for page in range(1, body_end + 1):
        assert page_number(pdf, page) == str(page)
    if body_end % 2 == 0:  # a blank odd page before the 版记's even one
        assert last == body_end + 2
        assert pages[body_end].strip() == ""
    else:
        assert last == body_end + 1
    assert page_number(pdf, last) is None
    # The test's two bodies cover both cases.
    assert body_end % 2 == (0 if paragraphs == 4 else 1)
