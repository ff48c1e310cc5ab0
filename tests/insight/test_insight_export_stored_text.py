"""The quality report's workbook downloads although stored names and tags hold characters a
spreadsheet cannot carry; the characters are dropped."""

from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from org.models import Unit
from submissions.models import ItemState
from tests.factories import make_item

pytestmark = pytest.mark.django_db


def test_the_report_workbook_drops_what_xml_cannot_carry(
    officer_a, head_a, unit_a, leader, client_of
):
    make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区防汛检查")
    Unit.objects.filter(pk=unit_a.pk).update(name="甲区\x1b委办公室\uffff")
    today = timezone.localdate()
    query = {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
    response = client_of(leader).get("/archive/insight/report.xlsx", query)
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    names = [row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert "甲区委办公室" in names
