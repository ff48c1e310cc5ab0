"""The item list as an .xlsx workbook: the rows the list shows under its filters, each with its
密级 (the mark is printed on every export: org/secrecy.py), and the highest mark of the rows
on the sheet's first line, as a paper list carries it top-left."""

from collections.abc import Iterable
from datetime import datetime
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from org.models import hub_unit
from org.secrecy import ORDER, mark
from submissions.models import InfoItem
from xinbao.core.downloads import set_workbook_properties
from xinbao.core.inputs import cell_value

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An export is for filing and sorting a working set; past this, narrow the filters.
EXPORT_LIMIT = 20_000


def _naive(moment: datetime | None) -> datetime | None:
    """Excel has no time zones: local wall-clock time, as the office reads it."""
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None)


def highest_mark(items: Iterable[InfoItem]) -> str:
    """The mark of the most restricted row (内部, 秘密…), or "" when every row is 公开."""
    levels = [i.secrecy for i in items]
    return mark(max(levels, key=ORDER.index)) if levels else ""


def workbook(items: list[InfoItem], made_at: datetime) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = _("Information items")[:31]
    top = highest_mark(items)
    title = _("Information items, exported %(at)s") % {
        "at": timezone.localtime(made_at).strftime("%Y-%m-%d %H:%M")
    }
    sheet.append([top, title] if top else ["", title])
    sheet["A1"].font = Font(bold=True, size=14)
    header = [
        _("No."),
        _("Secrecy level"),
        _("Title"),
        _("Unit"),
        _("Kind"),
        _("State"),
        _("Submitted at"),
        _("Updated"),
    ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"
    for n, item in enumerate(items, start=1):
        sheet.append(
            [
                cell_value(v)
                for v in (
                    n,
                    item.get_secrecy_display(),
                    item.title,
                    item.unit.display_name,
                    item.get_kind_display(),
                    item.get_state_display(),
                    _naive(item.submitted_at),
                    _naive(item.updated_at),
                )
            ]
        )
    for column, width in zip("ABCDEFGH", (6, 10, 60, 24, 10, 10, 18, 18), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3, min_col=7, max_col=8):
        for cell in row:
            cell.number_format = "yyyy-mm-dd hh:mm"
    office = hub_unit()
    set_workbook_properties(book, _("Information items"), office.name if office else "")
    out = BytesIO()
    book.save(out)
    return out.getvalue()
