"""Back and Forward after htmx has changed part of a page, in a real browser.

A page's URL answers htmx with a fragment of the page (the board's rows, the item list, the
search results). Pressing Back or Forward must bring the whole page back — menu, heading,
stylesheet — working: the board's countdowns tick and it goes on refreshing. The board also
says when it cannot reach the server, and comes back by itself; a session that ended under its
polling shows the whole login page.

Time in the browser is Playwright's clock (installed by `new_page`): `clock.run_for` fires the
board's 20-second refresh and the countdowns' ticks without waiting for them.
"""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import Page, Response, expect

from bulletins import actions as bulletin_actions
from org.models import User
from submissions.models import ItemState
from tests.browser.login import sign_in
from tests.clock import SHANGHAI, days_before
from tests.emergencies.emergency_factories import open_by_phone
from tests.factories import make_item

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"
BOARD = "/emergencies/"
REFRESH_MS = 20_000  # the board's hx-trigger="every 20s", as the page says it
# The page background of static/css/xinbao.css (`--bg: #f5f6f7`), written out by hand: a page
# without the stylesheet is transparent.
STYLED_BACKGROUND = "rgb(245, 246, 247)"


def log_in(page: Page, user: User) -> None:
    user.set_password(PASSWORD)
    user.save()
    sign_in(page, user, PASSWORD)
    expect(page.locator("main")).to_be_visible()


def expect_whole_page(page: Page, heading: str) -> None:
    """The page with its menu, its heading and its stylesheet — not a fragment alone."""
    expect(page.get_by_role("navigation", name="主菜单")).to_be_visible()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    expect(page.locator("html")).to_have_css("background-color", STYLED_BACKGROUND)
    assert page.locator("html").count() == 1 and page.locator("header.topbar").count() == 1


def is_board_refresh(response: Response) -> bool:
    request = response.request
    return response.url.endswith(BOARD) and request.headers.get("hx-request") == "true"


def refresh_board(page: Page) -> Response:
    """Let the board's refresh timer fire once; the response htmx got."""
    with page.expect_response(is_board_refresh) as answer:
        page.clock.run_for(REFRESH_MS)
    response = answer.value
    expect(page.locator("#board")).not_to_have_class(re.compile("htmx-request"))
    return response


