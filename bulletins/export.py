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
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.shared import Pt

from bulletins.models import Issue, IssueEntry
from org.secrecy_print import print_secrecy_mark
from xinbao.core.docx import (
    BODY_FONT,
    BODY_SIZE,
    DOCX_TYPE,
    HEADING_FONT,
    LINE,
    RED,
    TEXT_WIDTH,
    TITLE_FONT,
    add_text,
    body_paragraph,
    chinese_date,
    paragraph,
    red_rule,
    set_font,
    set_properties,
    setup_page,
)

__all__ = ["DOCX_TYPE", "build_docx", "chinese_date", "masthead", "to_pdf"]

PDF_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Masthead:
    """The head of the bulletin, the same on the page and in the document."""

    name: str
    number_line: str
    issuer: str
    date_line: str
    numbered: bool = True

    @property
    def file_stem(self) -> str:
        """The download's name: 每日要情2026年第12期; before publishing the issue has no
        number and goes by its date, marked （草稿）: 每日要情2026年12月1日（草稿）."""
        if self.numbered:
            return f"{self.name}{self.number_line}"
        return f"{self.name}{self.date_line}（草稿）"


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
        numbered=issue.number is not None,
    )


def credit_line(entry: IssueEntry) -> str:
    return f"（来源：{entry.credit}）"


# --- .docx ----------------------------------------------------------------------------------------


def build_docx(issue: Issue, entries: Iterable[IssueEntry]) -> bytes:
    head = masthead(issue)
    doc = Document()
    setup_page(doc)
    set_properties(doc, f"{head.name} {head.number_line}", head.issuer)
    print_secrecy_mark(doc, issue.secrecy)  # 密级 / 内部, GB/T 9704 §7.2.2

    paragraph(
        doc,
        head.name,
        TITLE_FONT,
        Pt(36),
        align=WD_PARAGRAPH_ALIGNMENT.CENTER,
        bold=True,
        color=RED,
        exact_line=False,
    )
    number = paragraph(
        doc, head.number_line, BODY_FONT, BODY_SIZE, align=WD_PARAGRAPH_ALIGNMENT.CENTER
    )
    number.paragraph_format.space_before = Pt(12)
    issued = paragraph(doc, "", BODY_FONT, BODY_SIZE)
    issued.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    issued.paragraph_format.space_before = Pt(6)
    set_font(add_text(issued, f"{head.issuer}\t{head.date_line}"), BODY_FONT, BODY_SIZE)
    red_rule(issued)

    for entry in entries:
        title = paragraph(
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
            body_paragraph(doc, text)
        paragraph(doc, credit_line(entry), BODY_FONT, BODY_SIZE, align=WD_PARAGRAPH_ALIGNMENT.RIGHT)

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
