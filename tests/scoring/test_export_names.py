"""The rankings, scorecards and evaluation download under Chinese names that say what and
when they are (the year of the data asked for, not this year), and carry the office as their
author and now as their time."""

from datetime import date

import pytest
from django.urls import reverse

from tests.bulletins.editorial_helpers import local
from tests.clock import LAST_YEAR, YEAR
from tests.download_checks import docx_properties, saved_name, xlsx_properties
from tests.scoring.scoring_helpers import adopted, assign

pytestmark = pytest.mark.django_db

OFFICE = "中共江城市委办公室"


@pytest.fixture
def office(section):
    """The municipal office under a name no code carries: the author must come from the
    unit directory."""
    hub = section.parent
    hub.name = OFFICE
    hub.save(update_fields=["name"])
    return hub


@pytest.fixture
def ranked(office, officer_a, unit_a, province_bulletin):
    assign(unit_a, "一类", date(LAST_YEAR, 1, 1), quota=0)
    adopted(officer_a, province_bulletin, local(f"{YEAR}-02-02 10:00"))


@pytest.mark.parametrize(
    ("year", "period", "name"),
    [
        (YEAR, "", f"{YEAR}年度信息工作排名"),
        (LAST_YEAR, "", f"{LAST_YEAR}年度信息工作排名"),
        (YEAR, "q2", f"{YEAR}年第2季度信息工作排名"),
        (YEAR, "3", f"{YEAR}年3月信息工作排名"),
    ],
)
def test_the_ranking_is_named_after_its_period(client_of, leader, ranked, year, period, name):
    response = client_of(leader).get(
        reverse("scoring:board_xlsx"), {"year": year, "period": period}
    )
    assert response.status_code == 200
    assert saved_name(response) == f"{name}.xlsx"
    xlsx_properties(response.content, OFFICE, name)


def test_the_ascii_name_is_there_for_old_clients(client_of, leader, ranked):
    response = client_of(leader).get(reverse("scoring:board_xlsx"), {"year": YEAR})
    assert f'filename="ranking-{YEAR}.xlsx"' in response["Content-Disposition"]


def test_the_scorecard_is_named_after_the_unit(client_of, officer_a, unit_a, ranked):
    response = client_of(officer_a).get(
        reverse("scoring:unit_xlsx", args=[unit_a.pk]), {"year": YEAR}
    )
    assert response.status_code == 200
    assert saved_name(response) == f"甲区委办公室{YEAR}年度积分卡.xlsx"
    xlsx_properties(response.content, OFFICE, f"甲区委办公室{YEAR}年度积分卡")


def test_the_evaluation_is_named_after_its_title(client_of, chief, ranked):
    response = client_of(chief).get(reverse("scoring:evaluation_docx"), {"year": LAST_YEAR})
    assert response.status_code == 200
    title = f"{LAST_YEAR}年度信息工作考核评比情况"
    assert saved_name(response) == f"{title}.docx"
    docx_properties(response.content, OFFICE, title)
