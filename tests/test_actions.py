"""The write layer: every lifecycle step through `submissions.actions`, and the audit chain."""

import hashlib
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from audit.actions import record, verify_chain
from audit.models import AuditEntry
from bulletins import actions as bulletins
from bulletins.models import Adoption
from org.roles import Role
from submissions import actions
from submissions.actions import ActionError
from submissions.models import (
    Attachment,
    EventKind,
    InfoItem,
    ItemEvent,
    ItemRevision,
    ItemState,
    RevisionSource,
    Tag,
    Verification,
)
from submissions.rules import Action
from tests.factories import (
    BODY,
    PDF_BYTES,
    adopt,
    content,
    forward,
    make_item,
    make_user,
    pdf,
)

pytestmark = pytest.mark.django_db

MODELS = (InfoItem, ItemEvent, ItemRevision, Adoption, Attachment, Tag, AuditEntry)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def snapshot(item):
    row = InfoItem.objects.values().get(pk=item.pk)
    return counts(), row


@pytest.fixture
def draft(officer_a):
    return make_item(officer_a)


@pytest.fixture
def awaiting(officer_a):
    return make_item(officer_a, ItemState.AWAITING_SIGNOFF)


@pytest.fixture
def submitted(officer_a, head_a):
    return make_item(officer_a, ItemState.SUBMITTED, head=head_a)


@pytest.fixture
def under_review(officer_a, head_a, editor):
    return make_item(officer_a, ItemState.UNDER_REVIEW, head=head_a, editor=editor)


def state_of(item):
    return InfoItem.objects.values_list("state", flat=True).get(pk=item.pk)


# --- creating and submitting ----------------------------------------------------------------


def test_it_creates_a_draft_with_the_first_officer_revision(officer_a):
    item = actions.do_create_item(officer_a, content(title="  标题  "))
    assert (item.state, item.title, item.unit_id) == (ItemState.DRAFT, "标题", officer_a.unit_id)
    assert list(item.revisions.values_list("number", "source")) == [(1, RevisionSource.OFFICER)]


def test_it_records_the_created_event(officer_a):
    item = actions.do_create_item(officer_a, content())
    assert list(item.events.values_list("kind", "to_state")) == [
        (EventKind.CREATED, ItemState.DRAFT)
    ]


def test_it_normalises_the_body_on_create(officer_a):
    item = actions.do_create_item(officer_a, content(body="第一段。 \r\n\r\n 第二段。"))
    assert item.body == "第一段。\n第二段。"


def test_it_stores_tags_once_each(officer_a):
    item = actions.do_create_item(officer_a, content(tags=["防汛", "安全生产"]))
    actions.do_create_item(officer_a, content(tags=["防汛"]))
    assert sorted(item.tags.values_list("name", flat=True)) == ["安全生产", "防汛"]
    assert Tag.objects.filter(name="防汛").count() == 1


def test_it_drops_the_own_unit_from_joint_units(officer_a, unit_a, unit_b):
    item = actions.do_create_item(officer_a, content(joint_units=[unit_a, unit_b]))
    assert list(item.joint_units.all()) == [unit_b]


def test_create_with_submit_goes_to_the_unit_head(officer_a):
    item = actions.do_create_item(officer_a, content(), submit=True)
    assert state_of(item) == ItemState.AWAITING_SIGNOFF
    assert item.submitted_at is None


@pytest.mark.parametrize("role", [Role.UNIT_HEAD, Role.EDITOR, Role.LEADER, Role.SYSTEM_ADMIN])
def test_only_an_officer_can_create(role, unit_a):
    before = counts()
    with pytest.raises(ActionError):
        actions.do_create_item(make_user(role, unit_a), content())
    assert counts() == before


def test_create_refuses_an_empty_body(officer_a):
    with pytest.raises(ActionError):
        actions.do_create_item(officer_a, content(body=" \n \n"))
    assert InfoItem.objects.count() == 0


def test_the_officer_can_withdraw_before_sign_off(officer_a, awaiting):
    actions.do_transition(officer_a, awaiting.pk, Action.WITHDRAW)
    assert state_of(awaiting) == ItemState.DRAFT


