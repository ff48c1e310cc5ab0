"""From a late report to a unit losing its eligibility, clicked through in a real browser.

The deadline engine found unit A's written report late: a pending violation. The unit's officer,
on a phone, files an explanation; the section chief reads it and confirms the violation as
serious, compiles a city notice from it, issues it (it takes 〔year〕1号) and takes the .docx;
the province's notice naming the same violation is recorded; the officer finds the notice in
the inbox and sees the unit disqualified on its eligibility page. On the annual ranking, unit A
first held its class's 一等奖 on points; disqualified, it keeps its place, marked, and the
award passes to unit B.

The accountability screens are located by their forms and links, not by their wording, so the
test holds in either language; the data (unit names, numbers, dates) is what it checks.
"""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import Locator, Page, expect

from accountability.models import CriticismNotice, Explanation, Violation, ViolationStatus
from accountability.queries import disqualified_unit_ids
from org.models import UnitKind, UnitLevel, User
from tests.accountability.accountability_helpers import late_report
from tests.browser.login import expect_logged_in, sign_in
from tests.factories import make_unit
from tests.scoring.scoring_helpers import adopted, assign

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
EXPLANATION = "单位负责人在现场指挥处置，书面报告审签延误，已调整审签安排。"


def _persona(user: User, full_name: str) -> User:
    user.full_name = full_name
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(page: Page, user: User) -> None:
    sign_in(page, user, PASSWORD)
    expect_logged_in(page, user)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录信报")).to_be_visible()


def ranking_row(page: Page, unit_id: int | None) -> Locator:
    """The unit's row on the annual ranking, after the chief rebuilds the ledger there."""
    year = timezone.localdate().year
    page.goto(f"/scoring/?year={year}&period=")
    page.locator("form[action='/scoring/rebuild/'] button").click()
    return page.locator(f"table.ranking tr[data-unit='{unit_id}']")


