"""The information database, clicked through on a phone: the editor searches a two-character
word, sees it marked in every unit's reports, and narrows the results to one unit with the
filter panel — the counts beside each unit say what is coming."""

import pytest
from playwright.sync_api import Page, expect

from org.models import User
from submissions.models import ItemState
from tests.browser.login import sign_in
from tests.factories import make_item

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"


def log_in(page: Page, user: User) -> None:
    user.set_password(PASSWORD)
    user.save()
    sign_in(page, user, PASSWORD)
    expect(page.locator("main")).to_be_visible()


def search_for(page: Page, words: str) -> None:
    page.goto("/archive/")
    page.locator("input[name=q]").fill(words)
    page.locator("input[name=q]").press("Enter")


def test_search_a_two_character_word_and_narrow_it_to_one_unit(
    new_page, officer_a, head_a, officer_b, head_b, editor
):
    fire_a = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区城南街道民房火灾")
    fire_b = make_item(officer_b, ItemState.SUBMITTED, head=head_b, title="乙县开展火灾隐患排查")
    make_item(officer_b, ItemState.SUBMITTED, head=head_b, title="乙县防汛物资到位")
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, editor)

    search_for(page, "火灾")
    hits = page.locator("li.hit")
    expect(hits).to_have_count(2)
    expect(page.locator(f'a[href="/items/{fire_a.pk}/"] mark')).to_have_text("火灾")
    expect(page.locator(f'a[href="/items/{fire_b.pk}/"]')).to_be_visible()

    unit_a = page.locator(f'input[name=unit][value="{officer_a.unit_id}"]')
    expect(unit_a).to_be_visible()  # the filter panel has loaded, with its counts
    expect(page.locator("label", has=unit_a)).to_contain_text("1")
    unit_a.check()
    expect(hits).to_have_count(1)
    expect(page.locator(f'a[href="/items/{fire_a.pk}/"]')).to_be_visible()
    expect(page.locator(f'a[href="/items/{fire_b.pk}/"]')).to_have_count(0)
    assert f"unit={officer_a.unit_id}" in page.url  # the narrowed search is a link to share
    # Nothing on the page is wider than the phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_the_count_of_a_long_result_arrives_after_the_page_and_survives_back(
    page: Page, officer_a, head_a, editor
):
    """Twenty-three reports of 汛情: the first twenty show at once, the count line follows on its
    own request; the second page knows the count; Back shows the first page counted again."""
    for i in range(23):
        make_item(officer_a, ItemState.SUBMITTED, head=head_a, title=f"第{i}期汛情通报")
    log_in(page, editor)
    search_for(page, "汛情")
    hits = page.locator("li.hit")
    expect(hits).to_have_count(20)
    count_line = page.locator("p.archive-count")
    expect(count_line).to_have_text("23篇文档 · 汛情")
    expect(page.locator("nav.pager span")).to_have_text("第 1 页，共 2 页")  # told by the count

    page.get_by_role("link", name="下一页").click()
    expect(hits).to_have_count(3)
    expect(count_line).to_have_text("23篇文档 · 汛情")
    expect(page.locator("nav.pager span")).to_have_text("第 2 页，共 2 页")

    page.go_back()
    expect(hits).to_have_count(20)
    expect(count_line).to_have_text("23篇文档 · 汛情")
    expect(page.locator("nav.pager span")).to_have_text("第 1 页，共 2 页")
    expect(page.locator("input[name=q]")).to_have_value("汛情")
