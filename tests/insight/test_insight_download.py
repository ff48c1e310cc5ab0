"""The archive-quality report downloads under its Chinese title and period, its properties
naming the office as its author and now as its time."""

import pytest
from django.urls import reverse

from tests.clock import LAST_YEAR
from tests.download_checks import saved_name, xlsx_properties

pytestmark = pytest.mark.django_db


def test_the_report_is_named_after_its_period(client_of, leader, section):
    section.parent.name = "中共江城市委办公室"
    section.parent.save(update_fields=["name"])
    response = client_of(leader).get(
        reverse("insight:report_xlsx"), {"start": f"{LAST_YEAR}-03-01", "end": f"{LAST_YEAR}-03-31"}
    )
    assert response.status_code == 200
    title = f"信息库质量报告（{LAST_YEAR}年3月1日至{LAST_YEAR}年3月31日）"
    assert saved_name(response) == f"{title}.xlsx"
    assert (
        f'filename="archive-report-{LAST_YEAR}0301-{LAST_YEAR}0331.xlsx"'
        in (response["Content-Disposition"])
    )
    xlsx_properties(response.content, "中共江城市委办公室", title)
