"""Registering an adoption (登记采用) on the item's page, clicked through: for an item never
forwarded, the section chief is offered the city's own publications only, none chosen; once the
item is forwarded upward, the province's publication is offered too, and its adoption is
recorded with the number and date of the provincial issue that used it."""

import pytest
from playwright.sync_api import Page, expect

from bulletins.models import Adoption, Publication
from org.models import Unit, User
from submissions.models import ItemState
from tests.browser.login import sign_in
from tests.factories import make_item, make_publication, make_unit

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"


@pytest.fixture
def province(section: Unit) -> Unit:
    """The provincial office above the city office: where items are forwarded."""
    province = make_unit("省委办公厅", code="prov", level="province", is_reporting=False)
    office = section.parent
    assert office is not None
    office.parent = province
    office.save(update_fields=["parent"])
    return province


def options(page: Page) -> list[str]:
    """The adoption box's choices as listed: (group, publication) in order, blank first."""
    select = page.locator("select[name='adopt-publication']")
    return select.evaluate(
        "s => Array.from(s.options).map(o => "
        "(o.parentElement.label ? o.parentElement.label + '：' : '') + o.text)"
    )


def test_an_unforwarded_item_is_offered_the_citys_publications_none_chosen(
    page: Page,
    officer_a: User,
    head_a: User,
    chief: User,
    city_daily: Publication,
    province_bulletin: Publication,
    province: Unit,
) -> None:
    chief.full_name = "刘建国"
    chief.set_password(PASSWORD)
    chief.save()
    special = make_publication("city", code="xxzb", name="信息专报", sort_order=5)
    central = make_publication("central", code="zb", name="中办每日汇报")
    item = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区部署汛期隐患排查")

    sign_in(page, chief, PASSWORD)
    expect(page.get_by_role("heading", name="刘建国，您好")).to_be_visible()
    page.goto(f"/items/{item.pk}/")
    select = page.locator("select[name='adopt-publication']")
    expect(select).to_be_visible()
    # Only the city's own publications, and nothing chosen for the chief.
    assert options(page) == ["— 请选择采用的刊物 —", "市级：每日要情", "市级：信息专报"]
    expect(select).to_have_value("")
    expect(page.get_by_text("上报后方可选择上级刊物")).to_be_visible()
    expect(page.locator("input[name='adopt-upper_issue_number']")).to_have_count(0)

    # Forwarded upward, the province's and the centre's are offered after the city's.
    page.get_by_role("button", name="上报省委办公厅").click()
    expect(page.get_by_role("button", name="上报省委办公厅")).to_have_count(0)
    assert options(page) == [
        "— 请选择采用的刊物 —",
        "市级：每日要情",
        "市级：信息专报",
        "省级：省委办公厅信息专报",
        "中央：中办每日汇报",
    ]
    expect(select).to_have_value("")

    # The province used it: recorded with its issue, shown on the page.
    select.select_option(label="省委办公厅信息专报")
    page.get_by_label("期号").fill("2026年第88期")
    day = page.get_by_label("采用日期").input_value()
    page.get_by_label("刊期日期").fill(day)
    page.get_by_role("button", name="登记采用").click()
    expect(page.get_by_text("采用情况已登记。")).to_be_visible()
    expect(page.get_by_text(f"期次：2026年第88期（{day}）")).to_be_visible()
    adoption = Adoption.objects.get(item=item)
    assert (adoption.publication_id, adoption.upper_issue_number) == (
        province_bulletin.pk,
        "2026年第88期",
    )
    assert not Adoption.objects.filter(publication__in=[city_daily, special, central]).exists()
