"""One item's whole journey, clicked through in a real browser by the people who handle it.

The officer writes and submits it, the unit head signs it off, the editor takes it, edits it and
adopts it, and the city leader finds it on the bulletins page (one tap from the morning view
the leader lands on). Assertions are on the Chinese text a
user reads; the database is checked only at the end.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from bulletins.models import Publication
from org.models import User
from submissions.models import InfoItem, ItemState, RevisionSource
from tests.browser.login import expect_logged_in, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"
# XINBAO_SHOTS=/some/dir keeps screenshots of the main screens for people to look at.
SHOTS = os.environ.get("XINBAO_SHOTS")

TITLE = "甲区部署汛期安全生产隐患排查"
BODY = (
    "6月3日，甲区召开汛期安全生产工作会议，部署全区隐患排查整治。\n"
    "会议要求各街道落实专人负责，对地下空间、在建工地逐一排查，6月底前完成整改。"
)
EDITED_TITLE = "甲区六月底前完成汛期安全隐患整改"
EDITED_BODY = (
    "甲区部署汛期隐患排查整治，要求6月底前完成地下空间、在建工地整改，各街道落实专人负责。"
)


def _persona(user: User, full_name: str) -> User:
    user.full_name = full_name
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def people(officer_a: User, head_a: User, editor: User, leader: User) -> dict[str, User]:
    """The four people of the journey, with real passwords and names."""
    return {
        "officer": _persona(officer_a, "王晓明"),
        "head": _persona(head_a, "李建国"),
        "editor": _persona(editor, "张敏"),
        "leader": _persona(leader, "陈志远"),
    }


def shoot(page: Page, name: str) -> None:
    """Keep a picture of a screen when XINBAO_SHOTS names a folder (not an assertion)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SHOTS) / f"{name}.png", full_page=True)


def log_in(page: Page, user: User) -> None:
    sign_in(page, user, PASSWORD)
    expect_logged_in(page, user)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录信报")).to_be_visible()


def section(page: Page, heading: str) -> Locator:
    """The home-page card under a heading."""
    return page.locator("section.card").filter(has=page.get_by_role("heading", name=heading))


def action_form(page: Page, action: str) -> Locator:
    """One form of the detail page's action box (its forms are classed `act act-<action>`)."""
    return page.locator(f"form.act-{action}")


def write_and_submit(page: Page) -> None:
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("类别").select_option(label="动态")
    page.get_by_label("正文").fill(BODY)
    page.get_by_label("标签").fill("安全生产，防汛")
    page.get_by_role("button", name="提交审签").click()
    expect(page.get_by_role("status")).to_contain_text("已提交单位领导审签")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".pagehead .state")).to_have_text("待审签")


