"""The section's circulars as red-header documents (after GB/T 9704): the monthly or quarterly
信息采用情况通报 and the year-end 表彰通报.

Each is headed by the office (`org.office` for its name, `accountability.NoticePolicy` for its
abbreviation and main recipients), numbered 〔year〕N号 from the office's sequence of 通
documents once the chief has issued it (`scoring.models.Circular`) — before that the number is
left blank for the hand — signed by the office over the date, and closed by the imprint (版记).
"""

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.shared import Mm, Pt

from accountability.models import NoticePolicy
from org.office import office_name
from scoring import circulars, queries
from scoring.circulars import number_line
from scoring.exports import tie_rule
from scoring.models import CircularKind, ReportPolicy
from xinbao.core.docx import (
    BODY_FONT,
    BODY_SIZE,
    HEADING_FONT,
    TEXT_WIDTH,
    TITLE_FONT,
    TITLE_SIZE,
    add_text,
    body_paragraph,
    imprint,
    paragraph,
    red_header,
    set_properties,
    setup_page,
    signature_block,
)

TABLE_SIZE = Pt(10.5)  # 五号
UNIT_WIDTH = Mm(40)


def period_words(period: queries.Period) -> str:
    """The period as a circular writes it: 2026年10月份, 2026年第三季度, 2026年度."""
    if period.is_year:
        return _("the year %(year)s") % {"year": period.year}
    if period.key in queries.QUARTERS:
        return _("quarter %(n)s of %(year)s") % {
            "year": period.year,
            "n": circulars_quarter_name(int(period.key[1])),
        }
    return _("month %(n)s of %(year)s") % {"year": period.year, "n": period.months[0]}


def circulars_quarter_name(n: int) -> str:
    """一, 二, 三, 四 in Chinese; the digit elsewhere."""
    return [_("one"), _("two"), _("three"), _("four")][n - 1]


def adoption_title(period: queries.Period) -> str:
    return _("Circular on the information units sent and had adopted in %(period)s") % {
        "period": period_words(period)
    }


def commendation_title(year: int) -> str:
    return _("Circular commending the outstanding units and information officers of %(year)s") % {
        "year": year
    }


def _start(title: str, kind: str, period: queries.Period) -> tuple[Any, NoticePolicy]:
    policy = NoticePolicy.current()
    doc = Document()
    setup_page(doc)
    set_properties(doc, title, office_name())
    red_header(doc, office_name(), number_line(kind, period, policy))
    paragraph(doc, title, TITLE_FONT, TITLE_SIZE, align=WD_PARAGRAPH_ALIGNMENT.CENTER)
    paragraph(doc, "", BODY_FONT, BODY_SIZE)
    recipients = policy.recipients.strip()
    if recipients:
        paragraph(
            doc,
            recipients if recipients.endswith("：") else f"{recipients}：",
            BODY_FONT,
            BODY_SIZE,
        )
    return doc, policy


def _finish(doc: Any, policy: NoticePolicy, made_on: date) -> bytes:
    signature_block(doc, office_name(), made_on)
    imprint(doc, ReportPolicy.current().copy_to, office_name(), made_on)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _heading(doc: Any, text: str) -> None:
    para = paragraph(doc, text, HEADING_FONT, BODY_SIZE)
    para.paragraph_format.first_line_indent = Pt(32)
    para.paragraph_format.keep_with_next = True


