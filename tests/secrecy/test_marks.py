"""The 密级 mark wherever the thing is shown or printed: pages (a small badge in lists, beside
the title, top-left on the paper views) and the .docx of issues and notices, where GB/T
9704-2012 §7.2.2 puts 密级: flush left on the second line of the type area, 3号黑体 (16 pt).

Ground truth: the standard's numbers, typed in (3号 = 16 pt = 32 half-points in w:sz)."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt

from accountability import actions_notices
from accountability import export as notice_export
from bulletins import export as bulletin_export
from bulletins.models import Issue
from bulletins.queries import entries_of
from org.models import SecrecyPolicy
from submissions.models import InfoItem, ItemState
from tests.accountability.accountability_helpers import confirmed
from tests.bulletins.bulletin_helpers import draft, published
from tests.clock import TODAY, days_before
from tests.factories import make_item

pytestmark = pytest.mark.django_db
DAY = days_before(4)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def mark_on(page: str) -> list[str]:
    return re.findall(r'<span class="secrecy-mark"[^>]*>([^<]*)</span>', page)


@pytest.fixture
def daily(city_daily, leader):
    city_daily.compiled_here = True
    city_daily.default_secrecy = "internal"
    city_daily.save()
    city_daily.readers.add(leader)
    return city_daily


@pytest.fixture
def items(officer_a, head_a):
    return [make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区部署汛期隐患排查")]


@pytest.fixture
def issue(editor, chief, daily, items) -> Issue:
    return published(editor, chief, daily, items, DAY)


def docx_of(data: bytes):
    return Document(BytesIO(data))


def assert_mark_top_left(doc, text: str) -> None:
    first, second = doc.paragraphs[0], doc.paragraphs[1]
    assert first.text == ""  # the 份号 line, left empty
    assert second.text == text
    assert second.alignment in (None, WD_PARAGRAPH_ALIGNMENT.LEFT)
    fmt = second.paragraph_format
    assert fmt.first_line_indent in (None, 0) and fmt.left_indent in (None, 0)  # 顶格
    run = second.runs[0]._element
    assert run.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia")) == "黑体"
    assert run.find(f"{W}rPr/{W}sz").get(qn("w:val")) == "32"  # 16 pt, 三号
    assert second.runs[0].font.size == Pt(16)
    # Nothing of the document comes before it: the mark is the first text of the first page.
    body = doc.element.body
    texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")]
    assert next(t for t in texts if t) == text


# --- .docx --------------------------------------------------------------------------------------


def test_an_internal_issue_prints_neibu_top_left(issue):
    doc = docx_of(bulletin_export.build_docx(issue, entries_of(issue)))
    # The bulletin's one top-left line: 内部 said by the publication's 内部资料.
    assert issue.publication.internal_mark == "内部资料"
    assert doc.paragraphs[0].text == "内部资料"
    assert doc.paragraphs[1].text == "每日要情"
    issue.publication.internal_mark = "注意保存"
    doc = docx_of(bulletin_export.build_docx(issue, entries_of(issue)))
    assert doc.paragraphs[0].text == "内部　注意保存"


def test_a_public_issue_prints_no_mark(editor, chief, city_daily, items):
    city_daily.compiled_here = True
    city_daily.internal_mark = ""
    city_daily.save()
    issue = published(editor, chief, city_daily, items, DAY)
    doc = docx_of(bulletin_export.build_docx(issue, entries_of(issue)))
    assert doc.paragraphs[0].text == ""  # the top-left line, empty
    assert doc.paragraphs[1].text == "每日要情"
    assert "内部" not in "".join(p.text for p in doc.paragraphs[:3])


def test_a_secret_notice_prints_mimi_top_left(chief, unit_a):
    SecrecyPolicy.objects.update_or_create(pk=1, defaults={"ceiling": "mimi"})
    notice = actions_notices.do_draft_notice(chief, [confirmed(chief, unit_a).pk], today=TODAY)
    from accountability.actions_secrecy import do_set_notice_secrecy

    do_set_notice_secrecy(chief, notice.pk, "mimi")
    notice.refresh_from_db()
    assert_mark_top_left(docx_of(notice_export.build_docx(notice)), "秘密")


def test_the_downloaded_notice_carries_the_mark(client_of, chief, unit_a):
    notice = actions_notices.do_draft_notice(chief, [confirmed(chief, unit_a).pk], today=TODAY)
    client_of(chief).post(
        reverse("accountability:notice_secrecy", args=[notice.pk]), {"secrecy": "internal"}
    )
    response = client_of(chief).get(reverse("accountability:notice_docx", args=[notice.pk]))
    assert_mark_top_left(docx_of(response.content), "内部")


# --- pages --------------------------------------------------------------------------------------


def test_the_issue_page_shows_the_mark_on_the_paper(client_of, leader, issue):
    page = client_of(leader).get(reverse("bulletins:issue", args=[issue.pk])).content.decode()
    paper = page[page.index('<article class="paper"') :]
    # The same one top-left line as the .docx: 内部 said by the publication's 内部资料.
    assert '<p class="paper-mark">内部资料</p>' in paper
    assert mark_on(page)[0] == "内部"  # and the badge by the title


def test_an_item_shows_its_mark_on_its_page_and_in_lists(client_of, officer_a):
    client_of(officer_a).post(
        reverse("submissions:create"),
        {
            "title": "某区部署汛期安全生产隐患排查",
            "kind": "news",
            "body": "本区组织排查汛期隐患点12处，已整改9处，其余3处落实专人值守。",
            "secrecy": "internal",
        },
    )
    item = InfoItem.objects.get()
    detail = client_of(officer_a).get(reverse("submissions:detail", args=[item.pk]))
    assert mark_on(detail.content.decode()) == ["内部"]
    listing = client_of(officer_a).get(reverse("submissions:list"))
    assert mark_on(listing.content.decode()) == ["内部"]


def test_a_public_item_shows_no_mark(client_of, officer_a):
    item = make_item(officer_a)
    page = client_of(officer_a).get(reverse("submissions:detail", args=[item.pk]))
    assert mark_on(page.content.decode()) == []


def test_the_notice_page_shows_the_mark(client_of, chief, unit_a):
    notice = actions_notices.do_draft_notice(chief, [confirmed(chief, unit_a).pk], today=TODAY)
    from accountability.actions_secrecy import do_set_notice_secrecy

    do_set_notice_secrecy(chief, notice.pk, "internal")
    page = client_of(chief).get(reverse("accountability:notice", args=[notice.pk]))
    text = page.content.decode()
    assert "内部" in mark_on(text)
    paper = text[text.index('<article class="paper') :]
    assert mark_on(paper)[0] == "内部"


def test_a_draft_issue_page_shows_the_mark_beside_the_title(client_of, editor, daily):
    issue = draft(editor, daily, [], TODAY)
    page = client_of(editor).get(reverse("bulletins:issue", args=[issue.pk])).content.decode()
    assert mark_on(page[: page.index("</h1>") + 200])[0] == "内部"


def test_search_results_show_the_mark(client_of, officer_a, head_a, editor):
    from submissions import actions as item_actions

    item = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区防汛物资储备情况")
    item_actions.do_edit(editor, item.pk, item.title, item.body, secrecy="internal")
    page = client_of(editor).get(reverse("archive:search"), {"q": "防汛物资"}).content.decode()
    hits = page[page.index('class="hits"') :]
    assert mark_on(hits) == ["内部"]
