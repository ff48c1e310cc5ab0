"""The archive analysis in a real browser: the editor finds a duplicate on the review page and
merges it, the merged item points back to its main record; a leader reads the 全广新准 report on
a phone and its charts are drawn.

The pages are read in English (the browser asks for it), so the assertions hold whatever the
Chinese catalogue says."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from org.models import User
from submissions.models import InfoItem
from tests.browser.login import expect_logged_in
from tests.clock import local
from tests.insight.insight_helpers import FLOOD_CHECK, FLOOD_CHECK_AGAIN, item

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def _login(page: Page, user: User) -> None:
    user.set_password(PASSWORD)
    user.save()
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect_logged_in(page, user)


def test_the_editor_merges_a_duplicate_and_a_leader_reads_the_report(
    new_page: Callable[..., Any],
    officer_a: User,
    head_a: User,
    officer_b: User,
    head_b: User,
    editor: User,
    leader: User,
) -> None:
    # Both in this month, which the report shows by default.
    month_began = local(timezone.localdate().replace(day=1), "09:00")
    assert month_began + timedelta(hours=1) < timezone.now()
    first = item(officer_a, FLOOD_CHECK, month_began, head=head_a, editor=editor)
    second = item(officer_b, FLOOD_CHECK_AGAIN, month_began + timedelta(hours=1), head=head_b)

    page = new_page(locale="en-US", viewport={"width": 1280, "height": 900})
    _login(page, editor)
    page.goto(f"/items/{first.pk}/")
    box = page.locator("#duplicates")
    expect(box.get_by_role("heading", name="Possible duplicates")).to_be_visible()
    expect(box.get_by_role("link", name=f"#{second.pk} {second.title}")).to_be_visible()
    box.get_by_role("button", name="Merge it into this item").click()

    expect(page.locator(".messages")).to_contain_text(f"#{second.pk} is merged into #{first.pk}")
    merged = page.locator("#merged")
    expect(merged.get_by_role("link", name=f"#{second.pk} {second.title}")).to_be_visible()
    expect(page.locator("#duplicates")).to_contain_text("No similar item in the window.")

    merged.get_by_role("link", name=f"#{second.pk} {second.title}").click()
    expect(page.locator("#merged-into")).to_contain_text(f"#{first.pk}")
    assert InfoItem.objects.get(pk=second.pk).duplicate_of_id == first.pk

    phone = new_page(locale="en-US", **PHONE)
    _login(phone, leader)
    phone.goto("/archive/insight/report/")
    expect(phone.locator("#complete h2")).to_contain_text("Complete")
    expect(phone.locator("#complete")).to_contain_text("2 / 2")
    for chart in ("chart-complete", "chart-kinds", "chart-accurate"):
        expect(phone.locator(f"[data-chart='{chart}'] svg").first).to_be_attached()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing sticks out sideways on a phone
