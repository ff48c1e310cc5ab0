"""Pasting a long text from Word into a box with a limit: the browser keeps only what fits
(maxlength) and would say nothing; the page says how much was left out. A text that fits is
kept as pasted, with its full-width punctuation, odd spaces and emoji."""

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from duty.models import Handover
from org.models import DutyShift, UnitKind
from org.roles import Role
from tests.browser.test_emergency_journey import _person, log_in
from tests.clock import PINNED
from tests.factories import make_unit

pytestmark = pytest.mark.browser

WORD = "来电：“城东水管爆裂”，\u00a0已告知水务\u3000值班室；‘请续报’！\n第二行🚒\u200b完"


@pytest.fixture
def on_duty(seeded: None) -> Any:
    section = make_unit(
        "市委办公室信息科", code="section", kind=UnitKind.SECTION, is_reporting=False
    )
    person = _person(Role.DUTY_OFFICER, section, "zhaohf", "赵海峰")
    DutyShift.objects.create(
        person=person, starts_at=PINNED - timedelta(hours=2), ends_at=PINNED + timedelta(hours=6)
    )
    return person


def _paste(page: Page, selector: str, text: str) -> None:
    """A real paste (Ctrl+V) of `text` from the clipboard into the box."""
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.locator(selector).focus()
    page.keyboard.press("Control+V")


def test_a_paste_longer_than_the_box_says_what_was_left_out(new_page: Any, on_duty: Any) -> None:
    page = new_page(
        viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    log_in(page, on_duty)
    page.goto("/duty/handovers/")
    _paste(page, "#id_matters", "交接事项" * 5000)  # 20,000 characters into a box of 3,000
    expect(page.locator("#id_matters")).to_have_value(("交接事项" * 5000)[:3000])
    expect(page.locator(".paste-cut")).to_have_text(
        "粘贴的内容超出本栏上限（最多 3000 个字）：末尾 17000 个字没有粘贴进来。请删减后重新粘贴。"
    )
    # Emptied and pasted again with what fits: the warning goes, the text is kept as pasted.
    page.locator("#id_matters").fill("")
    _paste(page, "#id_matters", WORD)
    expect(page.locator(".paste-cut")).to_have_count(0)
    page.get_by_role("button", name="发起交接班").click()
    expect(page.locator("#matters")).to_contain_text("已告知水务\u3000值班室")
    assert Handover.objects.get().matters.replace("\r\n", "\n") == WORD


def test_the_log_reads_on_a_phone(new_page: Any, on_duty: Any) -> None:
    """Seven columns on 390 pixels left the summary a character wide: on a phone the phone
    number goes under the caller and the writer under the summary."""
    from duty import actions
    from duty.models import EntryKind

    shift = DutyShift.objects.get(person=on_duty)
    entry = actions.Entry(
        at=PINNED - timedelta(minutes=30),
        kind=EntryKind.CALL_IN,
        summary="通报：未来12小时有中到大雨，局地暴雨，已转告各区县值班室。",
        caller="市气象台值班员",
        phone="83221121",
    )
    actions.add_entry(on_duty, shift, entry, now=PINNED)
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in(page, on_duty)
    page.goto("/duty/")
    row = page.locator("#log tbody tr").first
    expect(row).to_contain_text("记录人：赵海峰")
    expect(row.locator("td").nth(2)).to_contain_text("83221121")
    expect(page.locator("#log th", has_text="电话")).to_be_hidden()
    summary = row.locator("td").nth(5).bounding_box()
    assert summary is not None and summary["width"] >= 100


def test_the_handovers_signatures_read_as_names_not_figures(new_page: Any, on_duty: Any) -> None:
    """The two signatures were laid out as the big figures of a statistics box: each name and
    time broke over three lines of 1.3rem bold, on screen and in print."""
    from duty import actions

    handover = actions.start_handover(on_duty, "甲区火情待续报。", now=PINNED)
    page = new_page(viewport={"width": 1366, "height": 768})
    log_in(page, on_duty)
    page.goto(f"/duty/handovers/{handover.pk}/")
    page.emulate_media(media="print")
    first = page.locator("#signatures dd").first
    expect(first).to_contain_text("赵海峰")
    box = first.bounding_box()
    size = first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert box is not None and box["height"] < 2 * size * 1.8  # one line (two at most)
    assert size <= 17