def test_the_whole_lifecycle_leaves_one_event_per_step(officer_a, head_a, editor, city_daily):
    item = actions.do_create_item(officer_a, content())
    actions.do_transition(officer_a, item.pk, Action.SUBMIT)
    actions.do_transition(head_a, item.pk, Action.SIGN_OFF)
    actions.do_transition(editor, item.pk, Action.START_REVIEW)
    actions.do_edit(editor, item.pk, "精编标题", "精编正文。")
    actions.do_verify(editor, item.pk, Verification.VERIFIED, "")
    bulletins.do_adopt(editor, item.pk, city_daily, timezone.localdate())
    steps = list(item.events.order_by("at", "pk").values_list("kind", "to_state"))
    assert steps == [
        (EventKind.CREATED, ItemState.DRAFT),
        (EventKind.SUBMITTED, ItemState.AWAITING_SIGNOFF),
        (EventKind.SIGNED_OFF, ItemState.SUBMITTED),
        (EventKind.REVIEW_STARTED, ItemState.UNDER_REVIEW),
        (EventKind.EDITED, ItemState.UNDER_REVIEW),
        (EventKind.VERIFIED, ItemState.UNDER_REVIEW),
        (EventKind.ADOPTED, ItemState.ADOPTED),
    ]


# --- sign-off -------------------------------------------------------------------------------


def test_sign_off_submits_and_stamps_submitted_at(head_a, awaiting):
    before = timezone.now()
    item = actions.do_transition(head_a, awaiting.pk, Action.SIGN_OFF)
    item.refresh_from_db()
    assert item.state == ItemState.SUBMITTED
    assert item.submitted_at is not None and item.submitted_at >= before


def test_sign_off_records_who_and_the_states(head_a, awaiting):
    actions.do_transition(head_a, awaiting.pk, Action.SIGN_OFF)
    event = awaiting.events.last()
    assert (event.kind, event.actor, event.from_state, event.to_state) == (
        EventKind.SIGNED_OFF,
        head_a,
        ItemState.AWAITING_SIGNOFF,
        ItemState.SUBMITTED,
    )


def test_the_head_of_another_unit_cannot_sign_off(head_b, awaiting):
    before = snapshot(awaiting)
    with pytest.raises(ActionError):
        actions.do_transition(head_b, awaiting.pk, Action.SIGN_OFF)
    assert snapshot(awaiting) == before


def test_the_officer_cannot_sign_off_their_own_item(officer_a, awaiting):
    before = snapshot(awaiting)
    with pytest.raises(ActionError):
        actions.do_transition(officer_a, awaiting.pk, Action.SIGN_OFF)
    assert snapshot(awaiting) == before


def test_refusing_sign_off_needs_a_reason(head_a, awaiting):
    before = snapshot(awaiting)
    with pytest.raises(ActionError):
        actions.do_transition(head_a, awaiting.pk, Action.REFUSE, "   ")
    assert snapshot(awaiting) == before


def test_refusing_sign_off_returns_the_item_unsubmitted(head_a, awaiting):
    actions.do_transition(head_a, awaiting.pk, Action.REFUSE, "数据不准")
    awaiting.refresh_from_db()
    assert (awaiting.state, awaiting.submitted_at) == (ItemState.RETURNED, None)
    assert awaiting.events.last().comment == "数据不准"


def test_signing_off_twice_keeps_the_first_submission_time(officer_a, head_a, editor, submitted):
    first = submitted.submitted_at
    actions.do_transition(editor, submitted.pk, Action.START_REVIEW)
    actions.do_transition(editor, submitted.pk, Action.RETURN, "补充")
    actions.do_transition(officer_a, submitted.pk, Action.SUBMIT)
    actions.do_transition(head_a, submitted.pk, Action.SIGN_OFF)
    submitted.refresh_from_db()
    assert (submitted.state, submitted.submitted_at) == (ItemState.SUBMITTED, first)


# --- review and editing ---------------------------------------------------------------------


def test_start_review_claims_the_item_for_the_editor(editor, submitted):
    actions.do_transition(editor, submitted.pk, Action.START_REVIEW)
    submitted.refresh_from_db()
    assert (submitted.state, submitted.reviewer) == (ItemState.UNDER_REVIEW, editor)


