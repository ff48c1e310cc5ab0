"""The roster, clicked through: the section chief opens the network page from the menu, goes
to a unit's roster, names a new main officer, and the roster shows the new officer as current
and the old one in the history, each with their period."""

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from org.models import Unit, User
from org.roles import Role
from tests.browser.login import expect_logged_in, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"


def test_the_chief_changes_a_units_officer_and_the_history_keeps_both(
    new_page: Any, chief: User, officer_a: User, unit_a: Unit
) -> None:
    chief.full_name = "刘建国"
    chief.set_password(PASSWORD)
    chief.save()
    officer_a.full_name = "王芳"
    officer_a.save()
    make_user(Role.OFFICER, unit_a, username="li_a", full_name="李继任")
    today = timezone.localdate().isoformat()

    page: Page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, chief, PASSWORD)
    expect_logged_in(page, chief)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="报送网络").click()
    page.get_by_role("link", name=unit_a.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("信息员队伍")
    expect(page.locator("#current-posts")).to_contain_text("王芳")

    form = page.locator("#appoint form")
    form.get_by_label("岗位").select_option("main")
    form.get_by_label("任职人员").select_option(label="李继任")
    form.get_by_label("专职/兼职").select_option("full")
    form.get_by_label("联系电话").fill("13900000001")
    form.get_by_role("button", name="保存岗位").click()

    expect(page.locator(".messages")).to_contain_text("信息员队伍已更新")
    current = page.locator("#current-posts tbody tr")
    expect(current).to_have_count(1)
    expect(current).to_contain_text("李继任")
    expect(current.locator(".period")).to_have_text(f"{today} – 至今")
    old = page.locator("#history-posts tbody tr")
    expect(old).to_have_count(1)
    expect(old).to_contain_text("王芳")
    expect(old.locator(".period")).to_have_text(f"建档前 – {today}")
