"""The demo city's scoring: every class ranked with its awards after seeding and a rebuild;
loading it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from org.models import Unit, User
from scoring.models import ClassAssignment
from tests.scoring.scoring_helpers import ledger_rows
from xinbao.core.demo_scoring import load_scoring

pytestmark = pytest.mark.django_db


def test_the_demo_ranks_every_class_with_its_awards(client_of):
    call_command("seed_demo", stdout=StringIO())
    units = {u.code: u for u in Unit.objects.all()}
    now = timezone.now()
    load_scoring(units, now)  # a re-run once load_demo calls it
    reporting = Unit.objects.filter(is_reporting=True, is_active=True)
    assert ClassAssignment.objects.count() == reporting.count()

    page = client_of(User.objects.get(username="kezhang")).get(
        reverse("scoring:board"), {"year": timezone.localdate(now).year}
    )
    boards = page.context["boards"]
    assert [b.unit_class.name for b in boards] == ["一类", "二类", "三类", "四类"]
    for board in boards:
        assert board.awarded >= 1, board.unit_class

    rows = ledger_rows()
    assert rows
    load_scoring(units, now)
    assert ledger_rows() == rows
