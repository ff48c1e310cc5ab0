"""The pages: who sees what (a unit only its own; guessing an id leaks nothing), the chief's
decision and the unit's explanation through the forms, notices and eligibility pages, and
list pages that do not grow with their rows."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability import actions, rules
from accountability import actions_notices as notice_actions
from accountability.models import (
    CriticismNotice,
    EligibilityRule,
    Explanation,
    NoticeStatus,
    Violation,
    ViolationKind,
    ViolationStatus,
)
from accountability.queries import eligibility
from audit.models import AuditEntry
from tests.accountability.accountability_helpers import (
    DAY,
    chinese_date,
    city_notice,
    confirmed,
    late_report,
    pending,
    province_notice,
)
from tests.clock import TODAY, YEAR
from tests.factories import ADMINS, make_unit

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


# --- the queue and the unit's list --------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "chief", "secgen"])
def test_the_section_sees_the_queue_pending_first(people, client_of, who):
    unit_a, unit_b = people["officer_a"].unit, people["officer_b"].unit
    decided = confirmed(people["chief"], unit_b, summary="已认定的事项", on=DAY - timedelta(days=1))
    waiting = pending(unit_a, summary="待认定的事项", on=DAY - timedelta(days=26))
    page = html(client_of(people[who]).get("/accountability/"))
    assert page.index("待认定的事项") < page.index("已认定的事项")
    assert f"/accountability/violations/{waiting.pk}/" in page
    assert f"/accountability/violations/{decided.pk}/" in page


def test_the_queue_filters_by_status_kind_unit_and_year(client_of, chief, unit_a, unit_b):
    pending(unit_a, summary="甲区迟报")
    pending(unit_b, ViolationKind.FALSE, summary="乙县误报")
    pending(unit_b, summary="乙县去年迟报", on=date(YEAR - 1, 3, 1))
    confirmed(chief, unit_b, summary="乙县已认定")
    client = client_of(chief)
    assert "乙县误报" not in html(client.get("/accountability/?kind=late"))
    by_unit = html(client.get(f"/accountability/?unit={unit_b.pk}&year={YEAR}&status=pending"))
    assert "乙县误报" in by_unit
    assert not any(t in by_unit for t in ("甲区迟报", "乙县去年迟报", "乙县已认定"))


def test_the_queue_does_not_grow_queries_with_its_rows(client_of, chief, unit_a):
    client = client_of(chief)
    pending(unit_a)
    client.get("/accountability/")
    with CaptureQueriesContext(connection) as few:
        client.get("/accountability/")
    for n in range(15):
        pending(make_unit(f"单位{n}", code=f"x{n}"), summary=f"事项{n}")
    with CaptureQueriesContext(connection) as many:
        page = html(client.get("/accountability/"))
    assert "事项14" in page
    assert len(many) == len(few)


def test_unit_people_are_sent_to_their_own_list(client_of, officer_a, unit_b):
    mine = pending(officer_a.unit, summary="本单位迟报")
    pending(unit_b, summary="他单位迟报")
    client = client_of(officer_a)
    assert client.get("/accountability/")["Location"] == "/accountability/mine/"
    page = html(client.get("/accountability/mine/"))
    assert "本单位迟报" in page and "他单位迟报" not in page
    assert f"/accountability/violations/{mine.pk}/" in page


@pytest.mark.parametrize("who", ["leader", "duty_officer", *ADMINS])
def test_others_have_no_accountability_pages(personas, client_of, who):
    client = client_of(personas[who])
    for url in ("/accountability/", "/accountability/mine/", "/accountability/eligibility/"):
        assert client.get(url).status_code == 403


# --- one violation ------------------------------------------------------------------------------


def test_guessing_another_units_violation_leaks_nothing(client_of, officer_b, head_b, unit_a):
    violation = pending(unit_a, summary="甲区的事")
    for user in (officer_b, head_b):
        client = client_of(user)
        assert client.get(f"/accountability/violations/{violation.pk}/").status_code == 404
        response = client.post(
            f"/accountability/violations/{violation.pk}/explain/", {"text": "试图说明"}
        )
        assert response.status_code == 404
    assert not Explanation.objects.exists()


def test_the_unit_explains_on_the_page_and_the_chief_reads_it(client_of, officer_a, head_a, chief):
    late_report(officer_a, head_a)
    violation = Violation.objects.get()
    client = client_of(head_a)
    page = html(client.get(f"/accountability/violations/{violation.pk}/"))
    assert f'action="/accountability/violations/{violation.pk}/explain/"' in page
    assert "/decide/" not in page
    client.post(f"/accountability/violations/{violation.pk}/explain/", {"text": "审签人出差。"})
    chief_page = html(client_of(chief).get(f"/accountability/violations/{violation.pk}/"))
    assert "审签人出差。" in chief_page
    assert f"/accountability/violations/{violation.pk}/decide/" in chief_page
    assert "/emergencies/" in chief_page  # the incident is linked


@pytest.mark.parametrize("who", ["officer_a", "head_a", "editor"])
def test_no_one_but_the_chief_and_the_secretary_general_confirm_through_the_page(
    people, client_of, who
):
    violation = pending(people["officer_a"].unit)
    response = client_of(people[who]).post(
        f"/accountability/violations/{violation.pk}/decide/", {"decision": "confirm"}
    )
    assert response.status_code == 403
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.PENDING


def test_the_secretary_general_confirms_through_the_page(people, client_of):
    violation = pending(people["officer_a"].unit)
    response = client_of(people["secgen"]).post(
        f"/accountability/violations/{violation.pk}/decide/",
        {"decision": "confirm", "reason": "核实属实"},
    )
    assert response.status_code == 302
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.CONFIRMED


def test_the_chief_confirms_and_sets_seriousness(client_of, chief, unit_a):
    violation = pending(unit_a, serious=False)
    client_of(chief).post(
        f"/accountability/violations/{violation.pk}/decide/",
        {"decision": "confirm", "serious": "on", "important": "on", "reason": "核实属实"},
    )
    violation.refresh_from_db()
    assert (violation.status, violation.serious, violation.important) == (
        ViolationStatus.CONFIRMED,
        True,
        True,
    )


def test_a_waiver_without_a_reason_is_refused_on_the_page(client_of, chief, unit_a):
    violation = pending(unit_a)
    client = client_of(chief)
    response = client.post(
        f"/accountability/violations/{violation.pk}/decide/",
        {"decision": "waive"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "A waiver needs a reason." in html(response)
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.PENDING
    assert not AuditEntry.objects.filter(action="violation_waived").exists()


def test_an_editor_records_a_concealed_report(client_of, editor, unit_a):
    client = client_of(editor)
    assert client.get("/accountability/violations/new/").status_code == 200
    response = client.post(
        "/accountability/violations/new/",
        {
            "unit": unit_a.pk,
            "kind": "concealed",
            "summary": "某工地坍塌事故",
            "occurred_on": (DAY - timedelta(days=7)).isoformat(),
            "important": "on",
            "evidence": "媒体报道后核实，该单位未报送。",
        },
    )
    violation = Violation.objects.get()
    assert response["Location"] == f"/accountability/violations/{violation.pk}/"
    assert (violation.kind, violation.entered_by, violation.summary) == (
        ViolationKind.CONCEALED,
        editor,
        "某工地坍塌事故",
    )


def test_the_entry_form_offers_the_chosen_incidents_reports(client_of, editor, officer_a, head_a):
    incident = late_report(officer_a, head_a)
    response = client_of(editor).get(
        f"/accountability/violations/new/reports/?incident={incident.pk}", HTTP_HX_REQUEST="true"
    )
    page = html(response)
    for report in incident.reports.all():  # 电话首报 and 书面首报
        assert f'value="{report.pk}"' in page


def test_officers_cannot_record_violations(client_of, officer_a):
    assert client_of(officer_a).get("/accountability/violations/new/").status_code == 403


# --- notices ------------------------------------------------------------------------------------


def test_the_chief_compiles_edits_and_issues_through_the_pages(client_of, chief, unit_a):
    violation = confirmed(chief, unit_a, summary="化工厂仓库火灾")
    client = client_of(chief)
    assert "化工厂仓库火灾" in html(client.get("/accountability/notices/compile/"))
    response = client.post("/accountability/notices/compile/", {"violations": [violation.pk]})
    draft = CriticismNotice.objects.get()
    assert response["Location"] == f"/accountability/notices/{draft.pk}/"
    page = html(client.get(f"/accountability/notices/{draft.pk}/"))
    assert f"市委办通〔{YEAR}〕　号" in page
    client.post(
        f"/accountability/notices/{draft.pk}/edit/",
        {
            "title": "关于甲区迟报信息的通报",
            "issuing_office": "中共江城市委办公室",
            "recipients": "各区、县委办公室",
            "copy_to": "市纪委监委，市委督查室",
            "body": "甲区迟报化工厂仓库火灾信息。",
            "violations": [violation.pk],
        },
    )
    assert "抄送：市纪委监委，市委督查室。" in html(
        client.get(f"/accountability/notices/{draft.pk}/")
    )
    client.post(f"/accountability/notices/{draft.pk}/issue/", {"issued_on": DAY.isoformat()})
    draft.refresh_from_db()
    assert (draft.status, draft.doc_number, draft.title) == (
        NoticeStatus.ISSUED,
        f"市委办通〔{YEAR}〕1号",
        "关于甲区迟报信息的通报",
    )
    page = html(client.get(f"/accountability/notices/{draft.pk}/"))
    assert chinese_date(DAY) in page
    assert f"{chinese_date(DAY)}印发" in page  # the 版记's 印发 line


def test_units_see_the_issued_notices_that_name_them_only(
    client_of, chief, officer_a, officer_b, unit_a
):
    violation = confirmed(chief, unit_a)
    draft = notice_actions.do_draft_notice(chief, [violation.pk])
    assert client_of(officer_a).get(f"/accountability/notices/{draft.pk}/").status_code == 404
    notice_actions.do_issue_notice(chief, draft.pk, DAY)
    assert client_of(officer_a).get(f"/accountability/notices/{draft.pk}/").status_code == 200
    assert client_of(officer_b).get(f"/accountability/notices/{draft.pk}/").status_code == 404
    assert client_of(officer_b).get(f"/accountability/notices/{draft.pk}/docx/").status_code == 404
    assert f"/notices/{draft.pk}/" not in html(client_of(officer_b).get("/accountability/notices/"))


def test_a_notice_sent_to_all_is_readable_by_every_unit(client_of, chief, officer_b, unit_a):
    notice = city_notice(chief, [confirmed(chief, unit_a)], send_to_all=True)
    assert client_of(officer_b).get(f"/accountability/notices/{notice.pk}/").status_code == 200


def test_the_chief_records_a_provincial_notice_on_the_page(client_of, chief, unit_a, province):
    violation = confirmed(chief, unit_a)
    client = client_of(chief)
    form = html(client.get("/accountability/notices/province/"))
    assert 'value="省委办公厅"' in form
    client.post(
        "/accountability/notices/province/",
        {
            "doc_number": f"省委办通〔{YEAR}〕7号",
            "issued_on": (DAY - timedelta(days=7)).isoformat(),
            "issuing_office": "省委办公厅",
            "title": "关于部分市县迟报突发事件信息的通报",
            "body": "江城市甲区迟报。",
            "units": [unit_a.pk],
            "violations": [violation.pk],
        },
    )
    notice = CriticismNotice.objects.get()
    assert (notice.doc_number, list(notice.violations.all())) == (
        f"省委办通〔{YEAR}〕7号",
        [violation],
    )


def test_a_provincial_notice_cannot_link_another_units_violation(client_of, chief, unit_a, unit_b):
    of_b = confirmed(chief, unit_b)
    response = client_of(chief).post(
        "/accountability/notices/province/",
        {
            "doc_number": f"省委办通〔{YEAR}〕7号",
            "issued_on": (DAY - timedelta(days=7)).isoformat(),
            "issuing_office": "省委办公厅",
            "title": "通报",
            "body": "正文",
            "units": [unit_a.pk],
            "violations": [of_b.pk],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Every violation linked must be of one of the units named." in html(response)
    assert not CriticismNotice.objects.exists()


# --- eligibility --------------------------------------------------------------------------------


def test_the_section_table_lists_the_disqualified_first(client_of, chief, unit_a, unit_b):
    province_notice(chief, [confirmed(chief, unit_b)])
    page = html(client_of(chief).get(f"/accountability/eligibility/?year={YEAR}"))
    assert page.index("乙县委办公室") < page.index("甲区委办公室")


def test_a_unit_sees_its_verdict_and_the_notices_behind_it(client_of, chief, officer_a, unit_a):
    notice = province_notice(chief, [confirmed(chief, unit_a, summary="仓库火灾")])
    client = client_of(officer_a)
    assert client.get("/accountability/eligibility/")["Location"] == (
        f"/accountability/eligibility/{unit_a.pk}/"
    )
    page = html(client.get(f"/accountability/eligibility/{unit_a.pk}/?year={YEAR}"))
    assert notice.doc_number in page and "仓库火灾" in page
    assert "计入的通报：上级1次，本级0次。" in page and "上级通报 · " in page
    assert "/reinstate/" not in page


def test_the_rule_names_this_office_and_the_office_above(client_of, chief, hub, province):
    """Level-neutral: the names are the directory's (the hub's, the office one level up), on a
    province's instance as on a city's."""
    page = html(client_of(chief).get(f"/accountability/eligibility/?year={YEAR}"))
    assert f"规则：年度内被{province.name}通报1次或被{hub.name}通报2次的，取消评先资格" in page
    assert "<th>上级通报</th><th>本级通报</th>" in page


def test_without_an_office_above_the_rule_says_the_upper_level(client_of, chief):
    page = html(client_of(chief).get(f"/accountability/eligibility/?year={YEAR}"))
    assert "被上级办公厅（室）通报1次或被市委办公室通报2次" in page


def test_another_units_eligibility_is_not_found(client_of, officer_b, unit_a):
    assert client_of(officer_b).get(f"/accountability/eligibility/{unit_a.pk}/").status_code == 404


def test_the_chief_reinstates_on_the_page_with_a_reason(client_of, chief, unit_a):
    province_notice(chief, [confirmed(chief, unit_a)])
    client = client_of(chief)
    url = f"/accountability/eligibility/{unit_a.pk}/reinstate/"
    client.post(url, {"year": str(YEAR), "reason": ""})
    assert not eligibility(YEAR, [unit_a.pk])[unit_a.pk].eligible
    client.post(url, {"year": str(YEAR), "reason": "经研究恢复评先资格"})
    assert eligibility(YEAR, [unit_a.pk])[unit_a.pk].eligible


# --- the rule page ------------------------------------------------------------------------------


def test_the_editor_reads_the_rule_but_cannot_change_it(client_of, editor):
    client = client_of(editor)
    assert client.get("/accountability/policy/").status_code == 200
    response = client.post(
        "/accountability/policy/", {"form": "rule", "rule-provincial_notices": "3"}
    )
    assert response.status_code == 403


def test_the_chief_edits_the_rule_on_the_page(client_of, chief):
    client_of(chief).post(
        "/accountability/policy/",
        {
            "form": "rule",
            "rule-provincial_notices": "1",
            "rule-municipal_notices": "3",
            "rule-kinds": ["late", "missed"],
            "rule-serious_only": "on",
        },
    )
    rule = EligibilityRule.current()
    assert (rule.municipal_notices, rule.kinds, rule.important_only) == (
        3,
        ["late", "missed"],
        False,
    )
    assert AuditEntry.objects.filter(action="eligibility_rule_changed").count() == 1


# --- the engine's candidates page points here -----------------------------------------------------


def test_the_candidates_page_links_each_candidate_to_its_violation(
    client_of, chief, officer_a, head_a
):
    late_report(officer_a, head_a)
    violation = Violation.objects.get()
    page = html(client_of(chief).get("/emergencies/candidates/"))
    assert f"/accountability/violations/{violation.pk}/" in page
    actions.do_decide(chief, violation.pk, actions.Decision(rules.CONFIRM))
    assert f"/accountability/violations/{violation.pk}/" in html(
        client_of(chief).get("/emergencies/candidates/?status=confirmed")
    )


def test_compiling_lists_one_year_and_any_other_year_parameter_lists_all(client_of, chief, unit_a):
    """A year past what a date holds (27080130) or one written in superscripts (²) used to
    answer 500; the page lists every year instead."""
    confirmed(chief, unit_a, summary="化工厂仓库火灾")
    client = client_of(chief)
    assert "化工厂仓库火灾" in html(client.get(f"/accountability/notices/compile/?year={DAY.year}"))
    later = client.get(f"/accountability/notices/compile/?year={DAY.year + 1}")
    assert "化工厂仓库火灾" not in html(later)
    for year in ("27080130", "²", "-1", "①"):
        response = client.get(f"/accountability/notices/compile/?year={year}")
        assert response.status_code == 200
        assert "化工厂仓库火灾" in html(response)


# --- a form sent twice ---------------------------------------------------------------------------


def _token(page: str) -> str:
    found = re.search(r'name="form_token" value="([0-9a-f]{32})"', page)
    assert found, "the form carries no token"
    return found[1]


def test_an_explanation_sent_twice_from_one_form_is_filed_once(client_of, officer_a, head_a):
    late_report(officer_a, head_a)
    violation = Violation.objects.get()
    url = f"/accountability/violations/{violation.pk}/"
    client = client_of(head_a)
    data = {"form_token": _token(html(client.get(url))), "text": "审签人出差。"}
    responses = [client.post(f"{url}explain/", data) for _ in range(2)]
    assert [r["Location"] for r in responses] == [url, url]
    assert Explanation.objects.count() == 1


def test_a_violation_entered_twice_from_one_form_is_recorded_once(client_of, editor, unit_a):
    client = client_of(editor)
    token = _token(html(client.get("/accountability/violations/new/")))
    data = {
        "form_token": token,
        "unit": unit_a.pk,
        "kind": "false",
        "summary": "某镇报告伤亡人数不实",
        "occurred_on": f"{TODAY - timedelta(days=1):%Y-%m-%d}",
        "important": "on",
        "evidence": "现场核查伤亡人数与报告不符。",
    }
    first, again = (client.post("/accountability/violations/new/", data) for _ in range(2))
    violation = Violation.objects.get(entered_by=editor)
    assert first["Location"] == again["Location"] == f"/accountability/violations/{violation.pk}/"
