"""Typical cases marked by editors and listed for leaders among what they may read; the
analysis policy read by the section and edited by the chief, audited."""

from datetime import timedelta
from decimal import Decimal

import pytest

from audit.models import AuditEntry
from insight import actions
from insight.models import InsightPolicy
from insight.queries import typical_cases
from submissions.models import EventKind, InfoItem, ItemEvent, TypicalCase
from tests import clock
from tests.insight.insight_helpers import (
    FLOOD_CHECK,
    FLOOD_CHECK_AGAIN,
    adopt,
    item,
    local,
)

pytestmark = pytest.mark.django_db

MONDAY = local(f"{clock.nth_weekday(3, clock.MONDAY)} 10:00")  # first Monday of March


@pytest.fixture
def marked(officer_a, head_a, officer_b, head_b, editor, city_daily):
    """A good example that was adopted, and a bad one still under review."""
    good = item(officer_a, FLOOD_CHECK, MONDAY, head=head_a, editor=editor)
    adopt(editor, good, city_daily)
    bad = item(officer_b, FLOOD_CHECK_AGAIN, MONDAY + timedelta(days=1), head=head_b, editor=editor)
    actions.do_mark_typical(editor, good.pk, TypicalCase.GOOD, "排查细致，可推广")
    actions.do_mark_typical(editor, bad.pk, TypicalCase.BAD, "")
    return good, bad


def test_marking_is_audited_and_in_the_history(marked, editor):
    good, _bad = marked
    good.refresh_from_db()
    assert (good.typical, good.typical_note) == ("good", "排查细致，可推广")
    entry = AuditEntry.objects.filter(action="item_typical", target=f"item:{good.pk}").get()
    assert entry.actor == editor
    # Whether there is a note, never the editor's words.
    assert entry.data["after"] == {"typical": "good", "note": True}
    assert ItemEvent.objects.filter(item=good, kind=EventKind.TYPICAL).exists()


def test_clearing_the_mark(marked, editor):
    _good, bad = marked
    actions.do_mark_typical(editor, bad.pk, "")
    assert InfoItem.objects.get(pk=bad.pk).typical == ""
    with pytest.raises(actions.ActionError):
        actions.do_mark_typical(editor, bad.pk, "")


def test_leaders_see_the_typical_cases_they_may_read(marked, leader, editor, client_of):
    good, bad = marked
    assert list(typical_cases(leader)) == [good]
    assert set(typical_cases(editor)) == {good, bad}
    page = client_of(leader).get("/archive/insight/typical/").content.decode()
    assert good.title in page and "排查细致，可推广" in page
    assert bad.title not in page


def test_filtering_by_kind(marked, editor, client_of):
    good, bad = marked
    page = client_of(editor).get("/archive/insight/typical/", {"kind": "bad"}).content.decode()
    assert bad.title in page and good.title not in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer_a", 403), ("head_a", 403), ("security_admin", 403), ("leader", 200)],
)
def test_who_sees_typical_cases(personas, client_of, persona, status):
    assert client_of(personas[persona]).get("/archive/insight/typical/").status_code == status


def test_editors_mark_on_the_item_page(officer_a, head_a, editor, client_of):
    it = item(officer_a, FLOOD_CHECK, MONDAY, head=head_a, editor=editor)
    client = client_of(editor)
    assert (
        f"/archive/insight/items/{it.pk}/typical/"
        in client.get(f"/items/{it.pk}/").content.decode()
    )
    client.post(f"/archive/insight/items/{it.pk}/typical/", {"typical": "bad", "note": "迟报"})
    assert InfoItem.objects.get(pk=it.pk).typical == "bad"
    page = client_of(officer_a).get(f"/items/{it.pk}/").content.decode()
    assert "迟报" in page  # the unit sees the mark on its own item, not the form
    assert f"/archive/insight/items/{it.pk}/typical/" not in page


