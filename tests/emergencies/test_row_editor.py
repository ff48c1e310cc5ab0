"""The deadline table's reminder points and escalation steps, edited as rows and read as
sentences: percentages and a role chosen from a list, never "0.5,0.9" or "0:duty_officer"."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from audit.models import AuditEntry
from deadlines import wording
from deadlines.fields import EscalationStepsField, ReminderPointsField
from deadlines.rules import EscalationStep
from emergencies.models import DeadlineRule
from tests.chinese_pages import read
from tests.emergencies.emergency_factories import open_by_phone
from tests.emergencies.test_emergency_views import accident, table_form

ROLES = ("duty_officer", "chief", "secretary_general")


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


def test_reminders_read_as_a_sentence(zh):
    assert wording.reminders("0.5,0.9") == "时限过去 50% 和 90% 时提醒"
    assert wording.reminders("0.9,0.3,0.5") == "时限过去 30%、50% 和 90% 时提醒"
    assert wording.reminders("0.75") == "时限过去 75% 时提醒"
    assert wording.reminders("") == "不提醒"


def test_escalation_reads_as_a_sentence(zh):
    steps = [
        {"after": 15, "role": "chief"},
        {"after": 0, "role": "duty_officer"},
        {"after": 30, "role": "secretary_general"},
    ]
    assert wording.escalation(steps) == (
        "超时 0 分钟：值班员；超时 15 分钟：科长；超时 30 分钟：秘书长"
    )
    assert wording.escalation([]) == "超时后不再通知他人"


def test_reminder_rows_clean_to_the_stored_fractions(zh):
    field = ReminderPointsField()
    assert field.clean(["90", "50", "", ""]) == "0.5,0.9"
    assert field.clean(["", "", "", ""]) == ""
    assert field.clean(["50", "50", "", ""]) == "0.5"
    for bad, message in (("150", "1% 至 99%"), ("0", "1% 至 99%"), ("半", "整数百分比")):
        with pytest.raises(ValidationError) as refused:
            field.clean([bad, "", "", ""])
        assert message in str(refused.value)


def test_step_rows_clean_to_the_stored_steps(zh):
    field = EscalationStepsField(ROLES, 7 * 24 * 60)
    rows = ["30", "secretary_general", "0", "duty_officer"] + ["", ""] * 3
    assert field.clean(rows) == [
        {"after": 0, "role": "duty_officer"},
        {"after": 30, "role": "secretary_general"},
    ]
    assert field.clean([""] * 10) == []
    for bad, message in (
        (["15", ""], "请选择超时 15 分钟后通知谁"),
        (["", "chief"], "请填写超时多少分钟后通知科长"),
        (["15", "mayor"], "请从列表中选择角色"),
        (["-1", "chief"], "不能为负数"),
        (["99999", "chief"], "七天内"),
    ):
        with pytest.raises(ValidationError) as refused:
            field.clean(bad + [""] * 8)
        assert message in str(refused.value), bad


def test_the_chief_edits_rows_and_sees_no_codes(client_of, chief):
    page = client_of(chief).get("/emergencies/policy/").content.decode()
    text, _links = read(page)
    assert "duty_officer" not in text and "0.5" not in text
    assert "值班员" in text and "秘书长" in text
    # Each rule shows its stored steps as rows: minutes in a number box, the role selected.
    rule = accident("3")
    first = rule.escalation[0]
    assert f'name="r{rule.pk}-escalation_0" value="{first["after"]}"' in page
    assert f'<option value="{first["role"]}" selected>' in page


def test_saving_the_table_unchanged_changes_nothing(client_of, chief):
    response = client_of(chief).post("/emergencies/policy/", table_form())
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="deadline_rule_changed").exists()


def test_a_changed_row_is_audited_in_the_stored_form(client_of, chief):
    before = accident("3").reminder_fractions
    client_of(chief).post(
        "/emergencies/policy/",
        table_form(**{"accident-3-reminder_fractions": ["25", "75"]}),
    )
    assert accident("3").reminder_fractions == "0.25,0.75"
    [entry] = AuditEntry.objects.filter(action="deadline_rule_changed")
    assert entry.data["before"]["reminder_fractions"] == before
    assert entry.data["after"]["reminder_fractions"] == "0.25,0.75"


def test_a_reader_sees_sentences(client_of, editor):
    text, _links = read(client_of(editor).get("/emergencies/policy/").content.decode())
    rule = DeadlineRule.objects.exclude(escalation=[]).first()
    assert rule is not None
    with translation.override("zh-hans"):
        assert wording.escalation(rule.escalation) in text
        assert wording.reminders(rule.reminder_fractions) in text
    assert "超时 0 分钟：值班员" in text


def test_the_engines_steps_read_alike(zh):
    steps = (EscalationStep(15, "chief"), EscalationStep(0, "duty_officer"))
    assert wording.escalation(steps) == "超时 0 分钟：值班员；超时 15 分钟：科长"
    assert wording.reminders((0.9, 0.5)) == "时限过去 50% 和 90% 时提醒"


def test_the_incident_page_names_its_reminders_and_escalation(
    client_of, duty_officer, editor, officer_a
):
    fire = open_by_phone(duty_officer, officer_a.unit, timezone.now())
    text, _links = read(client_of(editor).get(f"/emergencies/{fire.pk}/").content.decode())
    assert "时限过去" in text and "超时 0 分钟：值班员" in text
