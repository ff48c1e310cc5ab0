"""Criticism notices: drafted from confirmed violations, numbered 〔year〕N号 when issued (per
year, consecutive, also under concurrent issuing on PostgreSQL), the province's recorded with
their own number, delivered to the units named (or to all), exported as an official .docx."""

import threading
from datetime import date
from io import BytesIO

import pytest
from django.db import connection, connections
from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from accountability import actions, export
from accountability import actions_notices as notice_actions
from accountability.models import (
    CriticismNotice,
    Issuer,
    NoticeCounter,
    NoticePolicy,
    NoticeStatus,
    ViolationKind,
)
from audit.models import AuditEntry
from notify.models import Notification
from org.roles import Role
from tests.accountability.accountability_helpers import (
    DAY,
    chinese_date,
    city_notice,
    confirmed,
    pending,
    province_notice,
)
from tests.clock import LAST_YEAR, YEAR
from tests.download_checks import saved_name
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


def told(key: str) -> set[str]:
    return set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))


# --- drafting ---------------------------------------------------------------------------------


def test_the_draft_is_written_from_the_violations(chief, unit_a, unit_b):
    late = confirmed(chief, unit_a, minutes_late=22, summary="经开区化工厂仓库火灾")
    false = confirmed(chief, unit_b, ViolationKind.FALSE, summary="某小区燃气泄漏")
    draft = notice_actions.do_draft_notice(chief, [late.pk, false.pk], today=DAY)
    assert (draft.status, draft.issuer, draft.number, draft.doc_number) == (
        NoticeStatus.DRAFT,
        Issuer.OWN,
        None,
        "",
    )
    assert "甲区委办公室" in draft.body and "经开区化工厂仓库火灾" in draft.body
    assert "22" in draft.body
    assert "乙县委办公室" in draft.body and "某小区燃气泄漏" in draft.body
    assert set(draft.units.all()) == {unit_a, unit_b}
    assert draft.issuing_office == NoticePolicy.current().office_name
    assert not Notification.objects.filter(key__startswith="notice:").exists()


def test_only_confirmed_violations_go_into_a_notice(chief, unit_a):
    waiting = pending(unit_a)
    with pytest.raises(actions.ActionError, match="confirmed violations only"):
        notice_actions.do_draft_notice(chief, [waiting.pk])
    assert not CriticismNotice.objects.exists()


def test_a_violation_goes_into_one_city_notice_only(chief, unit_a):
    violation = confirmed(chief, unit_a)
    notice_actions.do_draft_notice(chief, [violation.pk])
    with pytest.raises(actions.ActionError, match="already in another of this office"):
        notice_actions.do_draft_notice(chief, [violation.pk])


def test_the_chief_edits_the_draft_text(chief, unit_a):
    violation = confirmed(chief, unit_a)
    draft = notice_actions.do_draft_notice(chief, [violation.pk])
    notice_actions.do_edit_notice(
        chief,
        draft.pk,
        notice_actions.NoticeText(
            title="关于甲区迟报突发事件信息的通报",
            body="第一段。\n第二段。",
            issuing_office="中共江城市委办公室",
            recipients="各区、县委办公室",
            send_to_all=True,
            violation_ids=[violation.pk],
        ),
    )
    draft.refresh_from_db()
    assert (draft.title, draft.body, draft.send_to_all) == (
        "关于甲区迟报突发事件信息的通报",
        "第一段。\n第二段。",
        True,
    )


def test_a_draft_edit_is_audited_with_before_and_after(chief, unit_a):
    first, second = confirmed(chief, unit_a), confirmed(chief, unit_a)
    draft = notice_actions.do_draft_notice(chief, [first.pk])
    text = notice_actions.NoticeText(
        title="新标题",
        body=draft.body,
        issuing_office=draft.issuing_office,
        recipients=draft.recipients,
        send_to_all=False,
        violation_ids=[first.pk, second.pk],
    )
    notice_actions.do_edit_notice(chief, draft.pk, text)
    entry = AuditEntry.objects.get(action="notice_edited")
    assert (entry.actor, entry.target) == (chief, f"notice:{draft.pk}")
    # The notice's text is content: the log names the changed field, not its words.
    assert entry.data["fields"] == ["title"]
    assert "新标题" not in str(entry.data) and draft.title not in str(entry.data)
    assert entry.data["before"]["violations"] == [first.pk]
    assert entry.data["after"]["violations"] == sorted([first.pk, second.pk])


