"""The API's interactive docs (/api/docs, swagger-ui from django-ninja's vendored files) render
in Chromium under the site's Content-Security-Policy: a signed-in editor sees the operations
listed, tries one out, and the page reports no violation of the policy. (The site's policy
needs no loosening for it: swagger-ui styles through the CSSOM, and its icons are data: URIs.)"""

import re
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, expect

from bulletins.models import Publication
from org.models import User
from tests.browser.login import sign_in
from tests.browser.test_csp import WATCH_VIOLATIONS, violations

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"


def test_the_api_docs_list_the_operations_without_a_policy_violation(
    page: Any, editor: User, city_daily: Publication
):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    editor.set_password(PASSWORD)
    editor.save()
    console: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or message.type == "error":
            console.append(message.text)

    page.on("console", note)
    page.add_init_script(WATCH_VIOLATIONS)
    sign_in(page, editor, PASSWORD)

    # Reached from every page's footer.
    page.get_by_role("link", name="接口文档").click()
    expect(page).to_have_url(re.compile(r"/api/docs$"))
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("xinbao API")
    # The operations, grouped by tag, each with its method and path.
    for path in ("/api/issues", "/api/search", "/api/rankings", "/api/notifications"):
        expect(page.locator(f'.opblock-summary-path[data-path="{path}"]').first).to_be_visible()
    expect(page.locator(".opblock-tag", has_text="bulletins")).to_be_visible()
    assert violations(page) == []

    # Opened and tried out, an operation answers the signed-in editor (the session is the
    # API's authentication), and the answer is drawn, highlighted, under the same policy.
    operation = page.locator("#operations-bulletins-api_bulletins_publications")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table tbody .response-col_status")
    expect(live.first).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text("每日要情")
    assert violations(page) == []
    assert console == []
