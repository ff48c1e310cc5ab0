"""A criticism notice as an official document (GB/T 9704-2012), on the page and as .docx.

The 版头 (the issuing office's name in red 小标宋 35 mm below the top of the type area, the
document number 〔year〕N号 two lines under it, the red rule 4 mm below that); the title in 小标宋
二号; the main recipients line; the body in 仿宋_GB2312 三号 on the page's 28 × 22 grid with a
two-character indent; room for the seal, the issuing office centred over the date in Arabic
numerals four characters in from the right; the 版记 (抄送, the printing office and date, and its
rules) at the foot of the last page; page numbers “— N —” right on odd pages, left on even,
none on the 版记's page (§7.5).
"""

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT

from accountability.models import CriticismNotice, NoticePolicy
from org.secrecy_print import print_secrecy_mark
from xinbao.core.docx import (
    BODY_FONT,
    BODY_SIZE,
    GRID_LINE,
    TITLE_FONT,
    TITLE_SIZE,
    body_paragraph,
    chinese_date,
    imprint,
    paragraph,
    red_header,
    set_properties,
    setup_page,
    signature_block,
)

BLANK_DATE = "　年　月　日"


@dataclass(frozen=True)
class Layout:
    """The notice's parts, the same on the page and in the document."""

    office: str
    number_line: str
    title: str
    recipients: str
    paragraphs: tuple[str, ...]
    date_line: str
    numbered: bool = True
    issued_on: date | None = None
    copy_to: str = ""

    @property
    def file_stem(self) -> str:
        """The download's name: the document number, 江委办通〔2026〕3号; a draft has none yet
        and goes by its title, marked （草稿）."""
        if self.numbered:
            return self.number_line
        return f"{self.title}（草稿）"

    @property
    def copy_line(self) -> str:
        """抄送：市纪委监委，市委督查室。 — empty when the notice is copied to no one."""
        organs = self.copy_to.strip().rstrip("。；;，,")
        return f"抄送：{organs}。" if organs else ""

    @property
    def printed_line(self) -> str:
        """2026年11月13日印发: the notice is printed the day it is dated."""
        return f"{self.date_line}印发"


def layout(notice: CriticismNotice, policy: NoticePolicy | None = None) -> Layout:
    if notice.doc_number:
        number_line = notice.doc_number
    else:
        # Before issue the number is not known: leave the blank a paper form would.
        prefix = (policy or NoticePolicy.current()).doc_prefix
        number_line = f"{prefix}〔{notice.year}〕　号"
    date_line = chinese_date(notice.issued_on) if notice.issued_on else BLANK_DATE
    recipients = notice.recipients.strip()
    if recipients and not recipients.endswith(("：", ":")):
        recipients += "："
    return Layout(
        office=notice.issuing_office,
        number_line=number_line,
        title=notice.title,
        recipients=recipients,
        paragraphs=tuple(p.strip() for p in notice.body.splitlines() if p.strip()),
        date_line=date_line,
        numbered=bool(notice.doc_number),
        issued_on=notice.issued_on,
        copy_to=notice.copy_to,
    )


def build_docx(notice: CriticismNotice, policy: NoticePolicy | None = None) -> bytes:
    parts = layout(notice, policy)
    doc = Document()
    setup_page(doc)
    set_properties(doc, parts.title, parts.office)
    print_secrecy_mark(doc, notice.secrecy)  # 密级, GB/T 9704 §7.2.2

    red_header(doc, parts.office, parts.number_line)
    title = paragraph(
        doc,
        parts.title,
        TITLE_FONT,
        TITLE_SIZE,
        align=WD_PARAGRAPH_ALIGNMENT.CENTER,
        exact_line=False,
    )
    # 红色分隔线下空二行 the title; 标题下空一行 the recipients.
    title.paragraph_format.space_before = GRID_LINE * 2
    title.paragraph_format.space_after = GRID_LINE

    if parts.recipients:
        paragraph(doc, parts.recipients, BODY_FONT, BODY_SIZE, line=GRID_LINE)
    for text in parts.paragraphs:
        body_paragraph(doc, text, line=GRID_LINE)

    signature_block(doc, parts.office, parts.issued_on)
    # The office prints its own notices.
    imprint(doc, parts.copy_to, parts.office, parts.issued_on)

    out = BytesIO()
    doc.save(out)
    return out.getvalue()
