"""The bulletin after the 简报 convention, read back from the .docx and the page: the 内部资料
mark on its own first line, 期号 with 总第X期 (running across years), 编印单位 and date, and the
closing block — a rule, 报/送/发, a rule, （共印N份）, 签发 and 责任编辑. The issuing office is the
office's one name, the same a criticism notice starts with.

The expected lines are written out by hand here (regular expressions and literal numbers), not
taken from bulletins.export."""

import re
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn

from accountability import actions_notices
from audit.models import AuditEntry
from bulletins import export
from bulletins.models import Issue, IssueTotal, Publication
from bulletins.queries import entries_of
from org.models import Unit, User
from tests.accountability.accountability_helpers import confirmed
from tests.bulletins.bulletin_helpers import draft, published
from tests.clock import LAST_YEAR, YEAR, days_before

pytestmark = pytest.mark.django_db
DAY = days_before(4)
OFFICE = "中共江城市委办公室"

NUMBERS = re.compile(r"(\d{4})年第(\d+)期（总第(\d+)期）")
ISSUED = re.compile(r"(中共\S+办公室)\t(\d{4})年(\d{1,2})月(\d{1,2})日")
REPORT, SEND, ISSUE = (re.compile(rf"{label}：(\S.*)") for label in "报送发")
COPIES = re.compile(r"（共印(\d+)份）")
PEOPLE = re.compile(r"签发：(\S+)　　责任编辑：(\S+)")


@pytest.fixture
def office(section) -> Unit:
    """The city office in the directory, under its full name."""
    hub = section.parent
    hub.name = OFFICE
    hub.save(update_fields=["name"])
    return hub


@pytest.fixture
def lists(daily: Publication) -> Publication:
    daily.report_to = "省委办公厅"
    daily.send_to = "市委常委，市人大常委会、市政府、市政协主要领导"
    daily.issue_to = "各区、县（市）委办公室，市直各单位"
    daily.copies = 60
    daily.save()
    return daily


@pytest.fixture
def people(editor: User, chief: User) -> tuple[User, User]:
    editor.full_name, chief.full_name = "李明", "王建国"
    editor.save(update_fields=["full_name"])
    chief.save(update_fields=["full_name"])
    return editor, chief


def docx_of(issue: Issue):
    return Document(BytesIO(export.build_docx(issue, entries_of(issue))))


def border(paragraph, side: str):
    ppr = paragraph._p.pPr
    borders = ppr.find(qn("w:pBdr")) if ppr is not None else None
    return None if borders is None else borders.find(qn(f"w:{side}"))


def test_the_docx_has_every_part_of_a_bulletin(office, lists, people, three_items):
    editor, chief = people
    issue = published(editor, chief, lists, three_items[:1], DAY)
    paragraphs = docx_of(issue).paragraphs
    texts = [p.text for p in paragraphs]

    # The mark, alone on the first line, at the left.
    assert texts[0] == "内部资料"
    assert paragraphs[0].alignment in (None, WD_PARAGRAPH_ALIGNMENT.LEFT)
    assert texts[1] == "每日要情"
    numbers = NUMBERS.fullmatch(texts[2])
    assert numbers is not None and numbers.groups() == (str(DAY.year), "1", "1")
    issued = ISSUED.fullmatch(texts[3])
    assert issued is not None
    assert issued.groups() == (OFFICE, str(DAY.year), str(DAY.month), str(DAY.day))
    assert border(paragraphs[3], "bottom").get(qn("w:color")) == "C00000"

    # The closing block: after the last entry's source line, to the end of the document.
    last_credit = max(i for i, t in enumerate(texts) if t.startswith("（来源："))
    tail = paragraphs[last_credit + 1 :]
    assert [p.text for p in tail] == [
        "报：省委办公厅",
        "送：市委常委，市人大常委会、市政府、市政协主要领导",
        "发：各区、县（市）委办公室，市直各单位",
        "（共印60份）",
        "签发：王建国　　责任编辑：李明",
    ]
    assert REPORT.fullmatch(tail[0].text).group(1) == "省委办公厅"
    assert SEND.fullmatch(tail[1].text) and ISSUE.fullmatch(tail[2].text)
    assert COPIES.fullmatch(tail[3].text).group(1) == "60"
    assert tail[3].alignment == WD_PARAGRAPH_ALIGNMENT.RIGHT
    assert PEOPLE.fullmatch(tail[4].text).groups() == ("王建国", "李明")
    # The lists stand between two black rules.
    assert border(tail[0], "top").get(qn("w:color")) == "000000"
    assert border(tail[2], "bottom").get(qn("w:color")) == "000000"
    assert border(tail[1], "top") is None and border(tail[1], "bottom") is None


def test_a_draft_leaves_the_numbers_and_the_signer_blank(office, lists, people, three_items):
    editor, _chief = people
    pending = draft(editor, lists, three_items[:1], DAY)
    texts = [p.text for p in docx_of(pending).paragraphs]
    assert texts[2] == f"{DAY.year}年第　　期（总第　　期）"
    assert texts[-1] == "签发：　　　　责任编辑：李明"


