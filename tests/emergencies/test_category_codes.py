"""GB/T 35561 category codes as data: the seeded table, the class agreement rule (a table of
cases), the refusal in the action and the form, and the code on the incident page and board."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEntry
from emergencies import actions, rules
from emergencies.forms import category_code_choices
from emergencies.models import CategoryCode, Incident, IncidentReport
from tests.emergencies.emergency_factories import content, facts, minutes, open_by_phone
from tests.emergencies.test_emergency_views import NEW, phone_form

pytestmark = pytest.mark.django_db

# The classes and sub-categories as the public descriptions name them, written out by hand.
EXPECTED = {
    "自然灾害": {
        "水旱灾害",
        "气象灾害",
        "地震灾害",
        "地质灾害",
        "海洋灾害",
        "生物灾害",
        "森林草原火灾",
    },
    "事故灾难": {
        "工矿商贸等企业的各类安全事故",
        "交通运输事故",
        "公共设施和设备事故",
        "环境污染和生态破坏事件",
    },
    "公共卫生事件": {
        "传染病疫情",
        "群体性不明原因疾病",
        "食品安全和职业危害",
        "动物疫情",
        "其他严重影响公众健康和生命安全的事件",
    },
    "社会安全事件": {"恐怖袭击事件", "经济安全事件", "涉外突发事件", "群体性事件", "刑事案件"},
}
CLASS_OF = {
    "自然灾害": "natural",
    "事故灾难": "accident",
    "公共卫生事件": "health",
    "社会安全事件": "social",
}


@pytest.mark.parametrize(
    ("category", "code_class", "disagrees"),
    [
        ("accident", None, False),  # no code chosen yet
        ("accident", "accident", False),
        ("natural", "natural", False),
        ("health", "health", False),
        ("social", "social", False),
        ("natural", "accident", True),
        ("accident", "natural", True),
        ("health", "social", True),
        ("social", "health", True),
        ("", "accident", True),
    ],
)
def test_the_class_agreement_rule(category, code_class, disagrees):
    assert rules.code_disagrees(category, code_class) is disagrees


def test_the_seeded_table_has_the_four_classes_and_their_sub_categories():
    roots = CategoryCode.objects.filter(parent=None)
    assert {r.name: r.category for r in roots} == CLASS_OF
    for root in roots:
        children = CategoryCode.objects.filter(parent=root)
        assert {c.name for c in children} == EXPECTED[root.name]
        assert {c.category for c in children} == {root.category}
    # Every number is this system's reading, not checked against the standard's text.
    assert not CategoryCode.objects.filter(verified=True).exists()


def test_the_seed_runs_again_without_adding_or_overwriting():
    from importlib import import_module

    from django.apps import apps

    CategoryCode.objects.filter(code="11000").update(name="水旱灾害（已更正）")
    before = CategoryCode.objects.count()
    import_module("emergencies.migrations.0013_category_codes").seed(apps, None)
    assert CategoryCode.objects.count() == before
    assert CategoryCode.objects.get(code="11000").name == "水旱灾害（已更正）"


def test_the_action_links_the_code_and_audits_it(duty_officer, officer_a):
    at = timezone.now()
    incident = open_by_phone(duty_officer, officer_a.unit, at, category_code="22000")
    assert incident.category_code.name == "交通运输事故"
    entry = AuditEntry.objects.get(action="incident_opened")
    assert entry.data["category_code"] == "22000"


@pytest.mark.parametrize(
    ("category", "code", "message"),
    [
        ("natural", "22000", "代码22000（交通运输事故）属于事故灾难，不属于自然灾害"),
        ("social", "31000", "代码31000（传染病疫情）属于公共卫生事件，不属于社会安全事件"),
        ("accident", "99999", "分类代码99999不存在"),
    ],
)
def test_the_action_refuses_a_code_of_another_class_in_chinese(
    duty_officer, officer_a, category, code, message
):
    at = timezone.now()
    level = "" if category == "social" else "2"
    with translation.override("zh-hans"), pytest.raises(actions.ActionError) as refused:
        actions.do_open_incident(
            duty_officer,
            facts(officer_a.unit, at, category=category, category_code=code, level=level),
            content(),
            actions.PhoneCall("张三", "13800000000", at),
            now=at,
        )
    assert message in str(refused.value)
    assert not Incident.objects.exists()
    assert not IncidentReport.objects.exists()


def test_the_form_groups_the_codes_under_their_class(client_of, duty_officer):
    with translation.override("zh-hans"):
        groups = category_code_choices()[1:]
        assert [label for label, _rows in groups] == [
            "自然灾害",
            "事故灾难",
            "公共卫生事件",
            "社会安全事件",
        ]
    page = client_of(duty_officer).get(NEW).content.decode()
    assert '<optgroup label="事故灾难">' in page
    assert '<option value="22000">22000 交通运输事故</option>' in page


def test_the_form_saves_the_code_and_the_page_and_board_show_it(client_of, duty_officer, officer_a):
    client = client_of(duty_officer)
    response = client.post(NEW, phone_form(officer_a.unit, category_code="21000"))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.category_code.code == "21000"
    page = client.get(reverse("emergencies:detail", args=[incident.pk])).content.decode()
    assert "21000 工矿商贸等企业的各类安全事故" in page
    board = client.get(reverse("emergencies:board")).content.decode()
    assert "21000" in board


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": "natural", "category_code": "21000"}, "属于事故灾难，不属于自然灾害"),
        ({"category_code": "99999"}, "请从列表中选择代码"),
        ({"category_code": "1'0"}, "请从列表中选择代码"),
    ],
)
def test_the_form_refuses_a_wrong_code_and_writes_nothing(
    client_of, duty_officer, officer_a, overrides, message
):
    response = client_of(duty_officer).post(NEW, phone_form(officer_a.unit, **overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["category_code"])
    assert not Incident.objects.exists()


def test_an_incident_without_a_code_says_so(client_of, duty_officer, officer_a):
    incident = open_by_phone(duty_officer, officer_a.unit, timezone.now() - minutes(5))
    page = client_of(duty_officer).get(reverse("emergencies:detail", args=[incident.pk]))
    assert "暂未确定" in page.content.decode()


# --- set or corrected later, by the section ----------------------------------------------------


def code_url(incident) -> str:
    return reverse("emergencies:category_code", args=[incident.pk])


def test_the_section_sets_the_code_later_audited(client_of, editor, duty_officer, officer_a):
    incident = open_by_phone(duty_officer, officer_a.unit, timezone.now() - minutes(5))
    page = client_of(editor).get(reverse("emergencies:detail", args=[incident.pk]))
    form = page.content.decode()
    assert 'value="22000"' in form and 'value="11000"' not in form  # its own class only
    response = client_of(editor).post(code_url(incident), {"category_code": "22000"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.category_code.code == "22000"
    entry = AuditEntry.objects.get(action="incident_code_set")
    assert entry.data == {"old": "", "new": "22000"}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("11000", "请从列表中选择代码"),  # another class's code is not even offered
        ("", "请从列表中选择代码"),
        ("22000x", "请从列表中选择代码"),
    ],
)
def test_a_wrong_later_code_is_refused_and_nothing_changes(
    client_of, editor, duty_officer, officer_a, code, message
):
    incident = open_by_phone(duty_officer, officer_a.unit, timezone.now() - minutes(5))
    client = client_of(editor)
    response = client.post(code_url(incident), {"category_code": code}, follow=True)
    assert message in response.content.decode()
    incident.refresh_from_db()
    assert incident.category_code is None
    assert not AuditEntry.objects.filter(action="incident_code_set").exists()


def test_the_action_refuses_another_class_and_the_same_code(editor, duty_officer, officer_a):
    from emergencies import actions_grading

    incident = open_by_phone(duty_officer, officer_a.unit, timezone.now(), category_code="22000")
    with translation.override("zh-hans"):
        with pytest.raises(actions.ActionError, match="属于自然灾害，不属于事故灾难"):
            actions_grading.do_set_category_code(editor, incident.pk, "11000")
        with pytest.raises(actions.ActionError, match="已是这个分类代码"):
            actions_grading.do_set_category_code(editor, incident.pk, "22000")
        with pytest.raises(actions.ActionError, match="只有信息科"):
            actions_grading.do_set_category_code(officer_a, incident.pk, "21000")
    incident.refresh_from_db()
    assert incident.category_code.code == "22000"
