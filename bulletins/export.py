"""An issue as an official bulletin: .docx in the red-header layout (after GB/T 9704), and PDF
through LibreOffice when the server has it.

The page follows the 简报 convention: a mark at the top left (its 密级 and 内部资料, one line);
the publication name in red 方正小标宋 across the top, under it the issue number of the year
and the running number (2026年第12期（总第345期）), the issuing office (编印单位) left and the date
right on one line above a red rule; then each entry — its title in 黑体, its text in
仿宋_GB2312 三号 (16 pt) on a fixed 28 pt line with a two-character first-line indent, its source
units right-aligned in brackets; and the closing block (报尾): between two rules the 报/送/发
lines, then the copies printed （共印N份） and 签发 (who signed the issue off) and 责任编辑 (who
compiled it).
"""

import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.shared import Pt

from bulletins.models import Issue, IssueEntry
from org.secrecy import mark as secrecy_mark
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
    rule_above,
    rule_below,
    set_font,
    set_properties,
    setup_page,
)

__all__ = ["DOCX_TYPE", "build_docx", "chinese_date", "closing", "masthead", "to_pdf"]

PDF_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Masthead:
    """The head of the bulletin, the same on the page and in the document."""

    name: str
    number_line: str
    issuer: str
    date_line: str
    numbered: bool = True
    mark: str = ""  # 内部资料 / 注意保存: the top-left line
    total_line: str = ""  # 总第345期

    @property
    def numbers(self) -> str:
        """The line under the name: 2026年第12期（总第345期）."""
        return f"{self.number_line}（{self.total_line}）" if self.total_line else self.number_line

    @property
    def file_stem(self) -> str:
        """The download's name: 每日要情2026年第12期; before publishing the issue has no
        number and goes by its date, marked （草稿）: 每日要情2026年12月1日（草稿）."""
        if self.numbered:
            return f"{self.name}{self.number_line}"
        return f"{self.name}{self.date_line}（草稿）"


BLANK = "　　"  # where a paper template leaves room for a number or a name


def masthead(issue: Issue) -> Masthead:
    # Before publishing the numbers are not known; the draft leaves the blanks a paper
    # template would.
    number = BLANK if issue.number is None else issue.number
    total = BLANK if issue.total_number is None else issue.total_number
    publication = issue.publication
    return Masthead(
        name=publication.name,
        number_line=f"{issue.year}年第{number}期",
        issuer=publication.issuer_name,
        date_line=chinese_date(issue.issue_date),
        numbered=issue.number is not None,
        mark=top_left_mark(secrecy_mark(issue.secrecy), publication.internal_mark.strip()),
        total_line=f"总第{total}期",
    )


@dataclass(frozen=True)
class Closing:
    """The closing block (报尾), the same on the page and in the document."""

    lists: tuple[str, ...]  # 报：… 送：… 发：…, those the publication has
    copies_line: str  # （共印50份）, or blank
    people_line: str  # 签发：张三　　责任编辑：李四


def closing(issue: Issue) -> Closing:
    publication = issue.publication
    lists = tuple(
        f"{label}：{value.strip()}"
        for label, value in (
            ("报", publication.report_to),
            ("送", publication.send_to),
            ("发", publication.issue_to),
        )
        if value.strip()
    )
    copies = f"（共印{publication.copies}份）" if publication.copies else ""
    # 签发 is the chief who signed the issue off; a draft leaves the name blank.
    signer = issue.signed_off_by.full_name if issue.signed_off_by else BLANK
    editor = issue.compiled_by.full_name
    return Closing(lists, copies, f"签发：{signer}　　责任编辑：{editor}")


def credit_line(entry: IssueEntry) -> str:
    return f"（来源：{entry.credit}）"


# --- .docx ----------------------------------------------------------------------------------------


def top_left_mark(secrecy: str, handling: str) -> str:
    """The one top-left line of a bulletin: its 密级 (内部, 秘密, …) and the publication's
    handling mark (内部资料, 注意保存), the 密级 first; a handling mark that already says it
    (内部 in 内部资料) stands alone."""
    if secrecy and secrecy in handling:
        return handling
    return "　".join(m for m in (secrecy, handling) if m)


def mark_paragraph(doc: Any, head: Masthead) -> Any:
    """The top-left line: 内部资料 in 黑体 三号, its own paragraph even when empty, so the
    masthead starts at the same place and a 密级 can stand beside the mark."""
    return paragraph(doc, head.mark, HEADING_FONT, BODY_SIZE)


def closing_block(doc: Any, end: Closing) -> None:
    """A rule, the 报/送/发 lines, a rule; the copies printed, right; 签发 and 责任编辑."""
    lists = [paragraph(doc, text, BODY_FONT, BODY_SIZE) for text in end.lists]
    if lists:
        lists[0].paragraph_format.space_before = LINE
        rule_above(lists[0])
        rule_below(lists[-1])
        for para in lists:
            # A long list wraps under its first entry, not under 报：
            para.paragraph_format.left_indent = Pt(32)
            para.paragraph_format.first_line_indent = Pt(-32)
    if end.copies_line:
        paragraph(doc, end.copies_line, BODY_FONT, BODY_SIZE, align=WD_PARAGRAPH_ALIGNMENT.RIGHT)
    people = paragraph(doc, end.people_line, BODY_FONT, BODY_SIZE)
    if not lists and not end.copies_line:
        people.paragraph_format.space_before = LINE
        rule_above(people)


def build_docx(issue: Issue, entries: Iterable[IssueEntry]) -> bytes:
    head = masthead(issue)
    doc = Document()
    setup_page(doc)
    set_properties(doc, f"{head.name} {head.number_line}", head.issuer)
    mark_paragraph(doc, head)
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
    number = paragraph(doc, head.numbers, BODY_FONT, BODY_SIZE, align=WD_PARAGRAPH_ALIGNMENT.CENTER)
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

    closing_block(doc, closing(issue))
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
