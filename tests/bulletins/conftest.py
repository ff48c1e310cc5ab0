"""Fixtures for the bulletin tests: 《每日要情》 compiled here and read by the city leader, and
three items the section can put into an issue — one from each state that can go in."""

import pytest

from submissions.models import ItemState
from tests.factories import make_item, make_publication, make_unit


@pytest.fixture
def daily(city_daily, leader):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    city_daily.readers.add(leader)
    return city_daily


@pytest.fixture
def province(section):
    """The provincial office above the city office: where items are forwarded."""
    province = make_unit("省委办公厅", code="prov", level="province", is_reporting=False)
    office = section.parent
    office.parent = province
    office.save(update_fields=["parent"])
    return province


@pytest.fixture
def three_items(officer_a, head_a, officer_b, head_b, unit_b, editor):
    return [
        make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区部署汛期隐患排查"),
        make_item(
            officer_b, ItemState.UNDER_REVIEW, head=head_b, editor=editor, title="乙县农村供水"
        ),
        make_item(
            officer_a,
            ItemState.ADOPTED,
            head=head_a,
            editor=editor,
            publication=make_publication(code="special", name="信息专报"),
            joint_units=(unit_b,),
            title="甲区乙县联合整治河道",
        ),
    ]
