"""Items through the API: the same actions as the pages, so the same states, history, audit rows
and notifications; lists filtered and paged as a plain Python filter over the rows says."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from notify.models import Notification
from submissions.models import InfoItem, ItemEvent, ItemState
from tests.factories import BODY, make_item

pytestmark = pytest.mark.django_db

NEW = {"title": "甲区部署汛期隐患排查", "body": BODY, "kind": "news"}


def trail(item_id):
    """What an item's story left behind, without ids and times: its audit rows (action and
    states, and the channel they came through), its history and who was told."""
    audit = [
        (e.action, e.actor_id, e.data.get("from"), e.data.get("to"), e.data.get("via"))
        for e in AuditEntry.objects.filter(target=f"item:{item_id}").order_by("seq")
    ]
    events = list(
        ItemEvent.objects.filter(item_id=item_id)
        .order_by("at", "pk")
        .values_list("kind", "actor_id", "from_state", "to_state", "comment")
    )
    told = sorted(
        Notification.objects.filter(url__contains=f"/items/{item_id}/").values_list(
            "recipient_id", "title"
        )
    )
    return audit, events, told


def test_create_submit_sign_off_leaves_what_the_pages_leave(
    client_of, api_as, officer_a, head_a, editor
):
    # Through the pages.
    client_of(officer_a).post(reverse("submissions:create"), NEW)
    by_page = InfoItem.objects.get()
    client_of(officer_a).post(reverse("submissions:act", args=[by_page.pk, "submit"]))
    client_of(head_a).post(
        reverse("submissions:act", args=[by_page.pk, "sign_off"]), {"sign_off-comment": "同意"}
    )
    # Through the API, with write tokens.
    officer, head = api_as(officer_a), api_as(head_a)
    made = officer.post("/items", NEW)
    assert made.status_code == 201
    pk = made.json()["id"]
    assert officer.post(f"/items/{pk}/submit").json()["state"] == ItemState.AWAITING_SIGNOFF
    signed = head.post(f"/items/{pk}/sign_off", {"comment": "同意"})
    assert signed.status_code == 200
    assert signed.json()["state"] == ItemState.SUBMITTED

    page_audit, page_events, page_told = trail(by_page.pk)
    api_audit, api_events, api_told = trail(pk)
    assert [row[:4] for row in api_audit] == [row[:4] for row in page_audit]
    assert {row[4] for row in page_audit} == {None}
    tokens = {t.owner_id: t.pk for t in officer_a.api_tokens.all() | head_a.api_tokens.all()}
    assert [row[4] for row in api_audit] == [
        {"channel": "api", "token": tokens[row[1]]} for row in api_audit
    ]
    assert api_events == page_events
    assert [r for r, _title in api_told] == [r for r, _title in page_told]
    assert len(api_told) >= 1  # the head was asked to sign off, at least
    assert InfoItem.objects.get(pk=pk).state == ItemState.SUBMITTED
    assert InfoItem.objects.get(pk=by_page.pk).state == ItemState.SUBMITTED


def test_the_section_returns_with_a_reason_or_is_told_why_not(api_as, officer_a, head_a, editor):
    item = make_item(officer_a, ItemState.SUBMITTED, head=head_a)
    section = api_as(editor)
    assert section.post(f"/items/{item.pk}/start_review").json()["state"] == "under_review"
    refused = section.post(f"/items/{item.pk}/return", {"comment": " "})
    assert refused.status_code == 409
    assert refused.json() == {"error": {"code": "refused", "message": "请填写理由。"}}
    returned = section.post(f"/items/{item.pk}/return", {"comment": "请核实数字"})
    assert returned.json()["state"] == "returned"
    # Back with the unit: the officer revises and sends it again.
    officer = api_as(officer_a)
    revised = officer.put(f"/items/{item.pk}", {**NEW, "title": "甲区部署汛期隐患排查（修改）"})
    assert revised.status_code == 200
    assert revised.json()["revision_count"] == 2
    assert officer.post(f"/items/{item.pk}/submit").json()["state"] == "awaiting_signoff"


def test_a_step_not_available_now_is_409_with_the_actions_message(api_as, officer_a, head_a):
    item = make_item(officer_a, ItemState.SUBMITTED, head=head_a)
    response = api_as(head_a).post(f"/items/{item.pk}/sign_off")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "无法执行该操作：这条信息当前为“已报送”状态。"


def test_a_role_that_never_takes_the_step_is_403(api_as, officer_a, head_a, editor):
    item = make_item(officer_a, ItemState.SUBMITTED, head=head_a)
    assert api_as(editor).post(f"/items/{item.pk}/sign_off").status_code == 403
    assert api_as(officer_a).post(f"/items/{item.pk}/start_review").status_code == 403


def test_the_section_verifies_and_edits(api_as, officer_a, head_a, editor):
    item = make_item(officer_a, ItemState.SUBMITTED, head=head_a)
    section = api_as(editor)
    no_verdict = section.post(f"/items/{item.pk}/verify", {"comment": "x"})
    assert no_verdict.status_code == 409
    assert section.post(f"/items/{item.pk}/verify", {"verdict": "verified"}).json()[
        "verification"
    ] == ("verified")
    edited = section.post(
        f"/items/{item.pk}/edit", {"title": "编辑后的标题", "body": BODY, "comment": "压缩"}
    )
    assert edited.json()["title"] == "编辑后的标题"
    assert edited.json()["state"] == "under_review"


def test_the_same_idempotency_key_makes_one_item(api_as, officer_a):
    officer = api_as(officer_a)
    key = str(uuid.uuid4())
    officer.headers["Idempotency-Key"] = key
    first = officer.post("/items", NEW)
    again = officer.post("/items", NEW)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert InfoItem.objects.count() == 1
    officer.headers["Idempotency-Key"] = "not-a-uuid"
    assert officer.post("/items", NEW).status_code == 422
    assert InfoItem.objects.count() == 1


def test_joint_units_and_tags(api_as, officer_a, unit_b):
    made = api_as(officer_a).post(
        "/items", {**NEW, "joint_unit_ids": [unit_b.pk], "tags": ["防汛", "防汛", "安全生产"]}
    )
    body = made.json()
    assert [u["id"] for u in body["joint_units"]] == [unit_b.pk]
    assert sorted(body["tags"]) == ["安全生产", "防汛"]
    missing = api_as(officer_a).post("/items", {**NEW, "joint_unit_ids": [unit_b.pk + 999]})
    assert missing.status_code == 409
    assert InfoItem.objects.count() == 1


def test_above_the_secrecy_ceiling_is_refused_with_the_rule(api_as, officer_a):
    response = api_as(officer_a).post("/items", {**NEW, "secrecy": "jimi"})
    assert response.status_code == 409
    assert "机密" in response.json()["error"]["message"]
    assert not InfoItem.objects.exists()


@pytest.fixture
def many(officer_a, officer_b, head_a, _pinned_clock):
    """Items of two units in several states, changed on different days."""
    made = []
    for officer, state, title in (
        (officer_a, ItemState.DRAFT, "甲区防汛草稿"),
        (officer_a, ItemState.SUBMITTED, "甲区防汛报送"),
        (officer_a, ItemState.AWAITING_SIGNOFF, "甲区安全待审"),
        (officer_b, ItemState.SUBMITTED, "乙县防汛报送"),
        (officer_b, ItemState.DRAFT, "乙县草稿"),
        (officer_a, ItemState.SUBMITTED, "甲区交通报送"),
    ):
        made.append(
            make_item(officer, state, head=head_a if officer == officer_a else None, title=title)
        )
        _pinned_clock.shift(timedelta(days=1))
    return [InfoItem.objects.get(pk=i.pk) for i in made]


def expected(rows, **f):
    """The filters as a plain Python filter, newest change first."""
    out = [
        r
        for r in rows
        if (not f.get("state") or r.state == f["state"])
        and (not f.get("unit") or r.unit_id == f["unit"])
        and (not f.get("q") or f["q"] in r.title)
        and (
            not f.get("updated_from")
            or timezone.localtime(r.updated_at).date() >= f["updated_from"]
        )
        and (not f.get("updated_to") or timezone.localtime(r.updated_at).date() <= f["updated_to"])
    ]
    return [r.pk for r in sorted(out, key=lambda r: (r.updated_at, r.pk), reverse=True)]


def test_the_list_filters_as_a_plain_filter_says(api_as, editor, officer_a, many):
    section = api_as(editor)
    seen = [r for r in many if r.submitted_at is not None]  # the section sees what left a unit
    first_day = timezone.localtime(many[0].updated_at).date()
    cases = [
        {},
        {"state": "submitted"},
        {"unit": officer_a.unit_id},
        {"q": "防汛"},
        {"updated_from": first_day + timedelta(days=2)},
        {"updated_to": first_day + timedelta(days=3)},
        {"unit": officer_a.unit_id, "q": "报送"},
    ]
    for filters in cases:
        query = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in filters.items()}
        got = section.get("/items", **query).json()
        assert [r["id"] for r in got["results"]] == expected(seen, **filters), filters
        assert got["count"] == len(expected(seen, **filters))


def test_the_officer_lists_their_units_items_drafts_included(api_as, officer_a, many):
    got = api_as(officer_a).get("/items", per_page=100).json()
    mine = [r for r in many if r.unit_id == officer_a.unit_id]
    assert [r["id"] for r in got["results"]] == expected(mine)


def test_paging(api_as, officer_a, many):
    mine = expected([r for r in many if r.unit_id == officer_a.unit_id])
    officer = api_as(officer_a)
    pages = [officer.get("/items", per_page=2, page=n).json() for n in (1, 2, 3)]
    assert [r["id"] for p in pages for r in p["results"]] == mine
    assert {p["count"] for p in pages} == {len(mine)}
    assert officer.get("/items", per_page=2, page=99).json()["results"] == []
    assert officer.get("/items", per_page=101).status_code == 422


def test_the_api_mark_stays_with_the_api_request(client_of, api_as, officer_a):
    """The channel an API request opened for the audit log ends with it: the next write on a
    page is recorded as the pages' own."""
    api_as(officer_a).post("/items", NEW)
    client_of(officer_a).post(reverse("submissions:create"), NEW)
    created = AuditEntry.objects.filter(action="item_created").order_by("seq")
    assert [e.data.get("via", {}).get("channel") for e in created] == ["api", None]