def test_an_edit_keeps_the_officers_revision_unchanged(editor, under_review):
    original = under_review.revisions.get()
    actions.do_edit(editor, under_review.pk, "市区部署汛期排查", "精简后的正文。\n第二段。")
    kept = ItemRevision.objects.get(pk=original.pk)
    assert (kept.title, kept.body, kept.source) == (original.title, BODY, RevisionSource.OFFICER)


def test_an_edit_adds_a_section_revision_and_becomes_the_item_text(editor, under_review):
    actions.do_edit(editor, under_review.pk, "市区部署汛期排查", "精简后的正文。")
    under_review.refresh_from_db()
    newest = under_review.revisions.order_by("number").last()
    assert (newest.number, newest.source, newest.author) == (2, RevisionSource.EDITOR, editor)
    assert (under_review.title, under_review.body) == ("市区部署汛期排查", "精简后的正文。")
    assert under_review.revision_count == 2


def test_an_edit_of_a_submitted_item_starts_the_review(chief, submitted):
    actions.do_edit(chief, submitted.pk, "新标题", "新正文，足够长的一段话。")
    submitted.refresh_from_db()
    assert (submitted.state, submitted.reviewer) == (ItemState.UNDER_REVIEW, chief)


def test_an_edit_that_changes_nothing_is_refused(editor, under_review):
    before = snapshot(under_review)
    with pytest.raises(ActionError):
        actions.do_edit(editor, under_review.pk, under_review.title, under_review.body)
    assert snapshot(under_review) == before


def test_the_duty_officer_cannot_edit(duty_officer, under_review):
    before = snapshot(under_review)
    with pytest.raises(ActionError):
        actions.do_edit(duty_officer, under_review.pk, "改", "改过的正文。")
    assert snapshot(under_review) == before


def test_verify_marks_the_item_verified(editor, under_review):
    actions.do_verify(editor, under_review.pk, Verification.VERIFIED, "")
    under_review.refresh_from_db()
    assert (under_review.verification, under_review.state) == (
        Verification.VERIFIED,
        ItemState.UNDER_REVIEW,
    )


def test_dispute_records_the_note(editor, under_review):
    actions.do_verify(editor, under_review.pk, Verification.DISPUTED, "伤亡数字与应急局不一致")
    under_review.refresh_from_db()
    assert under_review.verification == Verification.DISPUTED
    assert under_review.verification_note == "伤亡数字与应急局不一致"
    assert under_review.events.last().kind == EventKind.DISPUTED


def test_dispute_without_a_note_is_refused(editor, under_review):
    before = snapshot(under_review)
    with pytest.raises(ActionError):
        actions.do_verify(editor, under_review.pk, Verification.DISPUTED, "  ")
    assert snapshot(under_review) == before


def test_verify_refuses_an_unknown_verdict(editor, under_review):
    with pytest.raises(ActionError):
        actions.do_verify(editor, under_review.pk, Verification.UNVERIFIED, "")


# --- adoption -------------------------------------------------------------------------------


def test_adopt_records_the_publication_and_its_level(editor, under_review, province_bulletin):
    day = timezone.localdate()
    forward(editor, under_review)
    upper = bulletins.UpperIssue("2026年第12期", day)
    adoption = bulletins.do_adopt(editor, under_review.pk, province_bulletin, day, upper=upper)
    assert (adoption.level, adoption.adopted_on, adoption.recorded_by) == ("province", day, editor)
    assert (adoption.upper_issue_number, adoption.upper_issue_date) == ("2026年第12期", day)
    assert state_of(under_review) == ItemState.ADOPTED


def test_adopt_again_by_another_publication(editor, under_review, city_daily, province_bulletin):
    bulletins.do_adopt(editor, under_review.pk, city_daily, timezone.localdate())
    adopt(editor, under_review, province_bulletin, timezone.localdate())
    assert sorted(under_review.adoptions.values_list("level", flat=True)) == ["city", "province"]
    assert state_of(under_review) == ItemState.ADOPTED


def test_adopt_twice_by_the_same_publication_is_refused(editor, chief, under_review, city_daily):
    bulletins.do_adopt(editor, under_review.pk, city_daily, timezone.localdate())
    before = snapshot(under_review)
    with pytest.raises(bulletins.ActionError):
        bulletins.do_adopt(chief, under_review.pk, city_daily, timezone.localdate())
    assert snapshot(under_review) == before


