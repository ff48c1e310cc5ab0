"""Writing official documents as .docx (after GB/T 9704): the page, fonts, red rules and page
numbers that bulletins and criticism notices share.

A4 with the standard's margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm); body text in
仿宋_GB2312 三号 (16 pt) on a fixed 28 pt line; page numbers “— 1 —” centred in the footer. Fonts
are named, not embedded: the office's Word or WPS supplies them.
"""

from datetime import date
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from xinbao.core.inputs import xml_safe

RED = RGBColor(0xC0, 0x00, 0x00)
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
LINE = Pt(28)
TEXT_WIDTH = Mm(210 - 28 - 26)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Elements that come after w:pBdr inside w:pPr (ECMA-376 order; Word rejects other orders).
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)

_DIGITS = "〇一二三四五六七八九"


def chinese_date(day: date) -> str:
    """2026年11月27日 — the date as bulletins print it."""
    return f"{day.year}年{day.month}月{day.day}日"


def _chinese_number(n: int) -> str:
    """1..31 in Chinese numerals: 一, 十, 十一, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def chinese_numeral_date(day: date) -> str:
    """二〇二六年十一月二十七日 — the date of a document written in Chinese numerals."""
    year = "".join(_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{_chinese_number(day.month)}月{_chinese_number(day.day)}日"


def set_font(
    run: Any,
    name: str,
    size: Pt,
    *,
    bold: bool = False,
    color: RGBColor | None = None,
) -> None:
    font = run.font
    font.name = name
    font.size = size
    font.bold = True if bold else None
    if color is not None:
        font.color.rgb = color
    # Chinese text takes the east-asian font; python-docx only sets the Latin ones.
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def paragraph(
    doc: Any,
    text: str,
    font: str,
    size: Pt,
    *,
    align: WD_PARAGRAPH_ALIGNMENT = WD_PARAGRAPH_ALIGNMENT.LEFT,
    bold: bool = False,
    color: RGBColor | None = None,
    exact_line: bool = True,
) -> Any:
    para = doc.add_paragraph()
    fmt = para.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if exact_line:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if text:
        set_font(add_text(para, text), font, size, bold=bold, color=color)
    return para


def add_text(para: Any, text: str) -> Any:
    """A run of text in a paragraph. Stored text may hold characters XML cannot carry (written
    before input was cleaned, or by a command): they are dropped here, so a download never
    fails on them."""
    return para.add_run(xml_safe(text))


def set_properties(doc: Any, title: str, author: str = "") -> None:
    """The document's title and author, as the file's properties show them."""
    props = doc.core_properties
    props.title = xml_safe(title)
    if author:
        props.author = xml_safe(author)


def body_paragraph(doc: Any, text: str) -> Any:
    """A paragraph of body text: 仿宋 三号, justified, two characters' first-line indent."""
    body = paragraph(doc, text, BODY_FONT, BODY_SIZE, align=WD_PARAGRAPH_ALIGNMENT.JUSTIFY)
    body.paragraph_format.first_line_indent = Pt(32)
    # Word measures the indent in characters when it can: two of them.
    ind = body._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "200")
    return body


def red_rule(para: Any) -> None:
    """A red line under the paragraph: its bottom border."""
    ppr = para._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "18")  # eighths of a point: 2.25 pt
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), str(RED))
    border.append(bottom)
    ppr.insert_element_before(border, *_AFTER_PBDR)


def page_number_footer(section: Any) -> None:
    """“— 1 —” centred at the foot of every page, as official documents number them."""
    para = section.footer.paragraphs[0]
    para.paragraph_format.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    set_font(para.add_run("— "), PAGE_NUMBER_FONT, Pt(14))
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = para.add_run()
    set_font(run, PAGE_NUMBER_FONT, Pt(14))
    run._r.getparent().remove(run._r)
    field.append(run._r)
    para._p.append(field)
    set_font(para.add_run(" —"), PAGE_NUMBER_FONT, Pt(14))


def setup_page(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    page_number_footer(section)