def test_a_publication_without_lists_or_mark_prints_neither(office, daily, people, three_items):
    editor, chief = people
    daily.internal_mark = ""
    daily.save(update_fields=["internal_mark"])
    issue = published(editor, chief, daily, three_items[:1], DAY)
    paragraphs = docx_of(issue).paragraphs
    texts = [p.text for p in paragraphs]
    assert texts[0] == ""  # the mark's line is kept, empty: the masthead stays in place
    assert texts[1] == "每日要情"
    assert not any(re.match(r"[报送发]：|（共印", t) for t in texts)
    assert texts[-1] == "签发：王建国　　责任编辑：李明"
    assert border(paragraphs[-1], "top").get(qn("w:color")) == "000000"


def test_the_running_number_goes_on_across_the_new_year(editor, chief, daily, three_items):
    # The last issue of last year, then the first two of this year.
    old = published(editor, chief, daily, three_items[:1], date(LAST_YEAR, 12, 30))
    first = published(editor, chief, daily, three_items[1:2], date(YEAR, 1, 5))
    second = published(editor, chief, daily, three_items[2:], date(YEAR, 1, 6))
    assert [(i.year, i.number, i.total_number) for i in (old, first, second)] == [
        (LAST_YEAR, 1, 1),
        (YEAR, 1, 2),
        (YEAR, 2, 3),
    ]
    heads = [docx_of(i).paragraphs[2].text for i in (old, first, second)]
    assert heads == [
        f"{LAST_YEAR}年第1期（总第1期）",
        f"{YEAR}年第1期（总第2期）",
        f"{YEAR}年第2期（总第3期）",
    ]
    published_entry = AuditEntry.objects.filter(action="issue_published").order_by("-seq")[0]
    assert published_entry.data["total"] == 3


def test_the_running_number_continues_the_paper_series(editor, chief, daily, three_items):
    IssueTotal.objects.create(publication=daily, last_total=1268)
    issue = published(editor, chief, daily, three_items[:1], DAY)
    assert (issue.number, issue.total_number) == (1, 1269)


def test_the_page_shows_the_same_parts(client_of, office, lists, people, three_items):
    editor, chief = people
    issue = published(editor, chief, lists, three_items[:1], DAY)
    page = client_of(editor).get(f"/bulletins/issues/{issue.pk}/").content.decode()
    for line in (
        "内部资料",
        f"{DAY.year}年第1期（总第1期）",
        OFFICE,
        "报：省委办公厅",
        "发：各区、县（市）委办公室，市直各单位",
        "（共印60份）",
        "签发：王建国　　责任编辑：李明",
    ):
        assert line in page, line


def test_the_section_edits_the_lists_and_the_change_is_audited(client_of, chief, lists, editor):
    url = f"/bulletins/publications/{lists.pk}/settings/"
    client = client_of(editor)
    assert "省委办公厅" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "issuer": "",
            "internal_mark": "注意保存",
            "report_to": "省委办公厅",
            "send_to": "市委、市政府主要领导",
            "issue_to": "各区、县（市）委办公室",
            "copies": "45",
        },
    )
    assert response.status_code == 302
    lists.refresh_from_db()
    assert (lists.internal_mark, lists.send_to, lists.issue_to, lists.copies) == (
        "注意保存",
        "市委、市政府主要领导",
        "各区、县（市）委办公室",
        45,
    )
    entry = AuditEntry.objects.get(action="publication_settings_changed")
    assert entry.actor_id == editor.pk
    assert entry.data["before"]["send_to"] == "市委常委，市人大常委会、市政府、市政协主要领导"
    assert entry.data["after"]["send_to"] == "市委、市政府主要领导"
    assert entry.data["before"]["copies"] == 60 and entry.data["after"]["copies"] == 45


def test_bad_settings_write_nothing(client_of, editor, lists):
    url = f"/bulletins/publications/{lists.pk}/settings/"
    response = client_of(editor).post(url, {"copies": "0", "report_to": "x"})
    assert response.status_code == 400
    assert "至少" in response.content.decode()
    lists.refresh_from_db()
    assert (lists.copies, lists.report_to) == (60, "省委办公厅")
    assert not AuditEntry.objects.filter(action="publication_settings_changed").exists()


def test_units_cannot_open_the_settings(client_of, officer_a, daily):
    url = f"/bulletins/publications/{daily.pk}/settings/"
    assert client_of(officer_a).get(url).status_code == 403


def test_the_bulletin_and_a_new_notice_name_the_same_office(
    office, daily, people, three_items, unit_a
):
    editor, chief = people
    issue = published(editor, chief, daily, three_items[:1], DAY)
    issued = ISSUED.fullmatch(docx_of(issue).paragraphs[3].text)
    notice = actions_notices.do_draft_notice(chief, [confirmed(chief, unit_a).pk])
    assert issued is not None
    assert issued.group(1) == notice.issuing_office == OFFICE
    # One piece of data: renamed in the directory, both follow.
    Unit.objects.filter(pk=office.pk).update(name="中共江城市委员会办公室")
    again = actions_notices.do_draft_notice(chief, [confirmed(chief, unit_a).pk])
    heads = docx_of(Issue.objects.get(pk=issue.pk)).paragraphs[3].text
    assert heads.startswith("中共江城市委员会办公室\t")
    assert again.issuing_office == "中共江城市委员会办公室"
