"""The morning edition, clicked through: the editor compiles 《每日要情》 before 8 a.m. (picks
items, rewrites one inline, reorders), the section chief signs it off, the editor publishes
it and takes the .docx, the city leader reads it — which the editor then sees — and writes an
instruction on the lead story, and the source unit files its feedback before the deadline."""

from io import BytesIO

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from bulletins.models import (
    FollowUpTask,
    Instruction,
    Issue,
    IssueState,
    Publication,
    ReadReceipt,
    TaskStatus,
)
from org.models import User
from submissions.models import InfoItem, ItemState
from tests.browser.login import expect_logged_in, sign_in
from tests.clock import TODAY
from tests.factories import make_item

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"


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


@pytest.fixture
def daily(city_daily: Publication, leader: User) -> Publication:
    city_daily.compiled_here = True
    city_daily.issuer = "市委办公室"
    city_daily.save()
    city_daily.readers.add(leader)
    return city_daily


def test_the_morning_edition(
    page: Page,
    daily: Publication,
    officer_a: User,
    head_a: User,
    editor: User,
    chief: User,
    leader: User,
) -> None:
    editor, chief, leader = (
        _persona(editor, "张敏"),
        _persona(chief, "刘建国"),
        _persona(leader, "陈志远"),
    )
    flood = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区部署汛期隐患排查")
    water = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区农村供水工程开工")

    # 7 a.m.: the editor starts today's issue from the desk.
    log_in(page, editor)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="刊物").click()
    page.get_by_role("button", name="新编一期").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"《每日要情》{TODAY:%Y-%m-%d}")
    picker = page.locator("#add")
    picker.get_by_label("甲区部署汛期隐患排查").check()
    picker.get_by_label("甲区农村供水工程开工").check()
    picker.get_by_role("button", name="编入所选").click()
    expect(page.get_by_role("status")).to_contain_text("已编入 2 条信息")

    # Rewrite the flood entry inline; the item keeps its own title.
    entry = page.locator("li.entry-row").filter(has_text="甲区部署汛期隐患排查")
    entry.get_by_role("link", name="编辑").click()
    editing = page.locator("li.entry-row.editing")
    editing.get_by_label("标题").fill("甲区汛期隐患排查全面展开")
    editing.get_by_role("button", name="保存").click()
    expect(page.locator("li.entry-row").filter(has_text="已保存")).to_contain_text(
        "甲区汛期隐患排查全面展开"
    )
    # The newest item comes in first; the flood news leads today.
    expect(page.locator("li.entry-row h3").first).to_have_text("甲区农村供水工程开工")
    page.locator("li.entry-row").filter(has_text="甲区农村供水工程开工").get_by_role(
        "button", name="下移"
    ).click()
    expect(page.locator("li.entry-row h3").first).to_have_text("甲区汛期隐患排查全面展开")
    page.get_by_role("button", name="送科长审签").click()
    expect(page.get_by_role("status")).to_contain_text("已送科长审签")
    log_out(page)

    # The chief signs it off from the desk.
    log_in(page, chief)
    page.goto("/bulletins/")
    page.locator("#awaiting").get_by_role("link").first.click()
    expect(page.locator(".paper h1")).to_have_text("每日要情")
    page.get_by_role("button", name="审签", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("已审签")
    log_out(page)

    # The editor publishes and takes the document.
    log_in(page, editor)
    page.goto("/bulletins/")
    page.locator("#ready").get_by_role("link").first.click()
    page.get_by_role("button", name="印发").click()
    expect(page.get_by_role("status")).to_contain_text(f"已印发为{TODAY.year}年第1期")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word 文件").click()
    assert download.value.suggested_filename == f"每日要情{TODAY.year}年第1期.docx"
    document = Document(BytesIO(download.value.path().read_bytes()))
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["内部资料", "每日要情"]
    assert texts.index("甲区汛期隐患排查全面展开") < texts.index("甲区农村供水工程开工")
    expect(page.locator("#receipts")).to_contain_text("未读")
    log_out(page)

    # The leader reads it and instructs on the lead story; the editor sees the receipt.
    log_in(page, leader)
    page.goto("/bulletins/")
    page.get_by_role("link", name=f"《每日要情》{TODAY.year}年第1期").click()
    expect(page.locator(".paper")).to_contain_text("甲区汛期隐患排查全面展开")
    expect(page.locator(".paper")).to_contain_text("（来源：甲区委办公室）")
    page.locator("section.entry").filter(has_text="甲区汛期隐患排查全面展开").get_by_role(
        "link", name="批示"
    ).click()
    page.get_by_label("批示").fill("请甲区抓紧排查整改，结果报市委办。")
    page.get_by_role("button", name="提交批示").click()
    expect(page.get_by_role("status")).to_be_visible()
    log_out(page)

    # The unit's officer sees the instruction and files the feedback in time.
    officer_a = _persona(officer_a, "王芳")
    log_in(page, officer_a)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="批示办理").click()
    expect(page.get_by_text("请甲区抓紧排查整改，结果报市委办。")).to_be_visible()
    page.get_by_label("反馈").fill("已完成排查隐患点12处，整改11处，余1处限期整改。")
    page.get_by_role("button", name="报送反馈").click()
    expect(page.get_by_role("status")).to_contain_text("反馈")
    log_out(page)
    log_in(page, editor)
    issue = Issue.objects.get()
    page.goto(f"/bulletins/issues/{issue.pk}/")
    expect(page.locator("#receipts")).to_contain_text("已读")

    assert issue.state == IssueState.PUBLISHED
    assert ReadReceipt.objects.filter(issue=issue, reader=leader).exists()
    assert InfoItem.objects.get(pk=flood.pk).title == "甲区部署汛期隐患排查"
    assert set(InfoItem.objects.values_list("state", flat=True)) == {ItemState.ADOPTED}
    assert water.pk in set(issue.adoptions.values_list("item_id", flat=True))
    instruction = Instruction.objects.get()
    assert instruction.entry is not None
    assert (instruction.item_id, instruction.leader, instruction.entry.issue) == (
        flood.pk,
        leader,
        issue,
    )
    task = FollowUpTask.objects.get(instruction=instruction)
    assert (task.unit, task.status, task.late) == (officer_a.unit, TaskStatus.ANSWERED, False)