def test_a_late_report_costs_the_unit_its_eligibility(
    new_page,
    page: Page,
    officer_a: User,
    head_a: User,
    officer_b: User,
    chief: User,
    province_bulletin,
) -> None:
    officer, chief = _persona(officer_a, "王丽"), _persona(chief, "刘建国")
    make_unit(
        "省委办公厅",
        code="province",
        kind=UnitKind.PARTY_OFFICE,
        level=UnitLevel.PROVINCE,
        is_reporting=False,
    )
    incident = late_report(officer_a, head_a, late_by=16)
    violation = Violation.objects.get()
    today = timezone.localdate()
    # Both units in the first class; A has seven provincial adoptions this year, B one.
    since = today.replace(day=1)
    assert officer_a.unit is not None and officer_b.unit is not None
    assign(officer_a.unit, "一类", since)
    assign(officer_b.unit, "一类", since)
    now = timezone.now()
    for hours in range(1, 8):
        adopted(officer_a, province_bulletin, now - timedelta(hours=hours))
    adopted(officer_b, province_bulletin, now - timedelta(hours=1))

    # The officer, on a phone, finds the pending violation in the unit's list and explains.
    phone = new_page(**PHONE)
    log_in(phone, officer)
    phone.goto("/accountability/")
    expect(phone).to_have_url(re.compile(r"/accountability/mine/$"))
    row = phone.locator("table.violations tbody tr").filter(has_text=incident.title)
    expect(row).to_have_count(1)
    expect(row.locator(".vstate-pending")).to_be_visible()
    row.get_by_role("link", name=incident.title).click()
    form = phone.locator(f"form[action='/accountability/violations/{violation.pk}/explain/']")
    form.locator("textarea").fill(EXPLANATION)
    form.get_by_role("button").click()
    expect(phone.locator("#explanations")).to_contain_text(EXPLANATION)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    log_out(phone)

    # The chief reads the explanation and confirms the violation as serious.
    log_in(page, chief)
    row_a = ranking_row(page, officer_a.unit_id)
    expect(row_a.locator(".tag.award")).to_have_text("一等奖")
    expect(
        page.locator(f"table.ranking tr[data-unit='{officer_b.unit_id}'] .tag.award")
    ).to_have_text("二等奖")
    page.goto("/accountability/?status=pending")
    page.locator("table.violations").get_by_role("link", name=incident.title).click()
    expect(page.locator("#explanations")).to_contain_text(EXPLANATION)
    decide = page.locator(f"form[action='/accountability/violations/{violation.pk}/decide/']")
    decide.locator("input[name=decision][value=confirm]").check()
    decide.locator("input[name=serious]").check()
    decide.locator("textarea[name=reason]").fill("迟报16分钟，情况属实。")
    decide.get_by_role("button").click()
    expect(page.locator(".vstate-confirmed").first).to_be_visible()

    # ... compiles a city notice from it, issues it and takes the document.
    page.goto("/accountability/notices/compile/")
    page.locator(f"input[name=violations][value='{violation.pk}']").check()
    page.locator("form[method=post] button.primary").click()
    notice = CriticismNotice.objects.get()
    expect(page).to_have_url(re.compile(rf"/accountability/notices/{notice.pk}/$"))
    expect(page.locator(".notice-paper")).to_contain_text("甲区委办公室")
    expect(page.locator(".notice-paper .docno")).to_have_text(f"市委办通〔{today.year}〕　号")
    issue = page.locator(f"form[action='/accountability/notices/{notice.pk}/issue/']")
    issue.locator("input[name=issued_on]").fill(today.isoformat())
    issue.get_by_role("button").click()
    number = f"市委办通〔{today.year}〕1号"
    expect(page.locator(".notice-paper .docno")).to_have_text(number)
    with page.expect_download() as download:
        page.locator(f"a[href='/accountability/notices/{notice.pk}/docx/']").click()
    assert download.value.suggested_filename == f"{number}.docx"  # 〔〕 kept in the name
    doc = Document(BytesIO(download.value.path().read_bytes()))
    texts = [p.text for p in doc.paragraphs]
    assert number in texts and notice.title in texts
    assert any("甲区委办公室" in t for t in texts)

    # ... and records the province's notice naming the same violation.
    page.goto("/accountability/notices/province/")
    page.locator("input[name=doc_number]").fill(f"省委办通〔{today.year}〕5号")
    page.locator("input[name=issued_on]").fill(today.isoformat())
    page.locator("input[name=title]").fill("关于部分市县迟报突发事件信息的通报")
    page.locator("textarea[name=body]").fill("江城市甲区迟报书面信息16分钟。")
    page.locator(f"input[name=units][value='{officer_a.unit_id}']").check()
    page.locator(f"input[name=violations][value='{violation.pk}']").check()
    page.locator("form[method=post] button.primary").click()
    expect(page.locator(".pagehead h1")).to_have_text("关于部分市县迟报突发事件信息的通报")

    # The section's eligibility table puts the unit first, disqualified.
    page.goto(f"/accountability/eligibility/?year={today.year}")
    first = page.locator("table.eligibility tbody tr").first
    expect(first).to_contain_text("甲区委办公室")
    expect(first.locator(".verdict-out")).to_be_visible()

    # On the annual ranking A keeps its place, marked disqualified; the award passes to B.
    row_a = ranking_row(page, officer_a.unit_id)
    expect(row_a).to_have_class(re.compile(r"\bexcluded\b"))
    expect(row_a.locator(".tag.award")).to_have_count(0)
    expect(row_a.locator(".tag.warn")).to_have_text("已取消评先资格")
    rows = page.locator("table.ranking tbody tr")
    expect(rows.first).to_have_attribute("data-unit", str(officer_a.unit_id))
    expect(
        page.locator(f"table.ranking tr[data-unit='{officer_b.unit_id}'] .tag.award")
    ).to_have_text("一等奖")
    log_out(page)

    # The officer finds both notices in the inbox and the verdict on the unit's page.
    log_in(phone, officer)
    phone.goto("/notify/")
    expect(phone.locator("main")).to_contain_text(number)
    phone.goto(f"/accountability/eligibility/{officer_a.unit_id}/?year={today.year}")
    expect(phone.locator("#verdict .verdict-out")).to_be_visible()
    expect(phone.locator("#behind")).to_contain_text(number)
    expect(phone.locator("#behind")).to_contain_text(f"省委办通〔{today.year}〕5号")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    assert Violation.objects.get().status == ViolationStatus.CONFIRMED
    assert Explanation.objects.get().filed_by == officer
    assert disqualified_unit_ids(today.year) == {officer_a.unit_id}
