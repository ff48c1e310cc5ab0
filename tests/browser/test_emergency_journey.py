"""A fire at 02:00 on a Sunday, clicked through in a real browser by the people who handle it.

The duty officer logs the fire brigade's phone report; the brigade's written report comes after
its deadline. The worker marks the breach, the board shows it overdue, the breach reaches the
duty officer and the brigade (not the information section, which is off duty at night), the
section chief is escalated to, and a late-report candidate records how late the report was.

Time is simulated, not mocked: the server's `timezone.now` and the browser's clock both run at
real speed from the moment the test sets (see `SimulatedClock` in conftest.py), and the worker
is run as its loop runs it, in this process, whenever the test moves the clock on.
"""

import os
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from deadlines.engine import run_pass
from deadlines.models import DeadlineFlip, FlipKind
from emergencies.models import (
    CandidateKind,
    DeadlineRule,
    ExpectKind,
    Incident,
    IncidentReport,
    ViolationCandidate,
)
from notify.models import Notification
from org.duty import Desk, Routing, route
from org.models import DutyShift, Unit, UnitKind, UnitLevel, User
from org.roles import Role
from tests.browser.login import expect_logged_in, sign_in
from tests.clock import LAST_SATURDAY, LAST_SUNDAY
from tests.factories import make_unit

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"
# XINBAO_SHOTS=/some/dir keeps screenshots of the main screens for people to look at.
SHOTS = os.environ.get("XINBAO_SHOTS")
LOCAL = ZoneInfo("Asia/Shanghai")
SUNDAY = LAST_SUNDAY  # the Sunday before the pin: no holiday, no swapped working day

TITLE = "江城区某商业综合体发生火灾"
SUMMARY = (
    f"{SUNDAY.month}月{SUNDAY.day}日1时50分许，"
    "江城区某商业综合体三层起火，消防救援力量已到场处置，火势正在控制中。"
)
MEASURES = "已调派6个消防站、23辆消防车到场扑救，疏散群众120余人，2名受伤人员已送医救治。"
WRITTEN = (
    "明火已于2时35分扑灭，现场清理中。起火部位为三层一商铺，过火面积约200平方米，"
    "2名受伤人员无生命危险，起火原因正在调查。"
)


def at(hour: int, minute: int, second: int = 0, day: date = SUNDAY) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=LOCAL)


def _person(role: str, unit: Unit, username: str, full_name: str) -> User:
    user = User(username=username, full_name=full_name, role=role, unit=unit)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def office(seeded: None) -> dict[str, Any]:
    """The municipal office on a Saturday night, and the fire brigade that reports to it."""
    province = make_unit(
        "省委办公厅",
        code="province",
        kind=UnitKind.PARTY_OFFICE,
        level=UnitLevel.PROVINCE,
        is_reporting=False,
    )
    hub = make_unit(
        "市委办公室",
        code="office",
        kind=UnitKind.PARTY_OFFICE,
        level=UnitLevel.CITY,
        parent=province,
        is_reporting=False,
    )
    section = make_unit(
        "市委办公室信息科", code="section", kind=UnitKind.SECTION, parent=hub, is_reporting=False
    )
    duty_room = make_unit(
        "市委办公室值班室", code="duty-room", kind=UnitKind.SECTION, parent=hub, is_reporting=False
    )
    brigade = make_unit("市消防救援支队", code="fire", kind=UnitKind.DEPARTMENT)
    people = {
        "duty": _person(Role.DUTY_OFFICER, duty_room, "zhaohf", "赵海峰"),
        "day_duty": _person(Role.DUTY_OFFICER, duty_room, "sunli", "孙丽"),
        "officer": _person(Role.OFFICER, brigade, "zhouq", "周强"),
        "head": _person(Role.UNIT_HEAD, brigade, "wuwd", "吴卫东"),
        "editor": _person(Role.EDITOR, section, "zhangm", "张敏"),
        "chief": _person(Role.CHIEF, section, "liuy", "刘洋"),
        "secgen": _person(Role.SECRETARY_GENERAL, hub, "chenzy", "陈志远"),
    }
    brigade.officer = people["officer"]
    brigade.save(update_fields=["officer"])
    # 赵海峰 has the night from Saturday 17:30; 孙丽 takes over on Sunday morning.
    DutyShift.objects.create(
        person=people["duty"], starts_at=at(17, 30, day=LAST_SATURDAY), ends_at=at(8, 30)
    )
    DutyShift.objects.create(person=people["day_duty"], starts_at=at(8, 30), ends_at=at(17, 30))
    return {**people, "brigade": brigade, "hub": hub}


