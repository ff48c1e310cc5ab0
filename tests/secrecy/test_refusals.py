"""Anything marked above the deployment's ceiling is refused with the rule quoted and nothing
written: an item written or edited, a bulletin issue, a criticism notice; the forms offer only
the levels up to the ceiling, and a crafted post is refused all the same.

Ground truth: the words of 《中华人民共和国保守国家秘密法》 (2024) art. 30, typed in by hand."""

import re

import pytest
from django.urls import reverse

from accountability import actions_notices
from accountability.models import CriticismNotice
from audit.models import AuditEntry
from bulletins.models import Issue
from org.models import SecrecyPolicy
from submissions.models import InfoItem, ItemState
from tests.accountability.accountability_helpers import confirmed
from tests.bulletins.bulletin_helpers import draft
from tests.clock import TODAY
from tests.factories import BODY, make_item

pytestmark = pytest.mark.django_db

LAW = "保守国家秘密法"
ARTICLE = "第三十条"
RULE_WORDS = "存储、处理国家秘密的计算机信息系统（以下简称涉密信息系统）按照涉密程度实行分级保护"


def says_the_rule(text: str) -> bool:
    return LAW in text and ARTICLE in text and RULE_WORDS in text


def offered(page: str) -> list[str]:
    """The values of the secrecy select as the page renders it."""
    select = re.search(r'<select name="secrecy"[^>]*>(.*?)</select>', page, re.S)
    assert select, "no secrecy select on the page"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def item_post(**overrides):
    return {"title": "某区部署汛期安全生产隐患排查", "kind": "news", "body": BODY, **overrides}


# --- items ------------------------------------------------------------------------------------


def test_the_item_form_offers_only_public_and_internal(client_of, officer_a):
    page = client_of(officer_a).get(reverse("submissions:create")).content.decode()
    assert offered(page) == ["public", "internal"]


def test_an_internal_item_is_stored(client_of, officer_a):
    client_of(officer_a).post(reverse("submissions:create"), item_post(secrecy="internal"))
    assert InfoItem.objects.get().secrecy == "internal"


def test_an_item_without_a_level_is_public(client_of, officer_a):
    client_of(officer_a).post(reverse("submissions:create"), item_post())
    assert InfoItem.objects.get().secrecy == "public"


@pytest.mark.parametrize("level", ["mimi", "jimi", "juemi"])
def test_a_crafted_post_of_a_state_secret_is_refused_with_the_rule(client_of, officer_a, level):
    response = client_of(officer_a).post(
        reverse("submissions:create"), item_post(secrecy=level, submit="1")
    )
    assert response.status_code == 200
    assert says_the_rule(response.content.decode())
    assert InfoItem.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="item_").exists()


def test_revising_an_item_above_the_ceiling_is_refused(client_of, officer_a):
    item = make_item(officer_a)
    url = reverse("submissions:revise", args=[item.pk])
    response = client_of(officer_a).post(url, item_post(title="新标题", secrecy="jimi"))
    assert says_the_rule(response.content.decode())
    item.refresh_from_db()
    assert (item.title, item.secrecy) == ("某区部署汛期安全生产隐患排查", "public")


def test_the_editor_marks_an_item_internal_and_it_is_audited(client_of, officer_a, editor):
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)
    url = reverse("submissions:edit", args=[item.pk])
    page = client_of(editor).get(url).content.decode()
    assert offered(page) == ["public", "internal"]
    data = {"title": item.title, "body": item.body, "secrecy": "internal"}
    assert client_of(editor).post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.secrecy == "internal"
    entry = AuditEntry.objects.get(action="item_secrecy_set")
    assert entry.data == {"from": "public", "to": "internal"}


def test_the_editor_cannot_mark_an_item_secret(client_of, officer_a, editor):
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)
    url = reverse("submissions:edit", args=[item.pk])
    data = {"title": "改过的标题", "body": item.body, "secrecy": "mimi"}
    response = client_of(editor).post(url, data)
    assert response.status_code == 200
    assert says_the_rule(response.content.decode())
    item.refresh_from_db()
    assert (item.title, item.secrecy, item.revision_count) == (
        "某区部署汛期安全生产隐患排查",
        "public",
        1,
    )


def test_a_raised_ceiling_lets_a_state_secret_in(client_of, officer_a):
    SecrecyPolicy.objects.update_or_create(pk=1, defaults={"ceiling": "mimi"})
    page = client_of(officer_a).get(reverse("submissions:create")).content.decode()
    assert offered(page) == ["public", "internal", "mimi"]
    client_of(officer_a).post(reverse("submissions:create"), item_post(secrecy="mimi"))
    assert InfoItem.objects.get().secrecy == "mimi"


