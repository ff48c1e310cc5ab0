"""Recording an adoption by hand on the item's page (登记采用): nothing chosen for the editor,
the city's publications first, a provincial or central one only for an item forwarded upward
and with its issue's number and date — refused in the action as in the form, writing nothing."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from bulletins import actions
from bulletins.models import Adoption
from scoring.actions import rebuild
from scoring.models import ScoreEntry
from submissions.models import InfoItem, ItemEvent, ItemState
from tests.factories import forward, make_item, make_publication

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(officer_a, head_a, editor):
    return make_item(officer_a, ItemState.UNDER_REVIEW, head=head_a, editor=editor)


@pytest.fixture
def central(db):
    return make_publication("central", code="zb", name="中办每日汇报", sort_order=1)


def written(item):
    """Everything an adoption writes: rows, the item's state and history, the audit log."""
    return (
        Adoption.objects.count(),
        InfoItem.objects.get(pk=item.pk).state,
        ItemEvent.objects.filter(item=item).count(),
        AuditEntry.objects.filter(action="adoption_recorded").count(),
    )


def today():
    return timezone.localdate()


# --- the action -----------------------------------------------------------------------------


def refused(editor, item, publication, message, **kwargs):
    before = written(item)
    with pytest.raises(actions.ActionError) as error:
        actions.do_adopt(editor, item.pk, publication, kwargs.pop("on", today()), **kwargs)
    assert message in str(error.value)
    assert written(item) == before


def test_a_provincial_adoption_of_an_item_never_forwarded_is_refused(
    editor, item, province_bulletin
):
    upper = actions.UpperIssue("2026年第5期", today())
    refused(editor, item, province_bulletin, "请先上报", upper=upper)


def test_a_central_adoption_of_an_item_never_forwarded_is_refused(editor, item, central):
    refused(editor, item, central, "请先上报", upper=actions.UpperIssue("第5期", today()))


def test_a_provincial_adoption_needs_its_issue(editor, item, province_bulletin):
    forward(editor, item)
    refused(editor, item, province_bulletin, "期号和日期")


def test_a_provincial_adoption_dated_before_the_forwarding_is_refused(
    editor, item, province_bulletin
):
    forward(editor, item)
    yesterday = today() - timedelta(days=1)
    upper = actions.UpperIssue("第5期", yesterday)
    refused(editor, item, province_bulletin, "早于", on=yesterday, upper=upper)


def test_a_city_adoption_with_an_upper_issue_is_refused(editor, item, city_daily):
    refused(editor, item, city_daily, "只适用于", upper=actions.UpperIssue("第5期", today()))


def test_a_forwarded_item_is_adopted_by_the_province_with_its_issue(
    editor, item, province_bulletin
):
    forward(editor, item)
    upper = actions.UpperIssue("2026年第5期", today())
    adoption = actions.do_adopt(editor, item.pk, province_bulletin, today(), upper=upper)
    assert (adoption.level, adoption.upper_issue_number, adoption.upper_issue_date) == (
        "province",
        "2026年第5期",
        today(),
    )
    entry = AuditEntry.objects.filter(action="adoption_recorded").latest("seq")
    assert entry.data["upper_issue"] == f"2026年第5期（{today():%Y-%m-%d}）"


def test_the_ledger_line_names_the_upper_issue(editor, item, province_bulletin):
    forward(editor, item)
    upper = actions.UpperIssue("2026年第5期", today())
    actions.do_adopt(editor, item.pk, province_bulletin, today(), upper=upper)
    rebuild(today().year, as_of=timezone.now())
    [line] = ScoreEntry.objects.filter(source_id__isnull=False, rule__code="adoption-province")
    assert line.source_label == (
        f"《省委办公厅信息专报》2026年第5期（{today():%Y-%m-%d}） {item.title}"
    )


# --- the item page --------------------------------------------------------------------------


def page_of(client, item):
    return client.get(f"/items/{item.pk}/").content.decode()


def select_of(page):
    return page.split('name="adopt-publication"')[1].split("</select>")[0]


def test_an_unforwarded_item_is_offered_the_citys_publications_none_chosen(
    client_of, editor, item, city_daily, province_bulletin, central
):
    special = make_publication("city", code="xxzb", name="信息专报", sort_order=5)
    select = select_of(page_of(client_of(editor), item))
    assert [int(pk) for pk in re.findall(r'<option value="(\d+)"', select)] == sorted(
        [city_daily.pk, special.pk], key=lambda pk: pk != city_daily.pk
    )
    assert not re.search(r'<option value="\d+" selected', select)
    page = page_of(client_of(editor), item)
    assert "上报后方可选择上级刊物" in page
    assert 'name="adopt-upper_issue_number"' not in page


def test_a_forwarded_item_is_offered_every_level_the_city_first(
    client_of, editor, item, city_daily, province_bulletin, central
):
    forward(editor, item)
    page = page_of(client_of(editor), item)
    select = select_of(page)
    assert re.findall(r'<optgroup label="([^"]+)"', select) == ["市级", "省级", "中央"]
    assert [int(pk) for pk in re.findall(r'<option value="(\d+)"', select)] == [
        city_daily.pk,
        province_bulletin.pk,
        central.pk,
    ]
    assert not re.search(r'<option value="\d+" selected', select)
    assert 'name="adopt-upper_issue_number"' in page


def post(client, item, **fields):
    data = {f"adopt-{k}": v for k, v in fields.items()}
    return client.post(f"/bulletins/items/{item.pk}/adopt/", data)


def test_a_post_without_a_publication_is_refused_in_chinese(client_of, editor, item, city_daily):
    before = written(item)
    response = post(client_of(editor), item, adopted_on=today().isoformat())
    assert response.status_code == 400
    assert "请选择采用这条信息的刊物。" in response.content.decode()
    assert written(item) == before


def test_a_provincial_post_for_an_unforwarded_item_is_refused(
    client_of, editor, item, province_bulletin
):
    before = written(item)
    response = post(
        client_of(editor),
        item,
        publication=province_bulletin.pk,
        adopted_on=today().isoformat(),
        upper_issue_number="第5期",
        upper_issue_date=today().isoformat(),
    )
    assert response.status_code == 400
    assert "请先上报" in str(response.context["forms"]["adopt"].errors["publication"])
    assert written(item) == before


def test_a_provincial_post_without_its_issue_is_refused(client_of, editor, item, province_bulletin):
    forward(editor, item)
    before = written(item)
    response = post(
        client_of(editor), item, publication=province_bulletin.pk, adopted_on=today().isoformat()
    )
    assert response.status_code == 400
    assert "期号和日期" in str(response.context["forms"]["adopt"].errors)
    assert written(item) == before


def test_the_city_adoption_by_hand_is_recorded(client_of, editor, item, city_daily):
    response = post(
        client_of(editor), item, publication=city_daily.pk, adopted_on=today().isoformat()
    )
    assert response.status_code == 302
    adoption = Adoption.objects.get(item=item)
    assert (adoption.publication, adoption.level, adoption.upper_issue_number) == (
        city_daily,
        "city",
        "",
    )


def test_the_item_page_shows_the_upper_issue(client_of, editor, item, province_bulletin):
    forward(editor, item)
    upper = actions.UpperIssue("2026年第5期", today())
    actions.do_adopt(editor, item.pk, province_bulletin, today(), upper=upper)
    assert f"期次：2026年第5期（{today():%Y-%m-%d}）" in page_of(client_of(editor), item)
