"""Duplicates: likely duplicates shown to the editor within the window, merged into one cluster
with a main record, every source unit keeping its credit, and the merge undone again."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from audit.models import AuditEntry
from bulletins import actions as bulletins
from insight import actions
from insight.models import InsightPolicy
from insight.queries import incident_panel, item_duplicates, item_panel
from org.models import UnitKind
from org.roles import Role
from scoring.actions import rebuild
from scoring.models import ScoreEntry
from submissions import actions as submissions
from submissions.models import EventKind, InfoItem, ItemEvent
from tests import clock
from tests.factories import make_unit, make_user
from tests.insight.insight_helpers import (
    FLOOD_CHECK,
    FLOOD_CHECK_AGAIN,
    WELFARE_VISITS,
    adopt,
    incident,
    item,
    local,
)

pytestmark = pytest.mark.django_db

MONDAY = local(f"{clock.nth_weekday(3, clock.MONDAY)} 10:00")  # first Monday of March


@pytest.fixture
def pair(officer_a, head_a, officer_b, head_b, editor):
    """The same flood check reported by unit A, and two days later by unit B."""
    first = item(officer_a, FLOOD_CHECK, MONDAY, head=head_a, editor=editor)
    second = item(officer_b, FLOOD_CHECK_AGAIN, MONDAY + timedelta(days=2), head=head_b)
    return first, second


def pks(duplicates):
    return [d.record.pk for d in duplicates]


# --- Detection -------------------------------------------------------------------------------


def test_a_similar_item_within_the_window_is_shown(pair, officer_b, head_b, editor):
    first, second = pair
    item(officer_b, WELFARE_VISITS, MONDAY + timedelta(days=1), head=head_b)  # dissimilar
    item(officer_b, FLOOD_CHECK_AGAIN, MONDAY + timedelta(days=12), head=head_b)  # too late
    found = item_duplicates(first, editor)
    assert pks(found) == [second.pk]
    assert found[0].score >= 0.6
    assert pks(item_duplicates(second, editor)) == [first.pk]


def test_the_window_and_the_threshold_are_the_chiefs_policy(pair, officer_b, head_b, editor):
    first, second = pair
    late = item(officer_b, FLOOD_CHECK_AGAIN, MONDAY + timedelta(days=12), head=head_b)
    assert pks(item_duplicates(first, editor)) == [second.pk]
    InsightPolicy.objects.filter(pk=InsightPolicy.current().pk).update(duplicate_window_days=14)
    assert pks(item_duplicates(first, editor)) == [late.pk, second.pk]  # same text, newest first
    InsightPolicy.objects.update(duplicate_threshold=Decimal("0.95"))
    assert item_duplicates(first, editor) == []


def test_the_editor_sees_them_on_the_review_page(pair, editor, client_of):
    first, second = pair
    page = client_of(editor).get(f"/items/{first.pk}/").content.decode()
    assert 'id="duplicates"' in page
    assert f"/items/{second.pk}/" in page
    assert f"/archive/insight/items/{first.pk}/merge/" in page


def test_a_unit_does_not_see_the_duplicates_box(pair, officer_a, client_of):
    first, second = pair
    page = client_of(officer_a).get(f"/items/{first.pk}/").content.decode()
    assert 'id="duplicates"' not in page
    assert second.title not in page


def test_an_item_without_a_stored_signature_is_still_compared(pair, editor):
    first, second = pair
    InfoItem.objects.filter(pk=second.pk).update(minhash=b"")  # e.g. bulk-imported history
    assert pks(item_duplicates(first, editor)) == [second.pk]


def test_an_editors_edit_updates_the_signature(pair, editor):
    first, _second = pair
    submissions.do_edit(editor, first.pk, *WELFARE_VISITS)
    first.refresh_from_db()
    assert item_duplicates(first, editor) == []


def test_incident_duplicates(duty_officer, editor, unit_a, unit_b):
    fire = incident(duty_officer, unit_a, MONDAY, MONDAY + timedelta(minutes=20))
    again = incident(
        duty_officer,
        unit_b,
        MONDAY + timedelta(minutes=10),
        MONDAY + timedelta(minutes=40),
        title="经开区化工厂起火",
        place="甲区经开区",
        summary="经开区某化工厂仓库发生火灾，现场明火已扑灭，暂无人员被困报告。",
    )
    flood = incident(
        duty_officer,
        unit_b,
        MONDAY,
        MONDAY + timedelta(minutes=30),
        title="乙县暴雨致城区内涝",
        place="乙县城区",
        summary="乙县城区遭遇暴雨，多条道路积水，低洼小区进水。",
    )
    much_later = MONDAY + timedelta(days=20)
    incident(duty_officer, unit_b, much_later, much_later + timedelta(minutes=30))
    panel = incident_panel(fire, editor)
    assert pks(panel.candidates) == [again.pk]
    assert incident_panel(flood, editor).candidates == []


# --- Merging and credit ----------------------------------------------------------------------


def adoption_points() -> dict[str, Decimal]:
    rows = ScoreEntry.objects.filter(source_kind="adoption").select_related("unit")
    return {e.unit.code: e.points for e in rows}


def test_merging_keeps_every_units_credit(pair, editor, city_daily):
    first, second = pair
    actions.do_merge_items(editor, second.pk, first.pk)
    adopt(editor, first, city_daily)
    rebuild(MONDAY.year)
    points = adoption_points()
    assert set(points) == {"unit-a", "unit-b"}
    assert points["unit-a"] == points["unit-b"] > 0


def test_undoing_the_merge_takes_the_credit_back(pair, editor, city_daily):
    first, second = pair
    actions.do_merge_items(editor, second.pk, first.pk)
    adopt(editor, first, city_daily)
    rebuild(MONDAY.year)
    shared = adoption_points()["unit-a"]
    actions.do_unmerge_item(editor, second.pk)
    rebuild(MONDAY.year)
    assert adoption_points() == {"unit-a": shared * 2}
    second.refresh_from_db()
    assert second.duplicate_of is None
    assert list(InfoItem.objects.get(pk=first.pk).joint_units.all()) == []


def test_merged_records_are_linked_both_ways(pair, editor, client_of):
    first, second = pair
    actions.do_merge_items(editor, second.pk, first.pk)
    second.refresh_from_db()
    assert second.duplicate_of_id == first.pk
    assert second.merged_at is not None
    assert list(first.duplicates.all()) == [second]
    main_page = client_of(editor).get(f"/items/{first.pk}/").content.decode()
    assert 'id="merged"' in main_page and f"/items/{second.pk}/" in main_page
    dup_page = client_of(editor).get(f"/items/{second.pk}/").content.decode()
    assert 'id="merged-into"' in dup_page and f"/items/{first.pk}/" in dup_page
    # Nothing is lost: the duplicate keeps its text, state and history.
    assert InfoItem.objects.get(pk=second.pk).body == FLOOD_CHECK_AGAIN[1]


def test_the_duplicates_unit_sees_where_its_item_went(pair, editor, officer_b, client_of):
    first, second = pair
    actions.do_merge_items(editor, second.pk, first.pk)
    client = client_of(officer_b)
    assert f"/items/{first.pk}/" in client.get(f"/items/{second.pk}/").content.decode()
    assert client.get(f"/items/{first.pk}/").status_code == 200  # now a joint unit


def test_the_officers_own_joint_units_survive_merges(officer_a, head_a, pair, editor):
    _first, second = pair
    unit_c = make_unit("丙局", code="unit-c")
    own = item(
        officer_a, FLOOD_CHECK, MONDAY + timedelta(days=1), head=head_a, joint_units=[unit_c]
    )
    actions.do_merge_items(editor, second.pk, own.pk)
    assert {u.code for u in own.joint_units.all()} == {"unit-b", "unit-c"}
    actions.do_unmerge_item(editor, second.pk)
    assert {u.code for u in own.joint_units.all()} == {"unit-c"}


def test_merging_a_main_record_brings_its_cluster(pair, officer_b, head_b, editor):
    first, second = pair
    unit_c = make_unit("丙区", code="unit-c", kind=UnitKind.DISTRICT)
    officer_c = make_user(Role.OFFICER, unit_c)
    third = item(officer_c, FLOOD_CHECK_AGAIN, MONDAY + timedelta(days=3))
    actions.do_merge_items(editor, second.pk, first.pk)
    result = actions.do_merge_items(editor, first.pk, third.pk)
    assert result.moved == (second.pk,)
    assert set(third.duplicates.all()) == {first, second}
    assert {u.code for u in third.joint_units.all()} == {"unit-a", "unit-b"}
    assert list(InfoItem.objects.get(pk=first.pk).joint_units.all()) == []


def test_merging_into_a_duplicate_joins_its_main_record(pair, officer_b, head_b, editor):
    first, second = pair
    actions.do_merge_items(editor, second.pk, first.pk)
    third = item(officer_b, FLOOD_CHECK, MONDAY + timedelta(days=1), head=head_b)
    result = actions.do_merge_items(editor, third.pk, second.pk)
    assert result.main == first
    assert set(first.duplicates.all()) == {second, third}


def test_an_adopted_item_cannot_be_merged_as_a_duplicate(pair, editor, city_daily):
    first, second = pair
    adopt(editor, second, city_daily)
    with (
        translation.override("en"),
        pytest.raises(actions.ActionError, match="main record"),
    ):
        actions.do_merge_items(editor, second.pk, first.pk)
    actions.do_merge_items(editor, first.pk, second.pk)  # it can be the main one


def test_a_merged_duplicate_cannot_be_adopted_itself(pair, editor, city_daily):
    first, second = pair
    actions.do_merge_items(editor, second.pk, first.pk)
    with pytest.raises(bulletins.ActionError, match=f"#{first.pk}"):
        adopt(editor, second, city_daily)


def test_a_draft_cannot_be_merged(pair, officer_b, editor):
    first, _second = pair
    draft = submissions.do_create_item(
        officer_b,
        submissions.ItemContent(title=FLOOD_CHECK[0], body=FLOOD_CHECK[1], kind="news"),
    )
    with pytest.raises(actions.ActionError):
        actions.do_merge_items(editor, draft.pk, first.pk)
    assert InfoItem.objects.get(pk=draft.pk).duplicate_of is None


def test_merging_is_audited_and_in_both_histories(pair, editor):
    first, second = pair
    actions.do_merge_items(editor, second.pk, first.pk)
    entry = AuditEntry.objects.get(action="items_merged")
    assert entry.actor == editor and entry.target == f"item:{second.pk}"
    assert entry.data["main"] == first.pk
    assert entry.data["joint_units"]["after"] == [second.unit_id]
    for it in (first, second):
        assert ItemEvent.objects.filter(item=it, kind=EventKind.MERGED).exists()
    actions.do_unmerge_item(editor, second.pk)
    assert AuditEntry.objects.filter(action="item_unmerged", target=f"item:{second.pk}").exists()
    assert ItemEvent.objects.filter(item=second, kind=EventKind.UNMERGED).exists()


def test_merging_through_the_page(pair, editor, client_of):
    first, second = pair
    client = client_of(editor)
    response = client.post(
        f"/archive/insight/items/{first.pk}/merge/", {"other": second.pk, "keep": "this"}
    )
    assert response.status_code == 302
    assert InfoItem.objects.get(pk=second.pk).duplicate_of_id == first.pk
    client.post(f"/archive/insight/items/{second.pk}/unmerge/", {"back": first.pk})
    assert InfoItem.objects.get(pk=second.pk).duplicate_of_id is None


def test_bad_merge_input_changes_nothing(pair, editor, client_of):
    first, _second = pair
    client = client_of(editor)
    response = client.post(
        f"/archive/insight/items/{first.pk}/merge/",
        {"other": "x", "keep": "this"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (
        "Choose the record to merge with." in response.content.decode()
        or response.status_code == 200
    )
    response = client.post(
        f"/archive/insight/items/{first.pk}/merge/", {"other": first.pk, "keep": "this"}
    )
    assert InfoItem.objects.filter(duplicate_of__isnull=False).count() == 0
    assert not AuditEntry.objects.filter(action="items_merged").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer_a", 403), ("head_a", 403), ("duty_officer", 403), ("leader", 404)],
)
def test_only_the_section_merges(pair, personas, client_of, persona, status):
    first, second = pair
    response = client_of(personas[persona]).post(
        f"/archive/insight/items/{first.pk}/merge/", {"other": second.pk, "keep": "this"}
    )
    assert response.status_code == status
    assert InfoItem.objects.get(pk=second.pk).duplicate_of is None
    with pytest.raises(actions.ActionError):
        actions.do_merge_items(personas[persona], second.pk, first.pk)


def test_the_chief_merges_too(pair, chief):
    first, second = pair
    actions.do_merge_items(chief, second.pk, first.pk)
    assert item_panel(first, chief).members == [InfoItem.objects.get(pk=second.pk)]


# --- Incidents -------------------------------------------------------------------------------


@pytest.fixture
def fires(duty_officer, unit_a, unit_b):
    fire = incident(duty_officer, unit_a, MONDAY, MONDAY + timedelta(minutes=20))
    again = incident(duty_officer, unit_b, MONDAY, MONDAY + timedelta(minutes=30))
    return fire, again


def test_incidents_merge_and_unmerge(fires, editor, client_of):
    fire, again = fires
    client = client_of(editor)
    client.post(
        f"/emergencies/{fire.pk}/".replace("/emergencies/", "/archive/insight/incidents/")
        + "merge/",
        {"other": again.pk, "keep": "this"},
    )
    again.refresh_from_db()
    assert again.duplicate_of_id == fire.pk
    main_page = client.get(f"/emergencies/{fire.pk}/").content.decode()
    assert 'id="merged"' in main_page and f"/emergencies/{again.pk}/" in main_page
    dup_page = client.get(f"/emergencies/{again.pk}/").content.decode()
    assert 'id="merged-into"' in dup_page
    entry = AuditEntry.objects.get(action="incidents_merged")
    assert entry.target == f"incident:{again.pk}" and entry.data["main"] == fire.pk
    client.post(f"/archive/insight/incidents/{again.pk}/unmerge/", {"back": fire.pk})
    again.refresh_from_db()
    assert again.duplicate_of is None
    assert AuditEntry.objects.filter(action="incident_unmerged").exists()


@pytest.mark.parametrize(("persona", "status"), [("duty_officer", 403), ("officer_a", 403)])
def test_only_the_section_merges_incidents(fires, personas, client_of, persona, status):
    fire, again = fires
    response = client_of(personas[persona]).post(
        f"/archive/insight/incidents/{fire.pk}/merge/", {"other": again.pk, "keep": "this"}
    )
    assert response.status_code == status
    again.refresh_from_db()
    assert again.duplicate_of is None


def test_a_unit_cannot_probe_another_units_incident(fires, officer_b, client_of):
    fire, _again = fires  # unit A's
    response = client_of(officer_b).post(
        f"/archive/insight/incidents/{fire.pk}/unmerge/", {"back": fire.pk}
    )
    assert response.status_code == 404
