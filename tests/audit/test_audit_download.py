"""The audit log downloads as 审计日志（…导出）.xlsx, named after the minute it was exported, its
properties naming the office as its author and now as its time."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.actions import record
from tests.download_checks import saved_name, xlsx_properties

pytestmark = pytest.mark.django_db


def name_at(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return (
        f"审计日志（{local.year}年{local.month}月{local.day}日"
        f"{local.hour:02d}时{local.minute:02d}分导出）.xlsx"
    )


def test_the_export_is_named_after_its_minute(client_of, audit_admin, editor, section):
    record(editor, "item_filed", "item:1", {"from": "submitted", "to": "filed"})
    before = timezone.now()
    response = client_of(audit_admin).get(reverse("audit:export"))
    after = timezone.now()
    assert response.status_code == 200
    # The export takes the minute it ran in: the one before or after the request.
    assert saved_name(response) in {name_at(before), name_at(after)}
    assert (
        f'filename="audit-log-{timezone.localtime(before):%Y%m%d}-'
        in (response["Content-Disposition"])
    )
    xlsx_properties(response.content, section.parent.name, "审计日志")