def hh_mm(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%H:%M")


@pytest.fixture
def board(page: Page, duty_officer: User, unit_a: Any) -> Page:
    """The duty officer's board, one fire on it, opened from the home page."""
    open_by_phone(duty_officer, unit_a, timezone.now(), title="甲区某化工厂仓库火灾")
    log_in(page, duty_officer)
    page.goto(BOARD)
    expect_whole_page(page, "突发事件看板")
    expect(page.locator("#board .countdown")).to_have_text(re.compile(r"^剩余 "))
    return page


# --- the emergency board ------------------------------------------------------------------------


def test_back_to_the_board_after_its_refresh_shows_the_whole_board_still_alive(board: Page):
    page = board
    response = refresh_board(page)
    assert "HX-Request" in response.headers["vary"]
    assert "no-store" in response.headers["cache-control"]

    page.get_by_role("link", name="报送时限").click()
    expect_whole_page(page, "报送时限")
    page.go_back()
    assert page.url.endswith(BOARD)
    expect_whole_page(page, "突发事件看板")

    countdown = page.locator("#board .countdown")
    shown = countdown.text_content()
    page.clock.run_for(2_000)
    expect(countdown).not_to_have_text(shown or "")  # it ticks
    refresh_board(page)  # and refreshes
    expect(page.locator("#board .countdown")).to_have_text(re.compile(r"^剩余 "))

    page.go_forward()
    expect_whole_page(page, "报送时限")


def test_the_board_says_it_is_offline_and_recovers_when_the_network_returns(
    board: Page, duty_officer: User, unit_a: Any
):
    page = board
    before = timezone.now()
    refresh_board(page)
    after = timezone.now()
    notice = page.get_by_role("alert")
    expect(notice).to_be_hidden()

    page.context.set_offline(True)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    # A minute and more without the network: every refresh fails, the notice stays.
    for _ in range(4):
        page.clock.run_for(REFRESH_MS)
        expect(notice).to_be_visible()
    expect(notice).to_have_text(re.compile(r"^连接中断，正在重试……（上次更新 \d\d:\d\d）$"))
    # The time of the last figures that arrived, as the server stamped them.
    since = notice.locator("time").text_content()
    assert since in {hh_mm(before), hh_mm(after)}
    assert failed and all(url.endswith(BOARD) for url in failed)
    # Meanwhile a second incident is reported.
    open_by_phone(duty_officer, unit_a, timezone.now(), title="乙县某高速公路交通事故")

    page.context.set_offline(False)  # the board refreshes at once, not at the next tick
    expect(page.get_by_role("link", name="乙县某高速公路交通事故")).to_be_visible()
    expect(notice).to_be_hidden()


def test_the_board_goes_on_polling_while_the_server_is_unreachable(
    board: Page, duty_officer: User, unit_a: Any
):
    page = board
    notice = page.get_by_role("alert")
    # The server (not this computer's network) is down: the browser still thinks it is online.
    page.route(f"**{BOARD}", lambda route: route.abort("connectionrefused"))
    page.clock.run_for(REFRESH_MS)
    expect(notice).to_be_visible()
    page.clock.run_for(3 * REFRESH_MS)
    expect(notice).to_be_visible()
    open_by_phone(duty_officer, unit_a, timezone.now(), title="乙县某高速公路交通事故")

    page.unroute(f"**{BOARD}")
    refresh_board(page)  # the next tick gets through
    expect(page.get_by_role("link", name="乙县某高速公路交通事故")).to_be_visible()
    expect(notice).to_be_hidden()


def test_a_session_ended_under_the_polling_shows_the_whole_login_page(
    board: Page, duty_officer: User
):
    page = board
    Session.objects.all().delete()  # logged out elsewhere, or expired
    page.clock.run_for(REFRESH_MS)
    expect(page.get_by_role("heading", name="登录信报系统")).to_be_visible()
    assert page.locator("#board").count() == 0
    assert page.url.endswith("/accounts/login/?next=/emergencies/")

    page.get_by_label("用户名").fill(duty_officer.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect_whole_page(page, "突发事件看板")


# --- the item list's filters ----------------------------------------------------------------


def test_back_and_forward_through_item_list_filters_show_whole_pages(
    page: Page, editor: User, officer_a: User, head_a: User
):
    submitted = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区部署汛期隐患排查")
    reviewed = make_item(
        officer_a, ItemState.UNDER_REVIEW, head=head_a, editor=editor, title="甲区农村供水保障"
    )
    log_in(page, editor)
    page.goto("/items/")
    expect_whole_page(page, "信息列表")
    rows = page.locator("#rows")
    expect(rows.get_by_role("link", name=reviewed.title)).to_be_visible()

    page.locator("label", has=page.locator("input[name=state][value=submitted]")).click()
    expect(rows.get_by_role("link", name=reviewed.title)).to_have_count(0)
    assert "state=submitted" in page.url  # the address says what the list shows

    page.get_by_role("link", name=submitted.title).click()
    expect(page.get_by_role("heading", name=submitted.title)).to_be_visible()
    page.go_back()  # to the filtered list
    expect_whole_page(page, "信息列表")
    assert "state=submitted" in page.url
    expect(page.locator("input[name=state][value=submitted]")).to_be_checked()
    expect(rows.get_by_role("link", name=reviewed.title)).to_have_count(0)

    page.go_back()  # to the list before the filter
    expect_whole_page(page, "信息列表")
    assert page.url.endswith("/items/")
    expect(page.locator("input[name=state][value='']")).to_be_checked()
    expect(rows.get_by_role("link", name=reviewed.title)).to_be_visible()

    page.go_forward()
    expect_whole_page(page, "信息列表")
    expect(page.locator("input[name=state][value=submitted]")).to_be_checked()
    expect(rows.get_by_role("link", name=reviewed.title)).to_have_count(0)


def test_forward_pressed_before_htmx_has_run_still_shows_the_addresses_page(
    page: Page, editor: User, officer_a: User, head_a: User
):
    """On a slow line the page is drawn before its deferred scripts run; htmx may never arrive.

    After Back reloads the list, the browser counts the filtered entry as the same document's,
    so Forward only changed the address: the unfiltered rows stayed under `?state=submitted`.
    """
    make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区部署汛期隐患排查")
    reviewed = make_item(
        officer_a, ItemState.UNDER_REVIEW, head=head_a, editor=editor, title="甲区农村供水保障"
    )
    log_in(page, editor)
    page.goto("/items/")
    rows = page.locator("#rows")
    page.locator("label", has=page.locator("input[name=state][value=submitted]")).click()
    expect(rows.get_by_role("link", name=reviewed.title)).to_have_count(0)

    page.route("**/htmx-*.js", lambda route: route.abort())  # from now on htmx never loads
    page.go_back()
    expect_whole_page(page, "信息列表")
    expect(rows.get_by_role("link", name=reviewed.title)).to_be_visible()
    page.go_forward()
    expect(page.locator("input[name=state][value=submitted]")).to_be_checked()
    expect(rows.get_by_role("link", name=reviewed.title)).to_have_count(0)
    assert "state=submitted" in page.url
    page.go_back()
    expect(page.locator("input[name=state][value='']")).to_be_checked()
    expect(rows.get_by_role("link", name=reviewed.title)).to_be_visible()


# --- the information database ---------------------------------------------------------------


def test_back_and_forward_through_archive_searches_show_whole_pages(
    page: Page, editor: User, officer_a: User, head_a: User
):
    fire = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区城南街道民房火灾")
    flood = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区防汛物资到位")
    log_in(page, editor)
    page.goto("/archive/")
    expect_whole_page(page, "信息库")
    hits = page.locator("li.hit")

    page.locator("input[name=q]").fill("火灾")
    page.locator("input[name=q]").press("Enter")
    expect(hits).to_have_count(1)
    page.locator("input[name=q]").fill("防汛")
    page.locator("input[name=q]").press("Enter")
    expect(page.locator(f'a[href="/items/{flood.pk}/"]')).to_be_visible()
    expect(hits).to_have_count(1)
    # What "Save this search" saves is the search shown, though htmx made it.
    saved = page.locator("#save-search input[name=search]")
    expect(saved).to_have_value(re.compile(r"q=%E9%98%B2%E6%B1%9B(&|$)"))  # 防汛

    page.go_back()
    expect(page.locator("input[name=q]")).to_have_value("火灾")
    expect_whole_page(page, "信息库")
    expect(page.locator(f'a[href="/items/{fire.pk}/"]')).to_be_visible()
    expect(hits).to_have_count(1)
    page.go_back()
    expect_whole_page(page, "信息库")
    expect(page.locator("input[name=q]")).to_have_value("")

    page.go_forward()
    expect_whole_page(page, "信息库")
    expect(page.locator(f'a[href="/items/{fire.pk}/"]')).to_be_visible()


# --- the bulletin's candidate picker --------------------------------------------------------


def test_ticked_candidates_survive_searches_and_back(
    page: Page,
    editor: User,
    officer_a: User,
    head_a: User,
    city_daily: Any,
    new_page: Callable[..., Any],
):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    water = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区农村供水保障")
    flood = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区防汛物资到位")
    fire = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区城南街道民房火灾")
    issue = bulletin_actions.do_create_issue(editor, city_daily, days_before(0))
    log_in(page, editor)
    page.goto("/items/")
    page.goto(f"/bulletins/issues/{issue.pk}/")
    picker = page.locator("#candidate-rows")
    search = page.get_by_placeholder("标题关键词")

    picker.get_by_label(water.title).check()
    search.fill("防汛")
    expect(picker.get_by_label(fire.title)).to_have_count(0)  # the search has run
    expect(picker.get_by_label(water.title)).to_be_checked()  # kept, ticked
    picker.get_by_label(flood.title).check()
    search.fill("")  # the box cleared
    expect(picker.get_by_label(fire.title)).not_to_be_checked()
    expect(picker.get_by_label(water.title)).to_be_checked()
    expect(picker.get_by_label(flood.title)).to_be_checked()

    page.go_back()
    expect_whole_page(page, "信息列表")
    page.go_forward()
    expect(page.locator("#candidate-rows")).to_be_visible()
    assert page.locator("nav.mainnav").count() == 1
    # What the server sent for the address: nothing ticked, no words in the box.
    expect(search).to_have_value("")
    expect(page.locator("#candidate-rows input:checked")).to_have_count(0)

    picker.get_by_label(water.title).check()
    search.fill("防汛")
    picker.get_by_label(flood.title).check()
    search.fill("火灾")
    expect(picker.get_by_label(flood.title)).to_be_checked()
    page.get_by_role("button", name="编入所选").click()
    expect(page.locator("#entries")).to_contain_text(flood.title)
    added = set(issue.entries.values_list("item_id", flat=True))
    assert added == {water.pk, flood.pk}
