"""Rankings, scorecards and the annual evaluation download although a unit's stored name or a
class name holds characters XML cannot carry; the characters are dropped."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from org.models import Unit
from scoring.actions import rebuild
from scoring.models import UnitClass
from tests.scoring.scoring_helpers import adopted, assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(officer_a, unit_a, city_daily):
    today = timezone.localdate()
    assign(unit_a, "一类", today.replace(month=1, day=1), quota=0)
    adopted(officer_a, city_daily, timezone.now())
    Unit.objects.filter(pk=unit_a.pk).update(name="甲区\x0b委办\x1b公室")
    UnitClass.objects.filter(name="一类").update(name="一\x08类")
    rebuild(today.year, as_of=timezone.now())
    return today.year


def test_the_workbooks_and_the_evaluation_download(year, unit_a, leader, chief, client_of):
    ranking = client_of(leader).get(reverse("scoring:board_xlsx"), {"year": year})
    assert ranking.status_code == 200
    book = load_workbook(BytesIO(ranking.content))
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "甲区\n委办公室" in cells
    assert book.worksheets[0].title.startswith("一类")
    card = client_of(leader).get(reverse("scoring:unit_xlsx", args=[unit_a.pk]), {"year": year})
    assert card.status_code == 200
    load_workbook(BytesIO(card.content))
    evaluation = client_of(chief).get(reverse("scoring:evaluation_docx"), {"year": year})
    assert evaluation.status_code == 200
    cells = [
        c.text
        for t in Document(BytesIO(evaluation.content)).tables
        for r in t.rows
        for c in r.cells
    ]
    assert "甲区\n委办公室" in cells
