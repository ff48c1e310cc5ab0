"""The filtered log as an .xlsx workbook: one row per entry, actions and details in Chinese,
the hash kept so a printed copy can be compared with the chain."""

from collections.abc import Iterable
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from audit.labels import action_label, details
from audit.models import AuditEntry
from org.models import hub_unit
from xinbao.core.downloads import set_workbook_properties
from xinbao.core.inputs import cell_value

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(entries: Iterable[AuditEntry]) -> bytes:
    book = Workbook(write_only=False)
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = _("Audit log")[:31]
    sheet.append(
        [
            _("Sequence"),
            _("Time"),
            _("Actor"),
            _("Action"),
            _("Action code"),
            _("Object"),
            _("Details"),
            _("Hash"),
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for entry in entries:
        sheet.append(
            [
                cell_value(v)
                for v in (
                    entry.seq,
                    timezone.localtime(entry.at).replace(tzinfo=None),
                    entry.actor_name or "—",
                    action_label(entry.action),
                    entry.action,
                    entry.target,
                    "；".join(f"{k}：{v}" for k, v in details(entry.data, entry.action)),
                    entry.hash,
                )
            ]
        )
    sheet.column_dimensions["B"].width = 20
    office = hub_unit()
    set_workbook_properties(book, _("Audit log"), office.name if office else "")
    out = BytesIO()
    book.save(out)
    return out.getvalue()
