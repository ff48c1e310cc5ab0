"""Rankings and scorecards as .xlsx laid out the way offices file them, and the annual
evaluation summary as .docx.

A sheet: a title row merged across the table, a line with the period and the date it was made,
a bold, bordered, centred header row (序号/单位/类别/得分/…) frozen in place, fixed column widths
and number formats, a note under the table. The summary follows the official document layout
of `xinbao.core.docx`: title, period, method (the point table), the ranking of each class
with its awards, the disqualified units and why, and the signature and date block.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accountability.issuers import issuer_names
from accountability.models import CriticismNotice, NoticePolicy
from accountability.queries import eligibility
from org.models import Unit
from org.office import office_name
from org.secrecy import Secrecy
from scoring import live, queries, scorecard
from scoring.circulars import number_line
from scoring.models import CircularKind, ReportPolicy, RuleKind, ScoreEntry, ScoreRule
from xinbao.core.docx import (
    BODY_FONT,
    BODY_SIZE,
    HEADING_FONT,
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
from xinbao.core.docx import DOCX_TYPE as DOCX_TYPE
from xinbao.core.downloads import set_workbook_properties
from xinbao.core.inputs import cell_value, xml_safe

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POINTS = "0.00"
COUNT = "0"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def tie_rule() -> str:
    return _(
        "Ties are broken by more points from upper-level adoptions, then more "
        "adoptions, then fewer confirmed violations, then the units' order in the directory."
    )


def rule_value(rule: ScoreRule) -> str:
    if rule.kind == RuleKind.ZEROING:
        return _("after %(n)s missed solicitations") % {"n": rule.threshold}
    value = f"{rule.points:+.2f}".replace("+0.00", "0.00")
    if rule.kind == RuleKind.ADOPTION and rule.forwarded_multiplier != 1:
        value += " " + _("(×%(m)s if forwarded upward)") % {"m": rule.forwarded_multiplier}
    return value


def remarks(standing: Any) -> str:
    notes = []
    if standing.disqualified:
        notes.append(_("Disqualified for the year"))
    if standing.zeroed:
        notes.append(_("Year zeroed"))
    return "; ".join(notes)


def period_name(period: queries.Period) -> str:
    """The period as a document names it: 2026年度, 2026年第1季度, 2026年3月."""
    if period.is_year:
        return _("%(year)s, the whole year") % {"year": period.year}
    if period.key in queries.QUARTERS:
        return _("%(year)s, quarter %(n)s") % {"year": period.year, "n": period.key[1]}
    return _("%(year)s, month %(n)s") % {"year": period.year, "n": period.months[0]}


def ranking_name(period: queries.Period) -> str:
    """2026年度信息工作排名: the ranking workbook's title and file name."""
    return _("Information work ranking, %(period)s") % {"period": period_name(period)}


def scorecard_name(unit: Unit, period: queries.Period) -> str:
    """市水利局2026年度积分卡: the scorecard workbook's title and file name."""
    return _("Scorecard of %(unit)s, %(period)s") % {
        "unit": unit.name,
        "period": period_name(period),
    }


def evaluation_title(year: int) -> str:
    """2026年度信息工作考核评比情况: the evaluation document's title and file name."""
    return _("Annual evaluation of information work, %(year)s") % {"year": year}


# --- xlsx --------------------------------------------------------------------------------------


def _sheet_title(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", xml_safe(name)).strip()[:28] or "Sheet"
    title, n = base, 2
    while title in taken:
        title, n = f"{base} {n}", n + 1
    taken.add(title)
    return title


def _table(
    ws: Worksheet,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Sequence[Any]],
    formats: Sequence[str | None],
    note: str = "",
) -> int:
    """Write one filed table; returns the number of data rows."""
    columns = len(headers)
    last = get_column_letter(columns)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = xml_safe(title)
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = CENTER
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = xml_safe(subtitle)
    ws["A2"].alignment = Alignment(horizontal="right", vertical="center")
    for col, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=3, column=col, value=xml_safe(header))
        cell.font = Font(bold=True)
        cell.alignment = CENTER
        cell.border = BOX
        ws.column_dimensions[get_column_letter(col)].width = width
    n = 0
    for n, values in enumerate(rows, start=1):
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            cell = ws.cell(row=3 + n, column=col, value=cell_value(value))
            cell.border = BOX
            cell.alignment = LEFT if isinstance(value, str) else CENTER
            if fmt:
                cell.number_format = fmt
    ws.freeze_panes = "A4"
    if note:
        row = 3 + n + 2
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.cell(row=row, column=1, value=xml_safe(note)).alignment = LEFT
        ws.row_dimensions[row].height = 32
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    return n


