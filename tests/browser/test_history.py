import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.login import sign_in
from tests.emergencies.emergency_factories import open_by_phone

pytestmark = pytest.mark.browser
PASSWORD = "Xinbao-browser-Pw7!"


def test_repro(page: Page, duty_officer, unit_a):
    duty_officer.set_password(PASSWORD)
    duty_officer.save()
    open_by_phone(duty_officer, unit_a, timezone.now())
    sign_in(page, duty_officer, PASSWORD)
    page.on("request", lambda r: print("REQ", r.method, r.url, r.headers.get("hx-request")))
    page.goto("/emergencies/")
    print(page.locator(".countdown").first.text_content())
    page.clock.run_for(21_000)
    page.wait_for_timeout(500)
    print(page.locator(".countdown").first.text_content())
    page.get_by_role("link", name="报送时限").click()
    page.wait_for_load_state()
    print("URL", page.url)
    page.go_back()
    page.wait_for_load_state()
    print("URL", page.url)
    print(page.content()[:800])
