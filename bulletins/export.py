"""An issue as an official bulletin: .docx in the red-header layout (after GB/T 9704), and PDF
through LibreOffice when the server has it.

The page: A4 with the standard's margins; the publication name in red 方正小标宋 across the top,
the issue number under it, the issuing office and the date on one line above a red rule; then
each entry — its title in 黑体, its text in 仿宋_GB2312 三号 (16 pt) on a fixed 28 pt line with
a two-character first-line indent, its source units right-aligned in brackets.
"""

import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from bulletins.models import Issue, IssueEntry

RED = RGBColor(0xC0, 0x00, 0x00)
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
LINE = Pt(28)
TEXT_WIDTH = Mm(210 - 28 - 26)
PDF_TIMEOUT_SECONDS = 60
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


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Masthead:
    """The head of the bulletin, the same on the page and in the document."""

    name: str
    number_line: str
    issuer: str
    date_line: str

    @property
    def file_stem(self) -> str:
        return f"{self.name}{self.number_line}".replace("　", "")


def masthead(issue: Issue) -> Masthead:
    if issue.number is None:
        # Before publishing the number is not known; the draft leaves the blank a paper
        # template would.
        number_line = f"{issue.year}年第　　期"
    else:
        number_line = f"{issue.year}年第{issue.number}期"
    return Masthead(
        name=issue.publication.name,
        number_line=number_line,
        issuer=issue.publication.issuer,
        date_line=chinese_date(issue.issue_date),
    )


def credit_line(entry: IssueEntry) -> str:
    return f"（来源：{entry.credit}）"


# --- .docx ----------------------------------------------------------------------------------------


def _font(
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


def _paragraph(
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
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if exact_line:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if text:
        _font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _red_rule(paragraph: Any) -> None:
    """A red line under the paragraph: its bottom border."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "18")  # eighths of a point: 2.25 pt
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), str(RED))
    border.append(bottom)
    ppr.insert_element_before(border, *_AFTER_PBDR)


def _page_number_footer(section: Any) -> None:
    """“— 1 —” centred at the foot of every page, as official documents number them."""
    paragraph = section.footer.paragraphs[0]
    paragraph.paragraph_format.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    _font(paragraph.add_run("— "), PAGE_NUMBER_FONT, Pt(14))
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = paragraph.add_run()
    _font(run, PAGE_NUMBER_FONT, Pt(14))
    run._r.getparent().remove(run._r)
    field.append(run._r)
    paragraph._p.append(field)
    _font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, Pt(14))


def _setup_page(doc: Any) -> None:
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
    _page_number_footer(section)


def build_docx(issue: Issue, entries: Iterable[IssueEntry]) -> bytes:
    head = masthead(issue)
    doc = Document()
    _setup_page(doc)
    props = doc.core_properties
    props.title = f"{head.name} {head.number_line}"
    props.author = head.issuer

    _paragraph(
        doc,
        head.name,
        TITLE_FONT,
        Pt(36),
        align=WD_PARAGRAPH_ALIGNMENT.CENTER,
        bold=True,
        color=RED,
        exact_line=False,
    )
    number = _paragraph(
        doc, head.number_line, BODY_FONT, BODY_SIZE, align=WD_PARAGRAPH_ALIGNMENT.CENTER
    )
    number.paragraph_format.space_before = Pt(12)
    issued = _paragraph(doc, "", BODY_FONT, BODY_SIZE)
    issued.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    issued.paragraph_format.space_before = Pt(6)
    _font(issued.add_run(f"{head.issuer}\t{head.date_line}"), BODY_FONT, BODY_SIZE)
    _red_rule(issued)

    for entry in entries:
        title = _paragraph(
            doc,
            entry.title,
            HEADING_FONT,
            BODY_SIZE,
            align=WD_PARAGRAPH_ALIGNMENT.CENTER,
            bold=True,
        )
        title.paragraph_format.space_before = LINE
        title.paragraph_format.keep_with_next = True
        for text in entry.paragraphs:
            body = _paragraph(doc, text, BODY_FONT, BODY_SIZE, align=WD_PARAGRAPH_ALIGNMENT.JUSTIFY)
            body.paragraph_format.first_line_indent = Pt(32)
            # Word measures the indent in characters when it can: two of them.
            ind = body._p.get_or_add_pPr().get_or_add_ind()
            ind.set(qn("w:firstLineChars"), "200")
        _paragraph(
            doc, credit_line(entry), BODY_FONT, BODY_SIZE, align=WD_PARAGRAPH_ALIGNMENT.RIGHT
        )

    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------------


def office_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return office_binary() is not None


class ConversionError(Exception):
    pass


def to_pdf(docx: bytes) -> bytes:
    """Convert with LibreOffice in a throwaway profile, so two conversions at once do not
    trip over each other's lock files."""
    binary = office_binary()
    if binary is None:
        raise ConversionError("LibreOffice is not installed")
    with tempfile.TemporaryDirectory(prefix="xinbao-pdf-") as tmp:
        source = Path(tmp) / "issue.docx"
        source.write_bytes(docx)
        profile = (Path(tmp) / "profile").as_uri()
        try:
            subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=PDF_TIMEOUT_SECONDS,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            raise ConversionError(str(exc)) from exc
        target = source.with_suffix(".pdf")
        if not target.exists():
            raise ConversionError("LibreOffice wrote no PDF")
        return target.read_bytes()