def test_an_edit_that_changes_nothing_writes_nothing(chief, unit_a):
    violation = confirmed(chief, unit_a)
    draft = notice_actions.do_draft_notice(chief, [violation.pk])
    same = notice_actions.NoticeText(
        draft.title, draft.body, draft.issuing_office, draft.recipients, False, [violation.pk]
    )
    notice_actions.do_edit_notice(chief, draft.pk, same)
    assert not AuditEntry.objects.filter(action="notice_edited").exists()


@pytest.mark.parametrize("who", ["editor", "officer_a"])
def test_only_the_chief_and_the_secretary_general_compile_notices(people, who):
    violation = confirmed(people["chief"], people["officer_a"].unit)
    with pytest.raises(actions.ActionError):
        notice_actions.do_draft_notice(people[who], [violation.pk])


def test_the_secretary_general_compiles_and_issues_a_notice(people):
    violation = confirmed(people["chief"], people["officer_a"].unit)
    notice = city_notice(people["secgen"], [violation])
    assert (notice.number, notice.doc_number) == (1, f"市委办通〔{DAY.year}〕1号")


# --- numbering ----------------------------------------------------------------------------------


def test_city_notices_are_numbered_one_two_three_when_issued(chief, unit_a):
    notices = [city_notice(chief, [confirmed(chief, unit_a)]) for _ in range(3)]
    assert [n.number for n in notices] == [1, 2, 3]
    assert [n.doc_number for n in notices] == [f"市委办通〔{YEAR}〕{k}号" for k in (1, 2, 3)]
    assert {n.issued_on for n in notices} == {DAY}


def test_a_new_year_starts_again_at_one(chief, unit_a):
    city_notice(chief, [confirmed(chief, unit_a)], on=date(LAST_YEAR, 12, 30))
    city_notice(chief, [confirmed(chief, unit_a)], on=date(LAST_YEAR, 12, 31))
    first = city_notice(chief, [confirmed(chief, unit_a)], on=date(YEAR, 1, 5))
    assert (first.year, first.number, first.doc_number) == (YEAR, 1, f"市委办通〔{YEAR}〕1号")


def test_the_number_is_given_when_issuing_not_before(chief, unit_a):
    draft = notice_actions.do_draft_notice(chief, [confirmed(chief, unit_a).pk])
    assert draft.number is None
    assert not NoticeCounter.objects.exists()


def test_the_prefix_is_the_chiefs_data(chief, unit_a):
    actions.do_update_notice_policy(
        chief,
        {"doc_prefix": "江委办通", "recipients": "各区"},
    )
    notice = city_notice(chief, [confirmed(chief, unit_a)])
    assert notice.doc_number == f"江委办通〔{YEAR}〕1号"
    entry = AuditEntry.objects.get(action="notice_policy_changed")
    assert entry.data["before"]["doc_prefix"] == "市委办通"
    assert entry.data["after"]["doc_prefix"] == "江委办通"


def test_an_issued_notice_is_not_issued_again_nor_discarded(chief, unit_a):
    notice = city_notice(chief, [confirmed(chief, unit_a)])
    with pytest.raises(actions.ActionError):
        notice_actions.do_issue_notice(chief, notice.pk, DAY)
    with pytest.raises(actions.ActionError):
        notice_actions.do_discard_notice(chief, notice.pk)
    assert NoticeCounter.objects.get(year=YEAR).last == 1


