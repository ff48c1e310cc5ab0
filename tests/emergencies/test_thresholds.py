"""Level thresholds as published, per category, and the sensitive-events rule (issue 14).

Ground truth is the published text, written out here: Decree 493 (《生产安全事故报告和调查处理
条例》, 国务院令第493号) art. 3 grades production-safety accidents — 特别重大 30 deaths / 100
seriously injured / ¥100M (10000 万元); 重大 10 / 50 / 5000万; 较大 3 / 10 / 1000万; 一般 below;
"以上" includes the number itself. Missing persons count with the dead (死亡（含失踪）). The
deadlines a sensitive incident gets are the seeded Ⅰ/Ⅱ row's (phone 15 min, written 35 min, from
the provincial notice the seed follows), computed here by hand from the clock start."""

from decimal import Decimal

import pytest

from audit.models import AuditEntry
from deadlines.models import ExpectStatus
from emergencies import actions_grading, policy, rules
from emergencies.actions import ActionError
from emergencies.models import Category, ExpectKind, LevelThreshold, SensitivePolicy
from tests.clock import TODAY
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import hours, minutes, open_by_phone, row

AT = shanghai(TODAY, "09:00")
THRESHOLDS = "/emergencies/policy/thresholds/"

# Decree 493 art. 3, as published: (level, deaths, seriously injured, direct loss in 万元).
DECREE_493 = [
    rules.Threshold("1", 30, 100, Decimal("10000")),
    rules.Threshold("2", 10, 50, Decimal("5000")),
    rules.Threshold("3", 3, 10, Decimal("1000")),
    rules.Threshold("4", 1, 1, Decimal("0.01")),
]


@pytest.mark.parametrize(
    ("deaths", "missing", "serious", "loss", "level"),
    [
        (3, None, None, None, "3"),  # exactly 3 deaths: 较大 ("以上"包括本数)
        (2, None, None, None, "4"),
        (2, 1, None, None, "3"),  # 2 dead and 1 missing: 3 deaths (含失踪)
        (None, 3, None, None, "3"),
        (29, None, None, None, "2"),
        (30, None, None, None, "1"),
        (29, 1, None, None, "1"),
        (9, 0, 49, Decimal("4999.99"), "3"),
        (10, None, None, None, "2"),
        (0, 0, 100, None, "1"),
        (0, 0, 99, None, "2"),
        (0, 0, 10, None, "3"),
        (0, 0, 9, None, "4"),
        (None, None, None, Decimal("10000"), "1"),
        (None, None, None, Decimal("9999.99"), "2"),
        (None, None, None, Decimal("1000"), "3"),
        (None, None, None, Decimal("999.99"), "4"),
        (0, 0, 0, Decimal(0), None),
        (None, None, None, None, None),
    ],
)
def test_decree_493_grades_by_the_gravest_figure_counting_the_missing(
    deaths, missing, serious, loss, level
):
    assert rules.suggest_level(DECREE_493, deaths, serious, loss, missing=missing) == level


def test_without_thresholds_no_level_is_suggested():
    assert rules.suggest_level([], 50, 200, Decimal("50000"), missing=10) is None


def test_the_seeded_thresholds_are_decree_493s_for_accidents_only(db):
    rows = LevelThreshold.objects.order_by("level")
    assert [(t.category, t.level, t.deaths, t.serious_injuries, t.loss_10k_yuan) for t in rows] == [
        ("accident", "1", 30, 100, Decimal("10000")),
        ("accident", "2", 10, 50, Decimal("5000")),
        ("accident", "3", 3, 10, Decimal("1000")),
        ("accident", "4", 1, 1, Decimal("0.01")),
    ]
    assert all(t.source.startswith("国务院令第493号 第三条") for t in rows)
    for category in (Category.NATURAL, Category.HEALTH, Category.SOCIAL):
        assert policy.thresholds(category) == []


# --- the incident page ----------------------------------------------------------------------


def picture_of(incident, client):
    return client.get(f"/emergencies/{incident.pk}/").content.decode()


def test_two_dead_and_one_missing_suggest_level_iii(office, client_of):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, AT, level="4")
    incident.reports.update(deaths=2, missing=1)
    page = picture_of(incident, client_of(office["chief"]))
    assert "据报告的数字，建议定为Ⅲ级（较大）" in page


def test_a_category_without_thresholds_gets_no_suggestion_and_says_why(office, client_of):
    incident = open_by_phone(
        office["duty"], office["officer_a"].unit, AT, level="4", category=Category.NATURAL
    )
    incident.reports.update(deaths=50)
    page = picture_of(incident, client_of(office["chief"]))
    assert "建议定为" not in page
    assert "本类别无公布的分级标准" in page


# --- editing the thresholds -----------------------------------------------------------------


def threshold_form(**changes) -> dict:
    """The thresholds page as posted, with `changes` keyed "level-field" (accident rows)."""
    data = {}
    for t in LevelThreshold.objects.all():
        for name in ("deaths", "serious_injuries", "loss_10k_yuan", "source"):
            value = changes.get(f"{t.level}-{name}", getattr(t, name))
            data[f"t{t.pk}-{name}"] = str(value)
    return data


def accident(level: str) -> LevelThreshold:
    return LevelThreshold.objects.get(category=Category.ACCIDENT, level=level)