def _table(doc: Any, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for values, bold in [(headers, True), *((row, False) for row in rows)]:
        cells = table.rows[0].cells if bold else table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            run = add_text(cell.paragraphs[0], text)
            run.bold = True if bold else None
            run.font.size = TABLE_SIZE
            cell.paragraphs[0].alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    # The unit's name takes the room it needs; the figures share the rest of the type area.
    figures = (TEXT_WIDTH - UNIT_WIDTH) // (len(headers) - 1)
    table.autofit = False
    for row in table.rows:
        for n, cell in enumerate(row.cells):
            cell.width = UNIT_WIDTH if n == 1 else figures


def table_headers() -> list[str]:
    return [
        _("No."),
        _("Unit"),
        _("Items reported"),
        _("Adopted by the city"),
        _("Adopted by the province"),
        _("Adopted by the centre"),
        _("Leaders' instructions"),
        _("Violations"),
        _("Points"),
    ]


def table_row(line: circulars.UnitLine) -> list[str]:
    return [
        str(line.rank),
        line.name,
        str(line.sent),
        *(str(line.adoptions[level]) for level in circulars.LEVELS),
        str(line.instructions),
        str(line.violations),
        f"{line.points:.2f}",
    ]


def adoption_docx(period: queries.Period, made_on: date) -> bytes:
    """The 信息采用情况通报 of a month or a quarter."""
    classes = circulars.period_lines(period)
    lines = [line for group in classes for line in group.lines]
    title = adoption_title(period)
    doc, policy = _start(title, CircularKind.ADOPTION, period)
    words = period_words(period)
    adopted = {level: sum(line.adoptions[level] for line in lines) for level in circulars.LEVELS}
    body_paragraph(
        doc,
        _("Here is how the units sent and had adopted information in %(period)s:")
        % {"period": words},
    )
    body_paragraph(
        doc,
        _(
            "In %(period)s the units sent %(sent)s items; %(city)s adoptions by the city, "
            "%(province)s by the province and %(central)s by the centre were recorded, and "
            "leaders wrote %(instructions)s instructions on them; %(violations)s violations "
            "were confirmed."
        )
        % {
            "period": words,
            "sent": sum(line.sent for line in lines),
            "city": adopted[circulars.LEVELS[0]],
            "province": adopted[circulars.LEVELS[1]],
            "central": adopted[circulars.LEVELS[2]],
            "instructions": sum(line.instructions for line in lines),
            "violations": sum(line.violations for line in lines),
        },
    )
    _heading(doc, _("1. Each unit's figures"))
    for group in classes:
        if len(classes) > 1:
            paragraph(doc, group.name or _("No class"), BODY_FONT, BODY_SIZE, bold=True)
        _table(doc, table_headers(), [table_row(line) for line in group.lines])
    _heading(doc, _("2. Notes"))
    body_paragraph(
        doc,
        _(
            "Points are those of the points ledger for the period under the point table in "
            "force; units are listed in ranking order within their class. %(ties)s"
        )
        % {"ties": tie_rule()},
    )
    body_paragraph(
        doc,
        _(
            "Units are asked to keep up the timeliness and quality of what they send, to report "
            "emergencies at once and in full, and to make up for any shortfall in the coming "
            "period."
        ),
    )
    return _finish(doc, policy, made_on)


def commendation_docx(year: int, made_on: date) -> bytes:
    """The year-end 表彰通报: the award winners and the outstanding information officers."""
    period = queries.Period(year, "")
    winners = [
        (board.unit_class.name if board.unit_class else "", place)
        for board in queries.rankings(period)
        for place in board.places
        if place.award is not None
    ]
    officers = circulars.outstanding_officers(circulars.officer_tally(period))
    title = commendation_title(year)
    doc, policy = _start(title, CircularKind.COMMENDATION, period)
    body_paragraph(
        doc,
        _(
            "In %(year)s the units and their information officers reported developments, "
            "problems and emergencies promptly and accurately. After the annual evaluation, "
            "%(units)s units are commended as outstanding units and %(officers)s officers as "
            "outstanding information officers."
        )
        % {"year": year, "units": len(winners), "officers": len(officers)},
    )
    _heading(doc, _("1. Outstanding units"))
    if not winners:
        body_paragraph(doc, _("None."))
    by_award: dict[tuple[str, str], list[str]] = {}
    for class_name, place in winners:
        assert place.award is not None
        by_award.setdefault((class_name, place.award.name), []).append(place.standing.name)
    for (class_name, award), names in by_award.items():
        label = f"{class_name}{award}" if class_name else award
        body_paragraph(doc, f"{label}：{'、'.join(names)}")
    _heading(doc, _("2. Outstanding information officers"))
    if not officers:
        body_paragraph(doc, _("None."))
    for officer in officers:
        body_paragraph(doc, f"{officer.name}（{officer.unit}）")
    body_paragraph(
        doc,
        _(
            "The units and officers commended are asked to keep up their work; every unit is "
            "asked to learn from them and to raise the quality of its information work."
        ),
    )
    return _finish(doc, policy, made_on)