def test_an_officer_cannot_adopt(officer_a, under_review, city_daily):
    before = snapshot(under_review)
    with pytest.raises(bulletins.ActionError):
        bulletins.do_adopt(officer_a, under_review.pk, city_daily, timezone.localdate())
    assert snapshot(under_review) == before


def test_a_returned_item_cannot_be_adopted(editor, under_review, city_daily):
    actions.do_transition(editor, under_review.pk, Action.RETURN, "请补充")
    before = snapshot(under_review)
    with pytest.raises(bulletins.ActionError):
        bulletins.do_adopt(editor, under_review.pk, city_daily, timezone.localdate())
    assert snapshot(under_review) == before


# --- return, revise, resubmit, file ---------------------------------------------------------


def test_return_needs_a_reason(editor, under_review):
    before = snapshot(under_review)
    with pytest.raises(ActionError):
        actions.do_transition(editor, under_review.pk, Action.RETURN, "")
    assert snapshot(under_review) == before


def test_return_sends_the_item_back_with_the_reason(editor, under_review):
    actions.do_transition(editor, under_review.pk, Action.RETURN, "请补充伤亡数字")
    event = under_review.events.last()
    assert (state_of(under_review), event.kind, event.comment) == (
        ItemState.RETURNED,
        EventKind.RETURNED,
        "请补充伤亡数字",
    )


def test_the_officer_revises_a_returned_item_and_resubmits(officer_a, editor, under_review):
    actions.do_transition(editor, under_review.pk, Action.RETURN, "请补充伤亡数字")
    revised = content(title="补充后的标题", body=BODY + "\n无人员伤亡。")
    actions.do_revise(officer_a, under_review.pk, revised)
    actions.do_transition(officer_a, under_review.pk, Action.SUBMIT)
    under_review.refresh_from_db()
    assert (under_review.state, under_review.title) == (ItemState.AWAITING_SIGNOFF, "补充后的标题")
    assert list(under_review.revisions.values_list("source", flat=True)) == [
        RevisionSource.OFFICER,
        RevisionSource.OFFICER,
    ]


def test_a_revision_without_text_changes_adds_no_revision(officer_a, draft):
    actions.do_revise(officer_a, draft.pk, content(tags=["防汛"]))
    assert draft.revisions.count() == 1
    assert list(draft.tags.values_list("name", flat=True)) == ["防汛"]


def test_another_units_officer_cannot_revise(officer_b, draft):
    before = snapshot(draft)
    with pytest.raises(ActionError):
        actions.do_revise(officer_b, draft.pk, content(title="篡改"))
    assert snapshot(draft) == before


def test_file_keeps_the_item_without_adoption(chief, under_review):
    actions.do_transition(chief, under_review.pk, Action.FILE)
    assert state_of(under_review) == ItemState.FILED
    assert not under_review.adoptions.exists()


def test_a_filed_item_cannot_be_returned(chief, editor, under_review):
    actions.do_transition(chief, under_review.pk, Action.FILE)
    before = snapshot(under_review)
    with pytest.raises(ActionError):
        actions.do_transition(editor, under_review.pk, Action.RETURN, "再看看")
    assert snapshot(under_review) == before


def test_do_transition_refuses_actions_with_their_own_function(editor, under_review):
    with pytest.raises(ValueError):
        actions.do_transition(editor, under_review.pk, Action.ADOPT)


# --- two editors at once --------------------------------------------------------------------


def test_the_second_editor_cannot_return_what_the_first_adopted(
    editor, chief, under_review, city_daily
):
    bulletins.do_adopt(editor, under_review.pk, city_daily, timezone.localdate())
    before = snapshot(under_review)
    with pytest.raises(ActionError):
        actions.do_transition(chief, under_review.pk, Action.RETURN, "不采用")
    assert snapshot(under_review) == before


def test_a_stale_read_loses_the_conditional_update(
    monkeypatch, editor, chief, under_review, city_daily
):
    # The chief's request read the item before the editor adopted it; only the state-guarded
    # UPDATE stands between the two.
    stale = InfoItem.objects.get(pk=under_review.pk)
    bulletins.do_adopt(editor, under_review.pk, city_daily, timezone.localdate())
    monkeypatch.setattr(actions, "_lock", lambda item_id: stale)
    before = snapshot(under_review)
    with pytest.raises(ActionError):
        actions.do_transition(chief, under_review.pk, Action.RETURN, "不采用")
    assert snapshot(under_review) == before


