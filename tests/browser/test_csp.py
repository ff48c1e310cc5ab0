"""The Content-Security-Policy in a real browser: an editor opens the pages with charts and
htmx, and Chromium reports no violation of the policy (nor a feature it does not know in the
Permissions-Policy), while the charts are drawn, the board polls, a filter applies itself and a
group of units is ticked at once."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from org.models import Unit, User
from tests.clock import local
from tests.insight.insight_helpers import FLOOD_CHECK, item

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"
# Every violation the page sees, from the DOM event the policy fires (one document at a time).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var where = e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 120) : "";
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + where);
});
"""


def violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__violations"))


def hover_for_the_tooltip(page: Page, chart: str, svg: bool) -> None:
    """Point at the middle of `chart`, where its axis tooltip opens. An SVG chart is watched
    until the tooltip's text is drawn (a canvas shows nothing to the DOM)."""
    texts = page.locator(f"{chart} svg text")
    before = texts.count()
    page.locator(chart).hover()
    if svg:
        expect(texts).not_to_have_count(before)


def test_the_pages_run_under_the_policy_without_a_violation(
    new_page: Callable[..., Any],
    officer_a: User,
    head_a: User,
    unit_a: Unit,
    editor: User,
) -> None:
    month_began = local(timezone.localdate().replace(day=1), "09:00")
    item(officer_a, FLOOD_CHECK, month_began + timedelta(minutes=5), head=head_a, editor=editor)
    editor.set_password(PASSWORD)
    editor.save()

    page = new_page(locale="en-US", viewport={"width": 1280, "height": 900})
    console: list[str] = []

    def note(message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Permissions-Policy" in text:
            console.append(f"{page.url}: {text}")

    page.on("console", note)
    page.add_init_script(WATCH_VIOLATIONS)

    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello")).to_be_visible()
    assert violations(page) == []

    # The scorecard's chart (ECharts, canvas) from static/js/points-chart.js.
    page.goto(f"/scoring/units/{unit_a.pk}/")
    expect(page.locator("#points-chart canvas").first).to_be_attached()
    hover_for_the_tooltip(page, "#points-chart", svg=False)
    assert violations(page) == []

    # The analysis report's charts (ECharts, SVG) from static/js/insight.js.
    page.goto("/archive/insight/report/")
    for chart in ("chart-complete", "chart-kinds"):
        expect(page.locator(f"[data-chart='{chart}'] svg").first).to_be_attached()
    hover_for_the_tooltip(page, "[data-chart='chart-kinds']", svg=True)
    assert violations(page) == []

    # The emergency board polls itself with htmx every 20 seconds.
    page.goto("/emergencies/")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as polled:
        page.clock.fast_forward(21_000)
    assert polled.value.ok
    assert violations(page) == []

    # A filter that applies itself when changed (static/js/autosubmit.js, no onchange=).
    page.goto("/bulletins/instructions/")
    page.locator("label", has=page.locator("input[name=state][value=overdue]")).click()
    expect(page).to_have_url(re.compile(r"/bulletins/instructions/\?(.*&)?state=overdue"))
    assert violations(page) == []

    # Ticking a group of units ticks its units (static/js/quick-units.js, no inline script).
    page.goto("/bulletins/solicitations/")
    page.locator(".quick-units label", has=page.locator("input[value=districts]")).click()
    expect(page.locator(f"input[name=units][value='{unit_a.pk}']")).to_be_checked()
    assert violations(page) == []

    assert console == []