def shoot(page: Page, name: str) -> None:
    """Keep a picture of a screen when XINBAO_SHOTS names a folder (not an assertion)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SHOTS) / f"emerg-{name}.png", full_page=True)


def log_in(page: Page, user: User) -> None:
    sign_in(page, user, PASSWORD)
    expect_logged_in(page, user)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录信报")).to_be_visible()


def menu(page: Page, label: str | re.Pattern[str]) -> None:
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name=label).click()


def open_board(page: Page) -> None:
    menu(page, "突发事件")
    expect(page.get_by_role("heading", name="突发事件看板")).to_be_visible()


def open_inbox(page: Page) -> Locator:
    """The inbox's messages (the menu shows 消息 or 消息（n）)."""
    menu(page, re.compile(r"^消息"))
    expect(page.get_by_role("heading", name="消息", exact=True)).to_be_visible()
    return page.locator("main")


def status(page: Page) -> Locator:
    return page.locator("ul.messages")


def deadline_row(page: Page, expected: str) -> Locator:
    """The row of the incident page's deadline table for one expected report."""
    return page.locator("#deadlines tbody tr").filter(
        has=page.get_by_role("cell", name=expected, exact=True)
    )


def run_worker() -> int:
    """What one wake-up of the worker loop does: passes until nothing more is due."""
    taken = 0
    while steps := run_pass(now=timezone.now()):
        taken += steps
    return taken


BREACH = f"【超时】市消防救援支队：书面首报已超过 {SUNDAY:%m-%d} 02:30 的报送时限"
ESCALATION = re.compile(r"^【督办】市消防救援支队：书面首报已超时 \d+ 分钟$")


