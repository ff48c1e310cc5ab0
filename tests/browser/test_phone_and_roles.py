"""On a phone (390×844), as every role of the demo city: no main page is wider than the screen;
the duty officer starts on the emergency board; the missing-calendar banner can be dismissed for
the day."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bulletins.actions import do_file_feedback
from bulletins.models import FollowUpTask
from org.models import CalendarYear, User
from org.roles import Role
from tests import demo_checks as check
from tests.authz.test_visible_links import PERSONA_OF_ROLE
from tests.browser.login import sign_in
from xinbao.demo.directory import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WIDTH = 390
# Besides each role's menu, the pages issue 13 found too wide.
ALSO = ("/bulletins/instructions/",)


def phone_as(new_page: Callable[..., Any], username: str) -> Page:
    page: Page = new_page(**PHONE)
    sign_in(page, User.objects.get(username=username), DEMO_PASSWORD)
    expect(page.locator("header.topbar")).to_be_visible()
    return page


def page_width(page: Page) -> int:
    return int(page.evaluate("document.scrollingElement.scrollWidth"))


def test_no_main_page_is_wider_than_a_phone(new_page: Callable[..., Any]) -> None:
    check.seed()
    # The instruction board as well with both its tables: the section's one with feedback due
    # (measured first), then the demo's feedback filed late.
    editor = phone_as(new_page, "bianji1")
    editor.goto("/bulletins/instructions/")
    expect(editor.locator("table.board")).to_be_visible()
    assert page_width(editor) <= WIDTH
    editor.context.close()
    task = FollowUpTask.objects.get()
    officer = User.objects.get(unit=task.unit, role=Role.OFFICER)
    do_file_feedback(
        officer, task.pk, "已按批示要求逐项落实，" * 8, now=task.due_at + timedelta(hours=30)
    )
    wide: dict[tuple[str, str], int] = {}
    opened = 0
    for username in PERSONA_OF_ROLE.values():
        page = phone_as(new_page, username)
        menu = page.eval_on_selector_all(
            "nav.mainnav a", "links => links.map(a => a.getAttribute('href'))"
        )
        assert menu, username
        for href in dict.fromkeys([*menu, *ALSO]):
            answer = page.goto(href)
            if answer is None or answer.status != 200 or "/admin/" in page.url:
                continue  # not this role's page (the leader's is one of ALSO), or Django's admin
            opened += 1
            width = page_width(page)
            if width > WIDTH:
                wide[(username, href)] = width
        page.context.close()
    assert wide == {}
    assert opened > 3 * len(PERSONA_OF_ROLE)


def test_the_duty_officer_starts_on_the_emergency_board(new_page: Callable[..., Any]) -> None:
    check.seed()
    page = phone_as(new_page, "zhiban")
    expect(page).to_have_url(re.compile(r"/emergencies/$"))
    expect(page.get_by_role("heading", name="突发事件看板")).to_be_visible()


def test_the_banner_is_dismissed_for_the_day(new_page: Callable[..., Any]) -> None:
    """(That it comes back the next day, office time, is tests/org/test_calendar_banner.py.)"""
    check.seed()
    CalendarYear.objects.filter(year=timezone.localdate().year).delete()
    page = phone_as(new_page, "zhiban")
    banner = page.locator(".calendar-warning")
    expect(banner).to_be_visible()
    page.get_by_role("button", name="今天不再提示").click()
    expect(page).to_have_url(re.compile(r"/emergencies/$"))  # back where the person was
    expect(banner).to_have_count(0)
    page.goto("/org/duty/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(banner).to_have_count(0)
