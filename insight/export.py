"""The 全广新准 report as an .xlsx workbook: a summary sheet with the four dimensions, then the
units, the coverage and the topics, each as a plain table a spreadsheet can sort and filter."""

from datetime import datetime
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from insight.report import Period, Report
from org.models import hub_unit
from xinbao.core.downloads import set_workbook_properties
from xinbao.core.inputs import cell_value, xml_safe

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "0.0%"


def _naive(moment: datetime | None) -> datetime | None:
    """Excel has no time zones: local wall-clock time, as the office reads it."""
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None)


def _put(sheet: Worksheet, values: list[Any]) -> None:
    """A row; stored text may hold characters a spreadsheet cannot: they are dropped."""
    sheet.append([cell_value(v) for v in values])


def _sheet(book: Workbook, title: str, header: list[str], first: bool = False) -> Worksheet:
    sheet = book.active if first else book.create_sheet()
    assert isinstance(sheet, Worksheet)
    sheet.title = xml_safe(title)[:31]
    _put(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def _row(sheet: Worksheet, values: list[Any], percent: bool = False) -> None:
    _put(sheet, values)
    if percent:
        sheet.cell(row=sheet.max_row, column=len(values)).number_format = PERCENT


def summary_rows(report: Report) -> list[tuple[str, str, Any, bool]]:
    """(dimension, measure, value, is a share) for the summary sheet, in reading order."""
    complete, broad, fresh, accurate = _("Complete"), _("Broad"), _("Fresh"), _("Accurate")
    return [
        (complete, _("Reporting units"), report.reporting_units, False),
        (complete, _("Units that reported"), report.reported_units, False),
        (complete, _("Share of units that reported"), report.complete_share, True),
        (
            complete,
            _("Units silent for more than %(n)s days") % {"n": report.silent_after},
            len(report.silent),
            False,
        ),
        (broad, _("Kinds of items covered"), report.kinds_covered, False),
        (broad, _("Incident categories covered"), report.categories_covered, False),
        (broad, _("Districts and counties covered"), report.districts_covered, False),
        (broad, _("Share of districts and counties covered"), report.district_share, True),
        (broad, _("Topics (tags) used"), len(report.tags), False),
        (broad, _("Share of items with a topic"), report.tagged_share, True),
        (fresh, _("Median days from event to report"), report.event_to_report_days, False),
        (
            fresh,
            _("Median minutes from incident to first report"),
            report.incident_to_report_minutes,
            False,
        ),
        (
            fresh,
            _("Median hours from report to adoption"),
            report.report_to_adoption_hours,
            False,
        ),
        (accurate, _("Items submitted"), report.items, False),
        (accurate, _("Share verified"), report.verified_share, True),
        (accurate, _("Share disputed"), report.disputed_share, True),
        (accurate, _("Share corrected by an editor"), report.corrected_share, True),
        (accurate, _("False reports (confirmed)"), report.false_reports, False),
        (accurate, _("Share of reports found false"), report.false_share, True),
    ]


def title(period: Period) -> str:
    """信息库质量报告（2026年3月1日至2026年3月31日）: the workbook's title and file name."""
    return _("Archive quality report, %(start)s to %(end)s") % {
        "start": date_format(period.start, "DATE_FORMAT"),
        "end": date_format(period.end, "DATE_FORMAT"),
    }


def workbook(report: Report) -> bytes:
    book = Workbook()
    office = hub_unit()
    set_workbook_properties(book, title(report.period), office.name if office else "")
    period = f"{report.period.start:%Y-%m-%d} – {report.period.end:%Y-%m-%d}"
    summary = _sheet(book, _("Summary"), [_("Dimension"), _("Measure"), _("Value")], first=True)
    for dimension, measure, value, is_share in summary_rows(report):
        _row(summary, [dimension, measure, value], percent=is_share and value is not None)
    _put(summary, [])
    _put(summary, [_("Period"), period])
    summary.column_dimensions["B"].width = 44

    units = _sheet(
        book,
        _("Units"),
        [
            _("Unit"),
            _("Items in the period"),
            _("Incident reports in the period"),
            _("Newest item"),
            _("Age of the newest item (days)"),
            _("Last report"),
            _("Days since the last report"),
            _("Silent"),
        ],
    )
    for row in report.units:
        _put(
            units,
            [
                row.unit.name,
                row.items,
                row.incident_reports,
                _naive(row.newest_item),
                row.newest_item_age,
                _naive(row.last_report),
                row.silent_days,
                _("yes") if row.silent else _("no"),
            ],
        )
        for column in (4, 6):
            units.cell(row=units.max_row, column=column).number_format = "yyyy-mm-dd hh:mm"
    units.column_dimensions["A"].width = 28

    coverage = _sheet(book, _("Coverage"), [_("Kind of record"), _("Name"), _("Count")])
    for tally in report.kinds:
        _put(coverage, [_("Item kind"), tally.label, tally.n])
    for tally in report.categories:
        _put(coverage, [_("Incident category"), tally.label, tally.n])
    for unit, covered in report.districts:
        _put(coverage, [_("District or county"), unit.name, 1 if covered else 0])

    topics = _sheet(book, _("Topics"), [_("Topic"), _("Items")])
    for name, n in report.tags:
        _put(topics, [name, n])

    out = BytesIO()
    book.save(out)
    return out.getvalue()