def test_a_discarded_draft_frees_its_violations(chief, unit_a):
    violation = confirmed(chief, unit_a)
    draft = notice_actions.do_draft_notice(chief, [violation.pk])
    notice_actions.do_discard_notice(chief, draft.pk)
    assert city_notice(chief, [violation]).number == 1
    assert AuditEntry.objects.filter(action="notice_discarded").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_two_notices_issued_at_once_get_consecutive_numbers(chief, unit_a):
    # The year's counter exists already: the race is on its row, not on creating it.
    city_notice(chief, [confirmed(chief, unit_a)])
    drafts = [
        notice_actions.do_draft_notice(chief, [confirmed(chief, unit_a).pk]) for _ in range(2)
    ]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def issue(notice_id: int) -> None:
        try:
            start.wait()
            notice_actions.do_issue_notice(chief, notice_id, DAY)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(d.pk,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    numbers = CriticismNotice.objects.filter(pk__in=[d.pk for d in drafts]).values_list(
        "number", flat=True
    )
    assert sorted(numbers) == [2, 3]
    assert NoticeCounter.objects.get(year=YEAR).last == 3


# --- the province's notices ---------------------------------------------------------------------


def test_a_provincial_notice_is_recorded_with_its_own_number_and_date(chief, unit_a):
    violation = confirmed(chief, unit_a)
    notice = province_notice(chief, [violation], on=date(YEAR, 11, 20))
    assert (notice.issuer, notice.status, notice.doc_number, notice.issued_on, notice.year) == (
        Issuer.UPPER,
        NoticeStatus.ISSUED,
        f"省委办通〔{YEAR}〕5号",
        date(YEAR, 11, 20),
        YEAR,
    )
    assert notice.number is None
    assert list(notice.violations.all()) == [violation]
    assert list(notice.units.all()) == [unit_a]
    assert AuditEntry.objects.get(action="province_notice_recorded").data["units"] == ["unit-a"]
    assert not NoticeCounter.objects.exists()


def test_a_provincial_notice_names_confirmed_violations_of_the_units_it_names(
    chief, unit_a, unit_b
):
    of_b = confirmed(chief, unit_b)
    with pytest.raises(actions.ActionError, match="units it names"):
        province_notice(chief, [of_b], units=[unit_a])
    waiting = pending(unit_a)
    with pytest.raises(actions.ActionError, match="units it names"):
        province_notice(chief, [waiting], units=[unit_a])
    assert not CriticismNotice.objects.exists()


def test_the_same_provincial_number_is_recorded_once(chief, unit_a):
    province_notice(chief, [confirmed(chief, unit_a)])
    with pytest.raises(actions.ActionError, match="already recorded"):
        province_notice(chief, [confirmed(chief, unit_a)])


def test_a_provincial_notice_may_also_name_a_unit_without_a_violation_here(chief, unit_a, unit_b):
    notice = province_notice(chief, [confirmed(chief, unit_a)], units=[unit_a, unit_b])
    assert set(notice.units.all()) == {unit_a, unit_b}


# --- delivery -----------------------------------------------------------------------------------


def test_an_issued_notice_reaches_the_units_it_names(
    chief, unit_a, officer_a, head_a, officer_b, head_b
):
    notice = city_notice(chief, [confirmed(chief, unit_a)])
    assert told(f"notice:{notice.pk}") == {"officer_a", "head_a"}
    (message,) = Notification.objects.filter(key=f"notice:{notice.pk}", recipient=officer_a)
    assert f"市委办通〔{YEAR}〕1号" in message.title
    assert message.url == f"/accountability/notices/{notice.pk}/"


def test_a_notice_sent_to_all_reaches_every_reporting_unit(
    chief, unit_a, officer_a, head_a, officer_b, head_b, section
):
    silent = make_unit("丙区委办公室", code="unit-c")
    make_user(Role.OFFICER, silent, username="officer_c")
    make_user(Role.OFFICER, make_unit("停用单位", code="gone", is_active=False), username="x")
    notice = city_notice(chief, [confirmed(chief, unit_a)], send_to_all=True)
    assert told(f"notice:{notice.pk}") == {
        "officer_a",
        "head_a",
        "officer_b",
        "head_b",
        "officer_c",
    }


def test_a_provincial_notice_reaches_the_units_it_names(chief, unit_a, officer_a, officer_b):
    notice = province_notice(chief, [confirmed(chief, unit_a)])
    assert told(f"notice:{notice.pk}") == {"officer_a"}


# --- the .docx ----------------------------------------------------------------------------------


def east_asian(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.fixture
def issued(chief, unit_a, unit_b, section):
    # The issuing authority is the office's name in the unit directory.
    section.parent.name = "中共江城市委办公室"
    section.parent.save(update_fields=["name"])
    actions.do_update_notice_policy(
        chief,
        {
            "doc_prefix": "江委办通",
            "recipients": "各区、县委办公室，市直各单位",
        },
    )
    city_notice(chief, [confirmed(chief, unit_b)])
    city_notice(chief, [confirmed(chief, unit_b)])
    return city_notice(chief, [confirmed(chief, unit_a, summary="经开区化工厂仓库火灾")], on=DAY)


@pytest.fixture
def doc(issued):
    return Document(BytesIO(export.build_docx(issued)))


def test_the_docx_has_the_red_header_number_and_rule(doc):
    head, number = doc.paragraphs[0], doc.paragraphs[1]
    assert head.text == "中共江城市委办公室"
    assert head.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    assert head.runs[0].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert east_asian(head.runs[0]) == "方正小标宋简体"
    assert number.text == f"江委办通〔{YEAR}〕3号"
    assert number.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "C00000"


def test_the_docx_has_the_title_recipients_body_and_named_unit(doc, issued):
    texts = [p.text for p in doc.paragraphs]
    title = doc.paragraphs[2]
    assert title.text == issued.title
    assert title.runs[0].font.size == Pt(22)  # 二号
    assert east_asian(title.runs[0]) == "方正小标宋简体"
    assert "各区、县委办公室，市直各单位：" in texts
    body = next(p for p in doc.paragraphs if "经开区化工厂仓库火灾" in p.text)
    assert "甲区委办公室" in body.text
    assert east_asian(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)


def signature_and_date(doc):
    """The signature and the date: the last two lines before the 版记, the date ending 日."""
    texts = [p.text for p in doc.paragraphs]
    day = max(i for i, t in enumerate(texts) if t.endswith("日") and not t.endswith("印发"))
    return doc.paragraphs[day - 1], doc.paragraphs[day]


def test_the_docx_ends_with_signature_and_date_in_arabic_numerals(doc):
    signature, day = signature_and_date(doc)
    assert (signature.text, day.text) == ("中共江城市委办公室", chinese_date(DAY))
    assert {signature.alignment, day.alignment} == {WD_PARAGRAPH_ALIGNMENT.RIGHT}
    assert day._p.pPr.ind.get(qn("w:rightChars")) == "400"  # 右空四字


def test_the_docx_numbers_its_pages(doc):
    footer = doc.sections[0].footer.paragraphs[0]
    assert footer._p.find(qn("w:fldSimple")).get(qn("w:instr")) == "PAGE"


def test_a_draft_leaves_number_and_date_blank(chief, unit_a):
    draft = notice_actions.do_draft_notice(chief, [confirmed(chief, unit_a).pk], today=DAY)
    doc = Document(BytesIO(export.build_docx(draft)))
    assert doc.paragraphs[1].text == f"市委办通〔{YEAR}〕　号"
    assert signature_and_date(doc)[1].text == "　年　月　日"
    assert any(p.text.endswith("　年　月　日印发") for p in doc.paragraphs)


def test_the_download_is_named_after_the_document_number(client_of, officer_a, issued):
    response = client_of(officer_a).get(f"/accountability/notices/{issued.pk}/docx/")
    assert response.status_code == 200
    assert Document(BytesIO(response.content)).paragraphs[1].text == f"江委办通〔{YEAR}〕3号"
    assert saved_name(response) == f"江委办通〔{YEAR}〕3号.docx"
