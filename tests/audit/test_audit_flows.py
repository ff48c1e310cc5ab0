"""What a realistic working day leaves in the log: every step of an item and of an incident,
in order, pointing at objects — and not one word of what was reported."""

import json

import pytest

from accountability import actions as accountability
from accountability import actions_notices as notices
from accountability import rules as accountability_rules
from audit.models import AuditEntry
from bulletins.actions import do_adopt
from emergencies.models import ReportKind
from insight.actions import do_mark_typical
from submissions import actions
from submissions.models import ItemEvent, TypicalCase, Verification
from submissions.rules import Action
from tests.accountability.accountability_helpers import pending
from tests.clock import TODAY
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import add_written, minutes, open_in_writing, sign_off
from tests.factories import content

pytestmark = pytest.mark.django_db

AT = shanghai(TODAY, "10:00")

# Every piece of text a person typed in the flows below. None may reach the log.
TITLE, BODY = "城南区暴雨致三处积水点排查", "城南区连夜排查积水点三处，转移群众十二人。"
EDITED_TITLE, EDITED_BODY = "城南区暴雨积水点排查处置", "城南区排查积水点三处。"
REFUSAL, RETURN_REASON, DISPUTE = "请补充转移人数来源", "数字与区应急局口径不一致", "人数存疑"
ADOPT_NOTE, TYPICAL_NOTE = "头条刊用", "排查细致可推广"
INCIDENT_TITLE, PLACE = "城南区化工仓库火灾", "城南区经开区仓库"
WAIVE_REASON, NOTICE_TITLE = "系统故障所致经核实免责", "关于城南区迟报情况的通报改稿"
CONTENT = [
    TITLE,
    BODY,
    EDITED_TITLE,
    EDITED_BODY,
    REFUSAL,
    RETURN_REASON,
    DISPUTE,
    ADOPT_NOTE,
    TYPICAL_NOTE,
    INCIDENT_TITLE,
    PLACE,
    WAIVE_REASON,
    NOTICE_TITLE,
    "某化工厂仓库火灾",
    "值班记录显示书面报告晚于规定时限报送",
    "明火已扑灭",
    "周边群众已疏散",
]


def actions_on(target: str) -> list[str]:
    return list(
        AuditEntry.objects.filter(target=target).order_by("seq").values_list("action", flat=True)
    )


def item_loop(officer_a, head_a, editor, city_daily):
    item = actions.do_create_item(officer_a, content(title=TITLE, body=BODY))
    actions.do_transition(officer_a, item.pk, Action.SUBMIT)
    actions.do_transition(head_a, item.pk, Action.REFUSE, REFUSAL)
    actions.do_revise(officer_a, item.pk, content(title=TITLE, body=BODY + "（补充）"))
    actions.do_transition(officer_a, item.pk, Action.SUBMIT)
    actions.do_transition(head_a, item.pk, Action.SIGN_OFF)
    actions.do_transition(editor, item.pk, Action.START_REVIEW)
    actions.do_transition(editor, item.pk, Action.RETURN, RETURN_REASON)
    actions.do_transition(officer_a, item.pk, Action.SUBMIT)
    actions.do_transition(head_a, item.pk, Action.SIGN_OFF)
    actions.do_edit(editor, item.pk, EDITED_TITLE, EDITED_BODY, "改标题")
    actions.do_verify(editor, item.pk, Verification.DISPUTED, DISPUTE)
    do_adopt(editor, item.pk, city_daily, TODAY, ADOPT_NOTE)
    do_mark_typical(editor, item.pk, TypicalCase.GOOD, TYPICAL_NOTE)
    filed = actions.do_create_item(officer_a, content(title=TITLE + "二"), submit=True)
    actions.do_transition(head_a, filed.pk, Action.SIGN_OFF)
    actions.do_transition(editor, filed.pk, Action.FILE)
    return item, filed


def test_a_full_item_loop_is_audited_step_by_step(officer_a, head_a, editor, city_daily):
    item, filed = item_loop(officer_a, head_a, editor, city_daily)
    assert actions_on(f"item:{item.pk}") == [
        "item_created",
        "item_submitted",
        "item_signoff_refused",
        "item_revised",
        "item_submitted",
        "item_signed_off",
        "item_review_started",
        "item_returned",
        "item_submitted",
        "item_signed_off",
        "item_edited",
        "item_disputed",
        "item_adopted",
        "adoption_recorded",
        "item_typical",
    ]
    assert actions_on(f"item:{filed.pk}") == [
        "item_created",
        "item_submitted",
        "item_signed_off",
        "item_filed",
    ]
    steps = AuditEntry.objects.filter(target=f"item:{item.pk}").order_by("seq")
    assert [(e.data.get("from"), e.data.get("to")) for e in steps[:3]] == [
        ("", "draft"),
        ("draft", "awaiting_signoff"),
        ("awaiting_signoff", "returned"),
    ]
    assert [e.actor for e in steps[:3]] == [officer_a, officer_a, head_a]


def test_an_incident_is_audited_from_first_report_to_close(officer_a, head_a):
    report = open_in_writing(officer_a, AT, title=INCIDENT_TITLE, place=PLACE)
    sign_off(head_a, report, AT + minutes(20))
    add_written(officer_a, head_a, report.incident, ReportKind.FOLLOWUP, AT + minutes(90))
    add_written(officer_a, head_a, report.incident, ReportKind.FINAL, AT + minutes(200))
    assert actions_on(f"incident:{report.incident_id}") == [
        "incident_report_filed",
        "incident_opened",
        "incident_report_signed_off",
        "incident_report_filed",
        "incident_report_signed_off",
        "incident_report_filed",
        "incident_closed",
        "incident_report_signed_off",
    ]


def test_no_reported_content_reaches_the_log(officer_a, head_a, editor, chief, city_daily):
    item_loop(officer_a, head_a, editor, city_daily)
    report = open_in_writing(officer_a, AT, title=INCIDENT_TITLE, place=PLACE)
    sign_off(head_a, report, AT + minutes(20))
    waived = pending(officer_a.unit)
    accountability.do_decide(
        chief, waived.pk, accountability.Decision(accountability_rules.WAIVE, WAIVE_REASON)
    )
    kept = pending(officer_a.unit)
    accountability.do_decide(chief, kept.pk, accountability.Decision(accountability_rules.CONFIRM))
    draft = notices.do_draft_notice(chief, [kept.pk])
    notices.do_edit_notice(
        chief,
        draft.pk,
        notices.NoticeText(
            title=NOTICE_TITLE,
            body=draft.body + "整改。",
            issuing_office=draft.issuing_office,
            recipients=draft.recipients,
            send_to_all=False,
            violation_ids=[kept.pk],
        ),
    )
    notices.do_discard_notice(chief, draft.pk)
    written = [json.dumps([e.target, e.data], ensure_ascii=False) for e in AuditEntry.objects.all()]
    assert len(written) > 20
    # The texts were really written — into the records the log points at.
    waived.refresh_from_db()
    assert waived.decision_reason == WAIVE_REASON
    assert ItemEvent.objects.filter(comment=REFUSAL).exists()
    leaks = [(text, line) for line in written for text in CONTENT if text in line]
    assert leaks == []