# --- bulletin issues --------------------------------------------------------------------------


@pytest.fixture
def issue(editor, city_daily):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    return draft(editor, city_daily, [], TODAY)


def test_an_issue_page_offers_only_levels_up_to_the_ceiling(client_of, editor, issue):
    page = client_of(editor).get(reverse("bulletins:issue", args=[issue.pk])).content.decode()
    assert offered(page) == ["public", "internal"]


def test_an_issue_is_marked_internal_and_it_is_audited(client_of, editor, issue):
    url = reverse("bulletins:issue_secrecy", args=[issue.pk])
    client_of(editor).post(url, {"secrecy": "internal"})
    issue.refresh_from_db()
    assert issue.secrecy == "internal"
    assert AuditEntry.objects.get(action="issue_secrecy_set").data == {
        "from": "public",
        "to": "internal",
    }


def test_a_crafted_post_marking_an_issue_secret_is_refused(client_of, editor, issue):
    url = reverse("bulletins:issue_secrecy", args=[issue.pk])
    response = client_of(editor).post(url, {"secrecy": "juemi"}, follow=True)
    assert says_the_rule(response.content.decode())
    issue.refresh_from_db()
    assert issue.secrecy == "public"
    assert not AuditEntry.objects.filter(action="issue_secrecy_set").exists()


# --- criticism notices ------------------------------------------------------------------------


@pytest.fixture
def notice(chief, unit_a):
    violation = confirmed(chief, unit_a)
    return actions_notices.do_draft_notice(chief, [violation.pk], today=TODAY)


def test_a_draft_notice_offers_only_levels_up_to_the_ceiling(client_of, chief, notice):
    url = reverse("accountability:notice", args=[notice.pk])
    assert offered(client_of(chief).get(url).content.decode()) == ["public", "internal"]


def test_a_notice_is_marked_internal(client_of, chief, notice):
    url = reverse("accountability:notice_secrecy", args=[notice.pk])
    client_of(chief).post(url, {"secrecy": "internal"})
    notice.refresh_from_db()
    assert notice.secrecy == "internal"
    assert AuditEntry.objects.filter(action="notice_secrecy_set").count() == 1


def test_a_crafted_post_marking_a_notice_secret_is_refused(client_of, chief, notice):
    url = reverse("accountability:notice_secrecy", args=[notice.pk])
    response = client_of(chief).post(url, {"secrecy": "jimi"}, follow=True)
    assert says_the_rule(response.content.decode())
    notice.refresh_from_db()
    assert notice.secrecy == "public"
    assert not AuditEntry.objects.filter(action="notice_secrecy_set").exists()


def test_an_issued_notice_keeps_its_mark(client_of, chief, notice):
    actions_notices.do_issue_notice(chief, notice.pk, TODAY)
    url = reverse("accountability:notice_secrecy", args=[notice.pk])
    client_of(chief).post(url, {"secrecy": "internal"})
    assert CriticismNotice.objects.get(pk=notice.pk).secrecy == "public"


# --- 《每日要情》 ---------------------------------------------------------------------------------


def test_an_issue_starts_at_its_publications_default(editor, city_daily):
    city_daily.compiled_here = True
    city_daily.default_secrecy = "internal"
    city_daily.save()
    assert draft(editor, city_daily, [], TODAY).secrecy == "internal"


def test_a_default_above_the_ceiling_refuses_a_new_issue(editor, city_daily):
    from xinbao.core.errors import ActionError

    city_daily.compiled_here = True
    city_daily.default_secrecy = "mimi"
    city_daily.save()
    with pytest.raises(ActionError) as refused:
        draft(editor, city_daily, [], TODAY)
    assert says_the_rule(str(refused.value))
    assert not Issue.objects.exists()


def test_the_demo_daily_defaults_to_internal():
    from xinbao.demo.directory import PUBLICATIONS

    defaults = {p.name: p.default_secrecy for p in PUBLICATIONS}
    assert defaults["每日要情"] == "internal"
    assert {v for k, v in defaults.items() if k != "每日要情"} == {"public"}


def test_the_admin_refuses_a_publication_default_above_the_ceiling(city_daily):
    from django.forms.models import model_to_dict

    from bulletins.admin import PublicationForm

    def posted(level: str) -> dict:
        data = {k: v for k, v in model_to_dict(city_daily).items() if v is not None}
        data["readers"] = [u.pk for u in data.get("readers", [])]
        return {**data, "default_secrecy": level}

    form = PublicationForm(posted("jimi"), instance=city_daily)
    assert not form.is_valid()
    assert says_the_rule(" ".join(form.errors["default_secrecy"]))
    ok = PublicationForm(posted("internal"), instance=city_daily)
    assert ok.is_valid(), ok.errors
