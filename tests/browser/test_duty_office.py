"""The duty office on a holiday morning: one unit files its zero report from the home page,
the other stays silent and shows as missed on the duty grid after the due time; the night
duty officer hands over and the day duty officer signs to take over."""

import re
import shutil
import subprocess
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from duty import actions, actions_zero, schedule
from org.models import DutyShift, UnitKind
from org.roles import Role
from tests.browser.test_emergency_journey import _person, log_in, log_out
from tests.clock import TODAY, local
from tests.factories import make_unit

pytestmark = pytest.mark.browser


@pytest.fixture
def office(seeded: None) -> dict[str, Any]:
    section = make_unit(
        "市委办公室信息科", code="section", kind=UnitKind.SECTION, is_reporting=False
    )
    brigade = make_unit("市消防救援支队", code="fire", kind=UnitKind.DEPARTMENT)
    water = make_unit("市水务局", code="water", kind=UnitKind.DEPARTMENT)
    people = {
        "night": _person(Role.DUTY_OFFICER, section, "zhaohf", "赵海峰"),
        "day": _person(Role.DUTY_OFFICER, section, "sunli", "孙丽"),
        "officer": _person(Role.OFFICER, brigade, "zhouq", "周强"),
        "chief": _person(Role.CHIEF, section, "liuy", "刘洋"),
    }
    DutyShift.objects.create(
        person=people["night"],
        starts_at=local(TODAY, "00:30") - timedelta(hours=8),
        ends_at=local(TODAY, "08:30"),
    )
    DutyShift.objects.create(
        person=people["day"], starts_at=local(TODAY, "08:30"), ends_at=local(TODAY, "17:30")
    )
    actions_zero.save_period(
        people["chief"],
        actions_zero.PeriodData("节日期间", TODAY, TODAY + timedelta(days=1), time(9, 0), 60),
        now=local(TODAY, "00:10"),
    )
    return {**people, "brigade": brigade, "water": water}


def test_a_missed_zero_report_and_a_signed_handover(
    page: Page, office: dict[str, Any], simulated_clock: Any
) -> None:
    # 07:40: the brigade's officer files "nothing to report" from the home page.
    simulated_clock.set(local(TODAY, "07:40"))
    log_in(page, office["officer"])
    page.goto("/")
    banner = page.locator("#zero-report")
    expect(banner).to_contain_text("节日期间")
    banner.get_by_role("button", name="今日无紧急情况").click()
    expect(page.get_by_text("今日零报告已报送。")).to_be_visible()
    log_out(page)

    # 08:35: the night duty officer hands over; the day duty officer signs.
    simulated_clock.set(local(TODAY, "08:35"))
    log_in(page, office["night"])
    page.goto("/duty/handovers/")
    page.get_by_label("交接事项").fill("市水务局今晨未报零报告，请跟进。")
    page.get_by_role("button", name="发起交接班").click()
    expect(page.locator("#incoming")).to_contain_text("孙丽")
    expect(page.get_by_role("button", name="签收接班")).to_be_visible()
    page.get_by_role("button", name="签收接班").click()
    expect(page.get_by_text("您是交班人，不能自己签收")).to_be_visible()
    handover_url = page.url
    log_out(page)
    log_in(page, office["day"])
    page.goto(handover_url)
    page.get_by_role("button", name="签收接班").click()
    expect(page.locator("#incoming")).to_contain_text("孙丽 · ")
    expect(page.locator("#signatures")).to_contain_text("赵海峰")
    expect(page.get_by_role("button", name="签收接班")).to_have_count(0)

    # 09:30: past the due time (signed in again: the idle session has expired), the duty grid
    # shows the water bureau as missed.
    log_out(page)
    simulated_clock.set(local(TODAY, "09:30"))
    log_in(page, office["day"])
    page.goto("/duty/zero/")
    expect(page.locator("tr[data-unit='市水务局']")).to_contain_text("未报")
    expect(page.locator("tr[data-unit='市消防救援支队']")).to_contain_text("按时")
    expect(page.locator("#count-missed")).to_contain_text("1")


def test_a_handover_with_fifty_reports_due_prints_on_at_most_two_pages(
    page: Page, office: dict[str, Any], simulated_clock: Any, tmp_path: Path
) -> None:
    """What the demo's handover carries: some fifty reports due. The printout lists the overdue
    ones and those due in the next 24 hours (at most 15) and counts the rest."""
    for n in range(23):  # with the brigade and the water bureau: 25 units × today and tomorrow
        make_unit(f"市第{n + 1}委办局", code=f"dept-{n}", kind=UnitKind.DEPARTMENT)
    schedule.ensure_due(local(TODAY, "00:20"))
    handover = actions.start_handover(
        office["night"], "市水务局今晨未报零报告，请跟进。\n" * 3, now=local(TODAY, "08:35")
    )
    assert len(handover.carried) == 50
    actions.sign_handover(office["day"], handover.pk, now=local(TODAY, "08:36"))
    simulated_clock.set(local(TODAY, "08:40"))
    log_in(page, office["day"])
    page.goto(f"/duty/handovers/{handover.pk}/")
    expect(page.locator("#due-soon tr")).to_have_count(15)
    expect(page.locator("#due-later summary")).to_have_text("另有35项，见系统。")
    pdf = tmp_path / "handover.pdf"
    page.pdf(path=str(pdf), format="A4")
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo is not installed: the PDF was made but not counted")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]
    assert pages <= 2
    printed = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "另有35项，见系统" in printed and "孙丽" in printed