def test_only_editors_mark(officer_a, head_a, editor, duty_officer, client_of):
    it = item(officer_a, FLOOD_CHECK, MONDAY, head=head_a, editor=editor)
    for user, status in [(officer_a, 403), (duty_officer, 403)]:
        response = client_of(user).post(
            f"/archive/insight/items/{it.pk}/typical/", {"typical": "good"}
        )
        assert response.status_code == status
    assert InfoItem.objects.get(pk=it.pk).typical == ""


def test_bad_marks_write_nothing(officer_a, editor):
    from submissions import actions as submissions

    draft = submissions.do_create_item(
        officer_a, submissions.ItemContent(title="草稿", body="正文", kind="news")
    )
    with pytest.raises(actions.ActionError):
        actions.do_mark_typical(editor, draft.pk, TypicalCase.GOOD)
    with pytest.raises(actions.ActionError):
        actions.do_mark_typical(editor, draft.pk, "excellent")
    assert not AuditEntry.objects.filter(action="item_typical").exists()


# --- The policy ------------------------------------------------------------------------------

VALID = {
    "duplicate_window_days": "10",
    "duplicate_threshold": "0.40",
    "trend_baseline_weeks": "6",
    "trend_min_count": "4",
    "trend_z": "2.5",
    "trend_stop_words": "会议 讲话",
    "silent_days": "20",
}


def test_the_chief_edits_the_policy_and_it_is_audited(chief, client_of):
    before = InsightPolicy.current().duplicate_threshold
    response = client_of(chief).post("/archive/insight/policy/", VALID)
    assert response.status_code == 302
    policy = InsightPolicy.current()
    assert policy.duplicate_threshold == Decimal("0.40") and policy.silent_days == 20
    entry = AuditEntry.objects.get(action="archive_policy_changed")
    assert entry.actor == chief
    assert entry.data["before"]["duplicate_threshold"] == str(before)
    assert entry.data["after"]["duplicate_threshold"] == "0.40"


def test_out_of_range_values_save_nothing(chief, client_of):
    response = client_of(chief).post(
        "/archive/insight/policy/",
        {**VALID, "duplicate_threshold": "0.99", "silent_days": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Between 0.05 and 0.95." in response.content.decode()
    assert InsightPolicy.current().silent_days == 30
    assert not AuditEntry.objects.filter(action="archive_policy_changed").exists()


def test_an_unchanged_policy_is_not_audited(chief):
    current = InsightPolicy.current()
    values = {k: getattr(current, k) for k in actions.POLICY_FIELDS}
    assert actions.do_update_policy(chief, values) is False
    assert not AuditEntry.objects.filter(action="archive_policy_changed").exists()


@pytest.mark.parametrize(
    ("persona", "get", "post"),
    [
        ("editor", 200, 403),
        ("duty_officer", 200, 403),
        ("leader", 403, 403),
        ("officer_a", 403, 403),
        ("system_admin", 403, 403),
    ],
)
def test_who_reads_and_edits_the_policy(personas, client_of, persona, get, post):
    client = client_of(personas[persona])
    assert client.get("/archive/insight/policy/").status_code == get
    assert client.post("/archive/insight/policy/", VALID).status_code == post
    assert InsightPolicy.current().silent_days == 30


def test_the_seeded_policy(db):
    policy = InsightPolicy.current()
    assert policy.duplicate_window_days == 7
    assert policy.duplicate_threshold == Decimal("0.30")
    assert "会议" in policy.trend_stop_words


def test_the_typical_list_keeps_a_fixed_number_of_queries(
    marked, officer_a, head_a, editor, client_of, django_assert_max_num_queries
):
    client = client_of(editor)
    client.get("/archive/insight/typical/")
    with django_assert_max_num_queries(12) as before:
        client.get("/archive/insight/typical/")
    for n in range(4):
        extra = item(officer_a, FLOOD_CHECK, MONDAY + timedelta(hours=n), head=head_a)
        actions.do_mark_typical(editor, extra.pk, TypicalCase.GOOD)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/archive/insight/typical/")