def test_item_from_officer_to_leader(
    page: Page, people: dict[str, User], city_daily: Publication
) -> None:
    officer, head, editor, leader = (people[k] for k in ("officer", "head", "editor", "leader"))

    # The officer writes the item and sends it for sign-off.
    log_in(page, officer)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="撰写信息").click()
    expect(page.get_by_role("heading", name="撰写信息")).to_be_visible()
    write_and_submit(page)
    expect(page.get_by_text("安全生产", exact=True)).to_be_visible()  # a tag
    shoot(page, "1-officer-submitted")
    log_out(page)

    # The unit head finds it waiting on the home page and signs it off.
    log_in(page, head)
    awaiting = section(page, "等待您审签")
    awaiting.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    action_form(page, "sign_off").get_by_role("button", name="审签并报送").click()
    expect(page.get_by_role("status")).to_contain_text("已审签")
    expect(page.locator(".pagehead .state")).to_have_text("已报送")
    log_out(page)

    # The editor takes it from the review queue, edits it and records the adoption.
    log_in(page, editor)
    section(page, "待处理信息").get_by_role("link", name=TITLE).click()
    action_form(page, "start_review").get_by_role("button", name="接收处理").click()
    expect(page.get_by_role("status")).to_contain_text("您已接收这条信息")
    expect(page.locator(".pagehead .state")).to_have_text("编辑处理中")
    page.get_by_role("link", name="编辑稿件").click()
    expect(page.get_by_role("heading", name="信息科编辑")).to_be_visible()
    expect(page.get_by_label("标题")).to_have_value(TITLE)
    page.get_by_label("标题").fill(EDITED_TITLE)
    page.get_by_label("正文").fill(EDITED_BODY)
    page.get_by_label("编辑说明").fill("压缩篇幅，标题突出整改时限")
    page.get_by_role("button", name="保存编辑").click()
    expect(page.get_by_role("status")).to_contain_text("编辑已保存，单位原稿完整保留")
    expect(page.get_by_text("以下为信息科编辑后的稿件")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(EDITED_TITLE)
    adopt = action_form(page, "adopt")
    expect(adopt.get_by_label("采用日期")).to_have_value(timezone.localdate().isoformat())
    adopt.get_by_label("刊物").select_option(label="每日要情")
    adopt.get_by_role("button", name="登记采用").click()
    expect(page.get_by_role("status")).to_contain_text("采用情况已登记")
    expect(page.locator(".pagehead .state")).to_have_text("已采用")
    shoot(page, "2-editor-adopted")
    log_out(page)

    # The leader lands on the morning view and finds it among the latest adopted information
    # on the bulletins page (the morning view lists yesterday's adoptions).
    log_in(page, leader)
    expect(page.get_by_role("heading", name="态势", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="刊物").click()
    latest = section(page, "最新采用信息")
    expect(latest.get_by_role("link", name=EDITED_TITLE)).to_be_visible()
    expect(latest).to_contain_text("每日要情")
    expect(page.get_by_text(TITLE, exact=True)).to_have_count(0)
    shoot(page, "3-leader-home")
    latest.get_by_role("link", name=EDITED_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EDITED_TITLE)
    expect(page.locator(".pagehead .state")).to_have_text("已采用")
    expect(page.get_by_text(EDITED_BODY)).to_be_visible()

    log_out(page)

    # The officer was told every step; the edit's notice opens the comparison of the texts.
    log_in(page, officer)
    page.get_by_role("navigation", name="主菜单").get_by_role(
        "link", name=re.compile(r"^消息")
    ).click()
    inbox = page.locator("main")
    for title in (
        f"【已审签】《{TITLE}》",
        f"【处理中】《{TITLE}》",
        f"【已编辑】《{EDITED_TITLE}》",
        f"【采用】《{EDITED_TITLE}》：每日要情",
    ):
        expect(inbox.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(inbox).to_contain_text("编辑说明：压缩篇幅，标题突出整改时限")
    shoot(page, "4-officer-inbox")
    inbox.get_by_role("link", name=f"【已编辑】《{EDITED_TITLE}》", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EDITED_TITLE)
    expect(page.get_by_role("heading", name="与修订版 1 的差异")).to_be_visible()

    item = InfoItem.objects.get()
    assert item.state == ItemState.ADOPTED
    assert (item.title, item.body) == (EDITED_TITLE, EDITED_BODY)
    assert list(item.adoptions.values_list("publication__name", flat=True)) == ["每日要情"]
    revisions = list(item.revisions.order_by("number").values_list("source", "title", "body"))
    assert revisions == [
        (RevisionSource.OFFICER, TITLE, BODY),
        (RevisionSource.EDITOR, EDITED_TITLE, EDITED_BODY),
    ]


def test_officer_writes_and_submits_on_a_phone(
    new_page: Callable[..., Page], people: dict[str, User]
) -> None:
    page = new_page(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    log_in(page, people["officer"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "page scrolls sideways"
    menu = page.get_by_role("navigation", name="主菜单")
    menu.get_by_role("link", name="撰写信息").tap()
    expect(page.get_by_role("heading", name="撰写信息")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "form scrolls sideways"
    shoot(page, "4-phone-write-form")
    write_and_submit(page)
    shoot(page, "5-phone-submitted")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "detail scrolls sideways"
    assert InfoItem.objects.get().state == ItemState.AWAITING_SIGNOFF
