"""A criticism notice as an official document (after GB/T 9704), on the page and as .docx.

The red header with the issuing office's name (方正小标宋, red, centred); the document number
〔year〕N号 centred under it above a red rule; the title in 小标宋 二号; the main recipients
line; the body in 仿宋_GB2312 三号 on fixed 28 pt lines with a two-character indent; then room
for the seal, the issuing office as signature and the date in Chinese numerals, right-aligned
four characters in; page numbers “— N —” at the foot.
"""

from dataclasses import dataclass
from io import BytesIO

from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.shared import Pt

from accountability.models import CriticismNotice, NoticePolicy
from org.secrecy_print import print_secrecy_mark
from xinbao.core.docx import (
    BODY_FONT,
    BODY_SIZE,
    LINE,
    RED,
    TITLE_FONT,
    TITLE_SIZE,
    body_paragraph,
    chinese_numeral_date,
    paragraph,
    red_rule,
    set_properties,
    setup_page,
)

HEADER_SIZE = Pt(36)
FOUR_CHARACTERS = Pt(64)  # 右空四字: four 三号 characters
SEAL_LINES = 3  # blank lines above the signature, where the seal is pressed


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

    @property
    def file_stem(self) -> str:
        """The download's name: the document number, 江委办通〔2026〕3号; a draft has none yet
        and goes by its title, marked （草稿）."""
        if self.numbered:
            return self.number_line
        return f"{self.title}（草稿）"


def layout(notice: CriticismNotice, policy: NoticePolicy | None = None) -> Layout:
    if notice.doc_number:
        number_line = notice.doc_number
    else:
        # Before issue the number is not known: leave the blank a paper form would.
        prefix = (policy or NoticePolicy.current()).doc_prefix
        number_line = f"{prefix}〔{notice.year}〕　号"
    date_line = chinese_numeral_date(notice.issued_on) if notice.issued_on else "　年　月　日"
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
    )


def build_docx(notice: CriticismNotice, policy: NoticePolicy | None = None) -> bytes:
    parts = layout(notice, policy)
    doc = Document()
    setup_page(doc)
    set_properties(doc, parts.title, parts.office)
    print_secrecy_mark(doc, notice.secrecy)  # 密级, GB/T 9704 §7.2.2

    paragraph(
        doc,
        parts.office,
        TITLE_FONT,
        HEADER_SIZE,
        align=WD_PARAGRAPH_ALIGNMENT.CENTER,
        color=RED,
        exact_line=False,
    )
    number = paragraph(
        doc, parts.number_line, BODY_FONT, BODY_SIZE, align=WD_PARAGRAPH_ALIGNMENT.CENTER
    )
    number.paragraph_format.space_before = Pt(56)
    red_rule(number)

    title = paragraph(
        doc,
        parts.title,
        TITLE_FONT,
        TITLE_SIZE,
        align=WD_PARAGRAPH_ALIGNMENT.CENTER,
        exact_line=False,
    )
    title.paragraph_format.space_before = Pt(56)
    title.paragraph_format.space_after = LINE

    if parts.recipients:
        paragraph(doc, parts.recipients, BODY_FONT, BODY_SIZE)
    for text in parts.paragraphs:
        body_paragraph(doc, text)

    for _ in range(SEAL_LINES):
        paragraph(doc, "", BODY_FONT, BODY_SIZE)
    for text in (parts.office, parts.date_line):
        line = paragraph(doc, text, BODY_FONT, BODY_SIZE, align=WD_PARAGRAPH_ALIGNMENT.RIGHT)
        line.paragraph_format.right_indent = FOUR_CHARACTERS

    out = BytesIO()
    doc.save(out)
    return out.getvalue()
