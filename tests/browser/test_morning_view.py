"""The city leader's morning on a phone (375×812), on the demo city: log in, land on the morning
view (态势), which fits the screen, and tap the most urgent open incident to reach its page."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from emergencies.models import Incident, IncidentStatus
from org.models import User
from tests import demo_checks as check
from tests.browser.login import expect_logged_in, sign_in
from xinbao.demo.directory import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def test_the_leader_lands_on_the_morning_view_and_taps_an_incident(
    new_page: Callable[..., Any],
) -> None:
    check.seed()
    leader = User.objects.get(username="lingdao")
    page: Page = new_page(**PHONE)
    sign_in(page, leader, DEMO_PASSWORD)
    expect_logged_in(page, leader)
    expect(page.get_by_role("heading", name="态势", exact=True)).to_be_visible()
    assert page.url.endswith("/archive/insight/morning/")
    # One column that fits the phone: nothing wider than the screen.
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375

    incidents = page.locator("#incidents li a")
    open_now = Incident.objects.filter(status=IncidentStatus.OPEN).count()
    expect(incidents).to_have_count(open_now)
    first = incidents.first
    box = first.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb-sized target
    href = first.get_attribute("href")
    assert href is not None
    incident = Incident.objects.get(pk=int(href.strip("/").split("/")[-1]))
    first.tap()
    expect(page).to_have_url(re.compile(rf"/emergencies/{incident.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(incident.title)
