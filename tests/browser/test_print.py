"""What a leader files, printed: an item, an incident, a bulletin issue and a criticism notice.

Under print media each page shows its title, unit, times and number, and none of the screen's
chrome — menu, banners (the holiday-calendar warning among them), buttons, forms, 批示 links.
On screen the same chrome is there, and the 打印 button opens the browser's print dialog."""

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bulletins.models import Issue, Publication
from emergencies.models import Incident
from org.models import CalendarYear, User
from submissions.models import InfoItem, ItemState
from tests.accountability.accountability_helpers import DAY, chinese_date, city_notice, confirmed
from tests.browser.login import sign_in
from tests.bulletins.bulletin_helpers import published
from tests.clock import TODAY
from tests.emergencies.emergency_factories import open_by_phone
from tests.factories import make_item

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"
# Counts the calls instead of opening a dialog a headless browser cannot show.
STUB_PRINT = "window.__printed = 0; window.print = () => { window.__printed += 1; };"


@pytest.fixture
def reader(leader: User) -> User:
    leader.full_name = "陈志远"
    leader.set_password(PASSWORD)
    leader.save()
    # The year's official calendar is missing: the duty office is warned on every page.
    CalendarYear.objects.filter(year=timezone.localdate().year).delete()
    return leader


@pytest.fixture
def daily(city_daily: Publication, leader: User) -> Publication:
    city_daily.compiled_here = True
    city_daily.issuer = "中共江城市委办公室信息科"
    city_daily.save()
    city_daily.readers.add(leader)
    return city_daily


@pytest.fixture
def item(officer_a: User, head_a: User, editor: User, daily: Publication) -> InfoItem:
    return make_item(
        officer_a, ItemState.ADOPTED, head=head_a, editor=editor, title="甲区部署汛期隐患排查"
    )


def flat(text: str) -> str:
    """The printed text without line breaks: a fact's name runs on into its value."""
    return text.replace("\n", "").replace("\t", "")


def local(moment, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt)


def open_for_print(
    page: Page, reader: User, url: str, links: tuple[str, ...] = (), banner: bool = False
) -> str:
    """The page on screen (its chrome and `links` checked), then as printed: the text that
    prints."""
    page.context.add_init_script(STUB_PRINT)
    sign_in(page, reader, PASSWORD)
    page.goto(url)
    menu = page.get_by_role("navigation", name="主菜单")
    expect(menu).to_be_visible()
    for name in links:
        expect(page.get_by_role("link", name=name, exact=True).first).to_be_visible()
    # The missing-calendar banner shows on screen to the duty office (the chief, below), not
    # to the leader; wherever it shows, it does not print.
    if banner:
        expect(page.locator(".calendar-warning")).to_be_visible()
    print_button = page.get_by_role("button", name="打印")
    print_button.click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    expect(menu).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator(".calendar-warning")).to_be_hidden()
    expect(print_button).to_be_hidden()
    for chrome in ("button", "a.button", "form", "input", "select", "textarea", "nav"):
        assert page.locator(f"{chrome}:visible").count() == 0, chrome
    text = page.locator("body").inner_text()
    for word in ("退出", "打印", "批示", "主菜单"):
        assert word not in text, word
    return text


def test_an_item_prints_with_its_title_unit_and_times(page: Page, reader: User, item: InfoItem):
    text = open_for_print(page, reader, f"/items/{item.pk}/")
    assert item.title in text
    assert f"信息编号{item.pk}报告单位" in flat(text)
    assert item.unit.name in text
    assert f"报送时间{local(item.submitted_at)}" in flat(text)


def test_an_incident_prints_with_its_units_times_and_number(
    page: Page, reader: User, duty_officer: User, officer_a: User
):
    now = timezone.now()
    incident = Incident.objects.get(
        pk=open_by_phone(duty_officer, officer_a.unit, now - timedelta(minutes=30)).pk
    )
    assert officer_a.unit is not None
    text = open_for_print(page, reader, f"/emergencies/{incident.pk}/")
    assert incident.title in text
    assert f"事件编号{incident.pk}" in flat(text)
    assert f"责任单位{officer_a.unit.name}" in flat(text)
    assert f"发生时间{local(incident.occurred_at)}" in flat(text)
    assert f"知悉时间{local(incident.known_at)}" in flat(text)
    assert "电话首报" in text


def test_a_bulletin_issue_prints_as_the_paper(
    page: Page,
    reader: User,
    editor: User,
    chief: User,
    daily: Publication,
    officer_a: User,
    head_a: User,
    tmp_path: Path,
):
    entry = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="乙县农村供水工程开工")
    issue: Issue = published(editor, chief, daily, [entry], TODAY)
    # On screen the leader has a 批示 link on every entry; on paper it is gone.
    text = open_for_print(page, reader, f"/bulletins/issues/{issue.pk}/", links=("批示",))
    assert "每日要情" in text
    assert f"{issue.year}年第{issue.number}期（总第{issue.total_number}期）" in text
    assert daily.issuer in text
    assert entry.title in text
    assert "内部资料" in text
    assert f"签发：{chief.full_name}　　责任编辑：{editor.full_name}" in text
    # The printed PDF reads the same.
    pdf = tmp_path / "issue.pdf"
    page.pdf(path=str(pdf))
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the PDF was made but not read back")
    printed = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "每日要情" in printed and entry.title in printed and daily.issuer in printed
    for word in ("退出", "打印", "批示", "下载"):
        assert word not in printed, word


def test_a_notice_prints_with_its_number_office_and_date(
    page: Page, reader: User, chief: User, unit_a
):
    # The section chief issues and files the notices (a city leader does not read them here).
    chief.set_password(PASSWORD)
    chief.save()
    notice = city_notice(chief, [confirmed(chief, unit_a)], on=DAY)
    text = open_for_print(page, chief, f"/accountability/notices/{notice.pk}/", banner=True)
    assert notice.title in text
    assert notice.doc_number in text
    assert notice.issuing_office in text
    assert chinese_date(DAY) in text