def test_sunday_night_fire_written_report_late(
    new_page: Any, office: dict[str, Any], simulated_clock: Any
) -> None:
    clock = simulated_clock
    duty, officer, head, editor, chief = (
        office[k] for k in ("duty", "officer", "head", "editor", "chief")
    )
    # This story follows the unit's written report; the section's own call upward and its
    # forwarding, timed from its first knowledge, are told in test_emergency_chain.py.
    DeadlineRule.objects.update(section_phone_minutes=None, forward_minutes=None)
    clock.set(at(2, 0))
    # The server lives in the simulated night: a Sunday of a year whose calendar it knows.
    assert timezone.localdate() == SUNDAY and SUNDAY.weekday() == 6
    assert route(timezone.now()) == Routing(Desk.DUTY, calendar_known=True)
    page = new_page(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Shanghai")
    clock.attach(page)

    # 02:00 — the brigade calls the duty office; the duty officer logs the phone report.
    log_in(page, duty)
    open_board(page)
    expect(page.get_by_text("当前为非工作时间：新报告送值班室。")).to_be_visible()
    expect(page.get_by_text("当前没有处置中的突发事件。")).to_be_visible()
    page.get_by_role("link", name="报告突发事件").click()
    expect(page.get_by_role("heading", name="登记电话报告")).to_be_visible()
    expect(page.get_by_label("来电时间")).to_have_value(f"{SUNDAY}T02:00")  # the server's now
    page.get_by_label("报告单位").select_option(label="市消防救援支队")
    page.get_by_label("来电人").fill("周强")
    page.get_by_label("来电号码").fill("0710-3221119")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("类别").select_option(label="事故灾难")
    page.get_by_label("类型").fill("火灾")
    page.get_by_label("级别").select_option(label="Ⅱ级（重大）")
    page.get_by_label("地点").fill("江城区解放路88号")
    page.get_by_label("发生时间").fill(f"{SUNDAY}T01:50")
    page.get_by_label("知悉时间").fill(f"{SUNDAY}T01:55")
    page.get_by_label("事件情况").fill(SUMMARY)
    page.get_by_label("死亡").fill("0")
    page.get_by_label("受伤", exact=True).fill("2")
    page.get_by_label("已采取的措施").fill(MEASURES)
    shoot(page, "1-phone-form")
    page.get_by_role("button", name="登记电话报告").click()

    expect(status(page)).to_contain_text("电话报告已登记；等待该单位的书面报告。")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text(f"时限起算于 {SUNDAY} 01:55")).to_be_visible()
    phone = deadline_row(page, "电话报告")
    expect(phone).to_contain_text(f"{SUNDAY:%m-%d} 02:10")  # 01:55 + 15 minutes
    expect(phone).to_contain_text(f"已完成 {SUNDAY:%m-%d} 02:00")
    written = deadline_row(page, "书面首报")
    expect(written).to_contain_text(f"{SUNDAY:%m-%d} 02:30")  # 01:55 + 35 minutes
    expect(written.locator(".countdown")).to_have_text(re.compile(r"^剩余 (29|30):\d\d$"))
    shoot(page, "2-incident-at-0200")
    log_out(page)

    # 02:40 — the worker wakes: the written report is ten minutes overdue.
    clock.set(at(2, 40))
    assert run_worker() == 2  # the breach, and the escalation to the duty officer at once
    log_in(page, duty)
    open_board(page)
    row = page.locator("#board tbody tr").filter(has=page.get_by_role("link", name=TITLE))
    expect(row).to_have_class(re.compile(r"\burg-overdue\b"))
    expect(row).to_contain_text("书面首报 · 市消防救援支队")
    expect(row.locator(".countdown")).to_have_text(re.compile(r"^已超时 10:\d\d$"))
    shoot(page, "3-board-overdue")
    inbox = open_inbox(page)
    expect(inbox.get_by_role("link", name=BREACH, exact=True)).to_be_visible()
    expect(inbox.get_by_role("link", name=ESCALATION)).to_be_visible()
    shoot(page, "4-duty-inbox")
    log_out(page)

    # 02:50 — fifteen minutes after the breach the section chief is escalated to.
    clock.set(at(2, 50))
    assert run_worker() == 1
    # The brigade's officer follows the breach notice to the incident and writes the report.
    log_in(page, officer)
    inbox = open_inbox(page)
    expect(inbox.get_by_role("link", name=BREACH, exact=True)).to_be_visible()
    expect(inbox.get_by_role("link", name=ESCALATION)).to_have_count(0)
    # The duty office's log of the brigade's call told the unit what it owed, and by when.
    due = f"【待报送】《{TITLE}》：书面首报应于 {SUNDAY:%m-%d} 02:30 前报送"
    expect(inbox.get_by_role("link", name=due, exact=True)).to_be_visible()
    inbox.get_by_role("link", name=BREACH, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(deadline_row(page, "书面首报")).to_have_class(re.compile(r"\burg-overdue\b"))
    page.get_by_role("link", name="撰写续报或终报").click()
    expect(page.get_by_role("heading", name="续报或终报")).to_be_visible()
    expect(page.get_by_label("续报", exact=True)).to_be_checked()
    page.get_by_label("事件情况").fill(WRITTEN)
    page.get_by_label("受伤", exact=True).fill("2")
    page.get_by_label("已采取的措施").fill("现场设置警戒，留守1个消防站监护，防止复燃。")
    page.get_by_role("button", name="保存并提交审签").click()
    expect(status(page)).to_contain_text("报告已登记。")
    expect(page.locator("#chain")).to_contain_text("待审签")
    log_out(page)

    # 02:51:30 — the unit head, asked in his inbox, signs it off; the office receives it then.
    clock.set(at(2, 51, 30))
    log_in(page, head)
    inbox = open_inbox(page)
    # The unit was told at 02:00 its written report was due; now it is asked to sign one off.
    expect(inbox.get_by_role("link", name=re.compile(f"^【待报送】《{TITLE}》"))).to_be_visible()
    inbox.get_by_role("link", name=re.compile(f"^【请立即审签】.*{TITLE}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("button", name="审签并报送市委办").click()
    expect(status(page)).to_contain_text("已审签，市委办已收到报告。")
    written = deadline_row(page, "书面首报")
    expect(written).to_contain_text(re.compile(rf"已完成 {SUNDAY:%m-%d} 02:5[12]"))
    expect(written.locator(".tag")).to_have_text("迟报")
    shoot(page, "5-signed-off-late")
    log_out(page)

    # The section chief: escalated to, and the late report waiting for a decision.
    log_in(page, chief)
    inbox = open_inbox(page)
    expect(inbox.get_by_role("link", name=ESCALATION)).to_be_visible()
    expect(inbox.get_by_role("link", name=BREACH)).to_have_count(0)  # the section was off duty
    open_board(page)
    page.get_by_role("link", name="有 1 条迟报漏报线索待科长认定。").click()
    expect(page.get_by_role("heading", name="迟报漏报")).to_be_visible()
    candidate = page.locator("table.items tbody tr").filter(has_text=TITLE)
    expect(candidate).to_have_count(1)
    cells = candidate.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("迟报")
    expect(cells.nth(1)).to_have_text("市消防救援支队")
    expect(cells.nth(2)).to_have_text("22")  # 02:51:3x less 02:30, rounded up
    expect(candidate).to_contain_text(f"应于 {SUNDAY} 02:30 前报送")
    shoot(page, "6-candidates")
    log_out(page)

    # The editors were not on duty: nothing reached them.
    log_in(page, editor)
    open_inbox(page)
    expect(page.get_by_text("暂无消息。")).to_be_visible()

    # What the screens said is what the database holds.
    incident = Incident.objects.get()
    assert timezone.localtime(incident.created_at).replace(second=0, microsecond=0) == at(2, 0)
    late = ViolationCandidate.objects.get()
    assert (late.kind, late.minutes_late, late.unit, late.incident) == (
        CandidateKind.LATE,
        22,
        office["brigade"],
        incident,
    )
    assert late.expected.kind == ExpectKind.WRITTEN
    written_report = IncidentReport.objects.get(channel="written")
    assert written_report.received_at is not None
    assert at(2, 51, 30) <= written_report.received_at < at(2, 52)
    assert late.expected.met_by_id == written_report.pk
    flips = list(DeadlineFlip.objects.values_list("kind", "expected__kind"))
    assert flips == [
        (FlipKind.BREACH, ExpectKind.WRITTEN),
        (FlipKind.ESCALATION, ExpectKind.WRITTEN),
        (FlipKind.ESCALATION, ExpectKind.WRITTEN),
    ]
    # auto_now_add reads the simulated clock too.
    assert all(
        at(2, 40) <= flip.created_at < at(2, 40) + timedelta(minutes=1)
        for flip in DeadlineFlip.objects.all()[:2]
    )

    def recipients(title: str | re.Pattern[str] = "", key: str = "") -> set[str]:
        notes = Notification.objects.all()
        if key:
            notes = notes.filter(key=key)
        elif isinstance(title, str):
            notes = notes.filter(title=title)
        else:
            notes = notes.filter(title__regex=title.pattern)
        return set(notes.values_list("recipient__username", flat=True))

    assert recipients(BREACH) == {"zhaohf", "zhouq", "wuwd"}  # on duty, and the brigade
    assert recipients(ESCALATION) == {"zhaohf", "liuy"}  # then the chief; 孙丽 is not on
    assert recipients(key=f"report:{written_report.pk}:signoff") == {"wuwd"}
    assert recipients(key=f"report:{written_report.pk}:received") == {"zhaohf"}
    phone_report = IncidentReport.objects.get(channel="phone")
    assert not recipients(key=f"report:{phone_report.pk}:received")  # he logged it himself
    assert not Notification.objects.filter(
        recipient__in=[office["day_duty"], office["editor"], office["secgen"]]
    ).exists()