def test_the_chief_edits_a_threshold_with_an_audit_entry(client_of, chief):
    response = client_of(chief).post(THRESHOLDS, threshold_form(**{"3-deaths": 4}))
    assert response.status_code == 302
    assert accident("3").deaths == 4
    [entry] = AuditEntry.objects.filter(action="level_threshold_changed")
    assert entry.actor == chief
    assert (entry.data["before"]["deaths"], entry.data["after"]["deaths"]) == (3, 4)


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ({"3-deaths": 0}, "至少为1人"),
        ({"3-deaths": "三"}, "请输入整数人数"),
        ({"3-loss_10k_yuan": "-1"}, "至少为0.01万元"),
        ({"3-loss_10k_yuan": "abc"}, "请输入以万元计的金额"),
        ({"3-deaths": 11}, "较高等级的标准不得低于较低等级"),  # Ⅲ above Ⅱ's 10
    ],
    ids=["zero", "not-a-number", "negative-loss", "loss-not-a-number", "out-of-order"],
)
def test_a_bad_threshold_saves_nothing_and_says_why_in_chinese(client_of, chief, bad, says):
    response = client_of(chief).post(
        THRESHOLDS, threshold_form(**{"2-serious_injuries": 60}, **bad), follow=True
    )
    assert response.status_code == 200
    assert says in response.content.decode()
    assert accident("2").serious_injuries == 50
    assert accident("3").deaths == 3
    assert not AuditEntry.objects.filter(action="level_threshold_changed").exists()


def test_an_editor_reads_the_thresholds_but_may_not_edit_them(client_of, editor):
    page = client_of(editor).get(THRESHOLDS)
    assert page.status_code == 200
    assert "国务院令第493号 第三条" in page.content.decode()
    assert client_of(editor).post(THRESHOLDS, threshold_form(**{"3-deaths": 4})).status_code == 403
    with pytest.raises(ActionError):
        actions_grading.do_save_thresholds(editor, {accident("3").pk: {"deaths": 4}})
    assert accident("3").deaths == 3


def test_the_deadline_table_names_the_sources_of_its_seeded_rows(client_of, editor):
    page = client_of(editor).get("/emergencies/policy/").content.decode()
    assert "河南省应急管理厅2019年通知" in page
    assert "国务院应急管理办公室2015年通知" in page


# --- sensitive incidents --------------------------------------------------------------------


def test_a_sensitive_ordinary_incident_is_held_to_the_strictest_row(office, client_of):
    incident = open_by_phone(
        office["duty"], office["officer_a"].unit, AT, level="4", sensitive=True
    )
    # The seeded Ⅰ row (the strictest): written 35 minutes, phone 15, from the clock start.
    assert row(incident).due_at == AT + minutes(35)
    page = picture_of(incident, client_of(office["chief"]))
    assert "敏感事件：按最严格时限" in page


def test_an_ordinary_incident_not_sensitive_keeps_its_levels_row(office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, AT, level="4")
    assert row(incident).due_at == AT + hours(6)


def test_turning_the_rule_off_restores_the_levels_row_for_open_sensitive_incidents(office):
    incident = open_by_phone(
        office["duty"], office["officer_a"].unit, AT, level="4", sensitive=True
    )
    assert row(incident).due_at == AT + minutes(35)
    actions_grading.do_set_sensitive_policy(office["chief"], False, now=AT + minutes(5))
    assert row(incident).due_at == AT + hours(6)  # the seeded Ⅳ row: written within 6 hours
    [entry] = AuditEntry.objects.filter(action="sensitive_policy_changed")
    assert entry.data == {
        "before": {"strictest_when_sensitive": True},
        "after": {"strictest_when_sensitive": False},
    }
    later = open_by_phone(
        office["duty"], office["officer_a"].unit, AT + hours(1), level="4", sensitive=True
    )
    assert row(later).due_at == AT + hours(1) + hours(6)


def test_only_the_chief_turns_the_rule(office, client_of):
    with pytest.raises(ActionError):
        actions_grading.do_set_sensitive_policy(office["editor"], False)
    assert client_of(office["editor"]).post("/emergencies/policy/sensitive/").status_code == 403
    assert SensitivePolicy.current().strictest_when_sensitive is True


def test_marking_an_open_incident_sensitive_re_times_it_like_a_level_change(office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, AT, level="4")
    with pytest.raises(ActionError):
        actions_grading.do_set_sensitive(office["officer_a"], incident.pk, True, "舆情关注")
    actions_grading.do_set_sensitive(
        office["chief"], incident.pk, True, "社会舆论广泛关注", now=AT + minutes(5)
    )
    assert row(incident).due_at == AT + minutes(35)
    [entry] = AuditEntry.objects.filter(action="incident_sensitive_changed")
    assert entry.data == {"old": False, "new": True, "reason": "社会舆论广泛关注"}
    actions_grading.do_set_sensitive(
        office["chief"], incident.pk, False, "经核实不属敏感", now=AT + minutes(6)
    )
    assert row(incident).due_at == AT + hours(6)


def test_a_refused_sensitive_mark_needs_a_reason(office):
    incident = open_by_phone(office["duty"], office["officer_a"].unit, AT, level="4")
    with pytest.raises(ActionError):
        actions_grading.do_set_sensitive(office["chief"], incident.pk, True, "  ")
    assert row(incident).due_at == AT + hours(6)
    assert row(incident).status == ExpectStatus.OPEN
    assert not incident.expected.filter(kind=ExpectKind.PHONE).exists()