def _save(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def period_line(period: queries.Period, made_on: date, fresh: live.Freshness | None = None) -> str:
    """The header line under an export's title: the period, the day it was made and, given
    the ledger's freshness, when its figures were computed and whether changes wait."""
    line = _("Period: %(start)s to %(end)s    Made on: %(today)s") % {
        "start": date_format(period.first_day, "DATE_FORMAT"),
        "end": date_format(period.last_day, "DATE_FORMAT"),
        "today": date_format(made_on, "DATE_FORMAT"),
    }
    if fresh is None:
        return line
    waiting = f" · {fresh.pending_line}" if fresh.pending else ""
    return f"{line}    {fresh.computed_line}{waiting}"


def rankings_xlsx(
    period: queries.Period, label: str, boards: list[queries.ClassBoard], made_on: date
) -> bytes:
    """One sheet per class: its ranking in the period, with awards on the annual one."""
    fresh = live.freshness()
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    headers = [
        _("No."),
        _("Unit"),
        _("Class"),
        _("Points"),
        _("Points from upper-level adoptions"),
        _("Adopted items"),
        _("Confirmed violations"),
        _("Award"),
        _("Remarks"),
    ]
    for board in boards:
        class_name = board.unit_class.name if board.unit_class else _("No class")
        ws = wb.create_sheet(_sheet_title(class_name, taken))
        title = _("Information work ranking, %(year)s %(period)s: %(class)s") % {
            "year": period.year,
            "period": label,
            "class": class_name,
        }
        rows = [
            (
                place.rank,
                place.standing.name,
                class_name,
                place.standing.total,
                place.standing.upper_points,
                place.standing.adoptions,
                place.standing.violations,
                place.award.name if place.award else "",
                remarks(place.standing),
            )
            for place in board.places
        ]
        _table(
            ws,
            title,
            period_line(period, made_on, fresh),
            headers,
            [6, 28, 10, 10, 14, 10, 10, 10, 20],
            rows,
            [COUNT, None, None, POINTS, POINTS, COUNT, COUNT, None, None],
            tie_rule(),
        )
    if not boards:
        wb.create_sheet(_("Ranking"))
    set_workbook_properties(wb, ranking_name(period), office_name())
    return _save(wb)


def entry_source(entry: ScoreEntry) -> str:
    return f"{entry.get_source_kind_display()} #{entry.source_id} {entry.source_label}".strip()


def _level_label(level: str | None) -> str:
    return str(Secrecy(level).label) if level else ""


def scorecard_xlsx(
    unit: Unit,
    period: queries.Period,
    label: str,
    entries: list[ScoreEntry],
    quota: list[scorecard.QuotaStatus],
    made_on: date,
) -> bytes:
    """The unit's traced ledger lines of the period, and its quota months of the year."""
    fresh = live.freshness()
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(_("Points"), set())
    total = sum((e.points for e in entries), Decimal(0))
    # The 密级 of the item a line was earned on (org/secrecy.py: printed on every export);
    # blank for a line about no one item.
    levels = scorecard.secrecy_of(entries)
    rows: list[Sequence[Any]] = [
        (
            n,
            e.occurred_on,
            entry_source(e),
            _level_label(levels.get((e.source_kind, e.source_id))),
            e.rule.label,
            e.points,
        )
        for n, e in enumerate(entries, start=1)
    ]
    rows.append(("", None, _("Total"), "", "", total))
    count = _table(
        ws,
        _("Scorecard of %(unit)s, %(year)s %(period)s")
        % {"unit": unit.name, "year": period.year, "period": label},
        period_line(period, made_on, fresh),
        [_("No."), _("Date"), _("Source"), _("Secrecy level"), _("Rule"), _("Points")],
        [6, 12, 50, 10, 30, 10],
        rows,
        [COUNT, "yyyy-mm-dd", None, None, None, POINTS],
    )
    for col in range(1, 7):
        ws.cell(row=3 + count, column=col).font = Font(bold=True)
    if quota:
        sheet = wb.create_sheet(_sheet_title(_("Monthly quota"), {ws.title}))
        _table(
            sheet,
            _("Monthly quota of %(unit)s, %(year)s") % {"unit": unit.name, "year": period.year},
            period_line(queries.Period(period.year, ""), made_on, fresh),
            [_("Month"), _("Quota"), _("Items sent"), _("Shortfall"), _("Points")],
            [10, 10, 12, 10, 10],
            [
                (
                    f"{q.month.year}-{q.month.month:02d}",
                    q.month.quota,
                    q.month.count,
                    q.month.shortfall if q.month.finished else None,
                    q.points,
                )
                for q in quota
            ],
            [None, COUNT, COUNT, COUNT, POINTS],
            _("Only finished months are charged."),
        )
    set_workbook_properties(wb, scorecard_name(unit, period), office_name())
    return _save(wb)


# --- docx --------------------------------------------------------------------------------------


def _heading(doc: Any, text: str) -> None:
    para = paragraph(doc, text, HEADING_FONT, BODY_SIZE)
    para.paragraph_format.space_before = Pt(14)
    para.paragraph_format.keep_with_next = True


def _docx_table(doc: Any, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = add_text(cell.paragraphs[0], text)
        run.bold = True
        run.font.size = Pt(12)
        cell.paragraphs[0].alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            add_text(cell.paragraphs[0], text).font.size = Pt(12)


def _disqualified(year: int) -> list[tuple[str, str]]:
    """Each disqualified unit and why: the notices that count against it."""
    verdicts = {uid: v for uid, v in eligibility(year).items() if not v.eligible}
    if not verdicts:
        return []
    names = dict(Unit.objects.filter(pk__in=verdicts).values_list("pk", "name"))
    notice_ids = {n for v in verdicts.values() for n in v.notice_ids}
    notices = {n.pk: str(n) for n in CriticismNotice.objects.filter(pk__in=notice_ids)}
    issuers = issuer_names()
    result = []
    for uid, verdict in sorted(verdicts.items(), key=lambda kv: names.get(kv[0], "")):
        why = _(
            "named in %(p)s criticism notice(s) of %(upper)s and %(m)s of %(own)s in the year: "
            "%(notices)s"
        ) % {
            "p": verdict.upper,
            "upper": issuers.upper,
            "m": verdict.own,
            "own": issuers.own,
            "notices": "、".join(notices.get(n, f"#{n}") for n in verdict.notice_ids),
        }
        result.append((names.get(uid, str(uid)), why))
    return result


def evaluation_docx(year: int, made_on: date) -> bytes:
    period = queries.Period(year, "")
    boards = queries.rankings(period)
    rules = [r for r in queries.point_table() if r.active]
    policy = NoticePolicy.current()
    doc = Document()
    setup_page(doc)
    title = evaluation_title(year)
    set_properties(doc, title, office_name())
    red_header(doc, office_name(), number_line(CircularKind.EVALUATION, period, policy))
    paragraph(doc, title, TITLE_FONT, TITLE_SIZE, align=WD_PARAGRAPH_ALIGNMENT.CENTER)
    paragraph(
        doc,
        period_line(period, made_on, live.freshness()),
        BODY_FONT,
        BODY_SIZE,
        align=WD_PARAGRAPH_ALIGNMENT.CENTER,
    )

    _heading(doc, _("1. Method"))
    body_paragraph(
        doc,
        _(
            "Every point comes from the points ledger, each line traced to its source (an "
            "adoption, an instruction, a feedback task, a solicitation, a violation or a "
            "monthly quota) and to the rule below that made it. Units are ranked within their "
            "class; awards go to eligible units in ranking order. %(ties)s"
        )
        % {"ties": tie_rule()},
    )
    _docx_table(
        doc,
        [_("Rule"), _("Points"), _("Note")],
        [(r.label, rule_value(r), r.note) for r in rules],
    )

    _heading(doc, _("2. Ranking and awards by class"))
    for board in boards:
        class_name = board.unit_class.name if board.unit_class else _("No class")
        quota = (
            _("%(name)s (monthly quota %(n)s items)")
            % {"name": class_name, "n": board.unit_class.monthly_quota}
            if board.unit_class
            else class_name
        )
        paragraph(doc, quota, BODY_FONT, BODY_SIZE, bold=True)
        _docx_table(
            doc,
            [_("No."), _("Unit"), _("Points"), _("Award"), _("Remarks")],
            [
                (
                    str(p.rank),
                    p.standing.name,
                    f"{p.standing.total:.2f}",
                    p.award.name if p.award else "",
                    remarks(p.standing),
                )
                for p in board.places
            ],
        )

    _heading(doc, _("3. Units disqualified for the year"))
    disqualified = _disqualified(year)
    if not disqualified:
        body_paragraph(doc, _("No unit lost its eligibility this year."))
    for name, why in disqualified:
        body_paragraph(doc, f"{name}：{why}")

    signature_block(doc, office_name(), made_on)
    imprint(doc, ReportPolicy.current().copy_to, office_name(), made_on)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