# --- attachments ----------------------------------------------------------------------------


def test_a_pdf_is_stored_with_its_sha256(officer_a):
    item = actions.do_create_item(officer_a, content(), [pdf("现场.pdf")])
    att = item.attachments.get()
    assert att.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert (att.original_name, att.content_type, att.size) == (
        "现场.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    with att.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES


def test_attaching_records_an_event(officer_a, draft):
    actions.do_attach(officer_a, draft.pk, [pdf()])
    assert draft.events.last().kind == EventKind.ATTACHED


def test_a_disallowed_type_rejects_the_whole_item(officer_a, settings):
    before = counts()
    with pytest.raises(ActionError):
        actions.do_create_item(officer_a, content(), [pdf("setup.exe", b"MZ\x90\x00")])
    assert counts() == before
    assert not (settings.MEDIA_ROOT / "attachments").exists()


def test_a_pdf_that_is_not_a_pdf_is_rejected(officer_a, draft):
    before = snapshot(draft)
    with pytest.raises(ActionError):
        actions.do_attach(officer_a, draft.pk, [pdf("fake.pdf", b"<html>hello</html>")])
    assert snapshot(draft) == before


def test_an_oversized_file_is_rejected(officer_a, draft, settings):
    settings.ATTACHMENT_MAX_BYTES = 16
    before = snapshot(draft)
    with pytest.raises(ActionError):
        actions.do_attach(officer_a, draft.pk, [pdf()])
    assert snapshot(draft) == before


def test_nothing_can_be_attached_after_submission(officer_a, submitted):
    before = snapshot(submitted)
    with pytest.raises(ActionError):
        actions.do_attach(officer_a, submitted.pk, [pdf()])
    assert snapshot(submitted) == before


# --- audit chain ----------------------------------------------------------------------------


def test_recorded_entries_form_a_chain(editor):
    first = record(editor, "login", "editor")
    second = record(None, "login_failed", "nobody", {"ip": "10.0.0.1"})
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    assert verify_chain() is None


def test_an_anonymous_entry_has_no_actor():
    entry = record(None, "login_failed", "x")
    assert (entry.actor, entry.actor_name) == (None, "")


def test_an_edited_row_is_found_by_verify_chain(editor):
    for n in range(4):
        record(editor, "item_viewed", f"item:{n}", {"n": n})
    tampered = AuditEntry.objects.order_by("seq")[2].seq
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET target = %s WHERE seq = %s", ["item:99", tampered]
        )
    assert verify_chain() == tampered


def test_a_deleted_row_is_found_by_verify_chain(editor):
    for n in range(4):
        record(editor, "item_viewed", f"item:{n}")
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [seqs[1]])
    assert verify_chain() == seqs[2]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers with BEGIN IMMEDIATE"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_all_land_in_one_chain():
    record(None, "seed")
    errors, start = [], threading.Barrier(4)

    def append(worker):
        try:
            start.wait()
            for n in range(10):
                record(None, "login_failed", f"w{worker}-{n}")
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 41
    assert verify_chain() is None


def test_audit_entries_refuse_update_and_delete_through_the_orm(editor):
    entry = record(editor, "login", "editor")
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_one_bad_file_among_good_ones_leaves_no_file_behind(officer_a, settings):
    before = counts()
    with pytest.raises(ActionError):
        actions.do_create_item(officer_a, content(), [pdf("good.pdf"), pdf("bad.exe", b"MZ")])
    assert counts() == before
    assert not (settings.MEDIA_ROOT / "attachments").exists()


def test_a_bad_file_in_a_batch_attaches_nothing(officer_a, draft, settings):
    before = snapshot(draft)
    with pytest.raises(ActionError):
        actions.do_attach(officer_a, draft.pk, [pdf("good.pdf"), pdf("fake.png", b"%PDF-1.4")])
    assert snapshot(draft) == before
    assert not (settings.MEDIA_ROOT / "attachments").exists()
