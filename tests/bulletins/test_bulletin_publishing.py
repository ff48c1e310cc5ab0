"""Compiling, signing off and publishing an issue: what each step allows, what publishing
records (adoptions the points ledger reads), and that the bulletin's text never touches the
item's own."""

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from bulletins import actions
from bulletins.models import Adoption, IssueEntry, IssueState, ReadReceipt
from notify.models import Notification
from submissions.models import InfoItem, ItemState
from tests.bulletins.bulletin_helpers import draft, published
from tests.clock import days_before
from tests.factories import make_item

pytestmark = pytest.mark.django_db
DAY = days_before(4)  # a recent working day


def test_entries_copy_the_items_text_and_credit_every_source_unit(editor, daily, three_items):
    issue = draft(editor, daily, three_items, DAY)
    entries = {e.item_id: e for e in issue.entries.all()}
    assert sorted(e.position for e in entries.values()) == [1, 2, 3]
    first, _second, joint = three_items
    assert (entries[first.pk].title, entries[first.pk].body) == (first.title, first.body)
    assert entries[joint.pk].credit == "甲区委办公室、乙县委办公室"


def test_items_added_at_once_go_in_as_the_picker_lists_them_newest_submitted_first(
    editor, daily, three_items
):
    """An item touched after it was submitted (here the oldest, last) keeps its place: the
    issue takes them in the picker's order, not by when each row was last written."""
    oldest = three_items[0]
    InfoItem.objects.filter(pk=oldest.pk).update(updated_at=timezone.now())
    issue = draft(editor, daily, three_items, DAY)
    by_submission = sorted(three_items, key=lambda i: (i.submitted_at, i.pk), reverse=True)
    placed = list(issue.entries.order_by("position").values_list("item_id", flat=True))
    assert placed == [i.pk for i in by_submission]


def test_an_item_goes_into_an_issue_once(editor, daily, three_items):
    issue = draft(editor, daily, three_items[:1], DAY)
    with pytest.raises(actions.ActionError):
        actions.do_add_entries(editor, issue.pk, [three_items[0].pk])


def test_drafts_and_filed_items_cannot_go_in(editor, daily, officer_a, head_a):
    issue = draft(editor, daily, [], DAY)
    for state in (ItemState.DRAFT, ItemState.FILED, ItemState.RETURNED):
        item = make_item(officer_a, state, head=head_a, editor=editor)
        with pytest.raises(actions.ActionError):
            actions.do_add_entries(editor, issue.pk, [item.pk])
    assert not issue.entries.exists()


def test_editing_an_entry_leaves_the_items_text_alone(editor, daily, three_items):
    item = three_items[0]
    issue = draft(editor, daily, [item], DAY)
    entry = issue.entries.get()
    actions.do_edit_entry(editor, entry.pk, "汛期隐患排查全面展开", "压缩后的一段。", "甲区")
    item.refresh_from_db()
    entry.refresh_from_db()
    assert (entry.title, entry.body, entry.credit) == (
        "汛期隐患排查全面展开",
        "压缩后的一段。",
        "甲区",
    )
    assert item.title == "甲区部署汛期隐患排查"
    assert item.body.startswith("某区今日召开安全生产工作会议")
    assert item.revision_count == 1


def test_entries_move_and_leave(editor, daily, three_items):
    issue = draft(editor, daily, three_items, DAY)
    first, second, third = issue.entries.order_by("position")
    actions.do_move_entry(editor, third.pk, -1)
    actions.do_move_entry(editor, first.pk, -1)  # already first: nothing happens
    order = list(issue.entries.order_by("position").values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]
    actions.do_remove_entry(editor, third.pk)
    assert list(issue.entries.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        second.pk,
    ]


def test_each_change_to_the_entries_is_audited(editor, daily, three_items):
    issue = draft(editor, daily, three_items, DAY)
    first, _second, third = issue.entries.order_by("position")
    actions.do_edit_entry(editor, first.pk, "新标题", first.body, first.credit)
    actions.do_move_entry(editor, third.pk, -1)
    actions.do_remove_entry(editor, third.pk)
    entries = {e.action: e for e in AuditEntry.objects.filter(actor=editor)}
    assert entries["issue_entries_added"].data == {"items": sorted(i.pk for i in three_items)}
    edited = entries["issue_entry_edited"]
    assert edited.target == f"issue:{issue.pk} item:{first.item_id}"
    assert edited.data == {"fields": ["title"]}  # which field, never the bulletin's words
    assert entries["issue_entry_moved"].data == {"before": 3, "after": 2}
    assert entries["issue_entry_removed"].data == {"position": 2}


def test_publishing_records_each_entrys_adoption_with_the_issue(editor, chief, daily, three_items):
    issue = published(editor, chief, daily, three_items, DAY)
    adoptions = Adoption.objects.filter(issue=issue).order_by("item_id")
    assert [(a.item_id, a.publication_id, a.level, a.adopted_on) for a in adoptions] == [
        (i.pk, daily.pk, "city", DAY) for i in three_items
    ]
    assert set(
        InfoItem.objects.filter(pk__in=[i.pk for i in three_items]).values_list("state", flat=True)
    ) == {ItemState.ADOPTED}


def test_publishing_keeps_the_source_text_and_prints_the_edited_one(
    editor, chief, daily, three_items
):
    item = three_items[1]
    issue = draft(editor, daily, [item], DAY)
    entry = issue.entries.get()
    actions.do_edit_entry(editor, entry.pk, "乙县农村供水保障工程启动", "精简稿。", entry.credit)
    actions.do_submit_issue(editor, issue.pk)
    actions.do_sign_off_issue(chief, issue.pk)
    actions.do_publish(editor, issue.pk)
    item.refresh_from_db()
    assert item.title == "乙县农村供水"
    assert "精简稿" not in item.body
    assert IssueEntry.objects.get(pk=entry.pk).body == "精简稿。"


def test_only_the_chief_signs_off(editor, chief, daily, three_items):
    issue = draft(editor, daily, three_items, DAY)
    actions.do_submit_issue(editor, issue.pk)
    with pytest.raises(actions.ActionError):
        actions.do_sign_off_issue(editor, issue.pk)
    assert actions.do_sign_off_issue(chief, issue.pk).state == IssueState.SIGNED_OFF


@pytest.mark.parametrize("stage", ["draft", "awaiting"])
def test_only_a_signed_off_issue_publishes(editor, daily, three_items, stage):
    issue = draft(editor, daily, three_items, DAY)
    if stage == "awaiting":
        actions.do_submit_issue(editor, issue.pk)
    with pytest.raises(actions.ActionError):
        actions.do_publish(editor, issue.pk)
    assert not Adoption.objects.filter(publication=daily).exists()


def test_an_empty_issue_cannot_go_to_the_chief(editor, daily):
    issue = draft(editor, daily, [], DAY)
    with pytest.raises(actions.ActionError):
        actions.do_submit_issue(editor, issue.pk)


def test_the_chief_returns_with_a_reason_and_the_editor_compiles_again(
    editor, chief, daily, three_items
):
    issue = draft(editor, daily, three_items, DAY)
    actions.do_submit_issue(editor, issue.pk)
    with pytest.raises(actions.ActionError):
        actions.do_return_issue(chief, issue.pk, " ")
    actions.do_return_issue(chief, issue.pk, "第二条数据需核实")
    entry = issue.entries.first()
    actions.do_edit_entry(editor, entry.pk, entry.title, "核实后的数据。", entry.credit)


def test_a_submitted_issue_is_frozen_for_the_editor(editor, daily, three_items):
    issue = draft(editor, daily, three_items, DAY)
    actions.do_submit_issue(editor, issue.pk)
    entry = issue.entries.first()
    with pytest.raises(actions.ActionError):
        actions.do_edit_entry(editor, entry.pk, "改", "改了。", "甲区")
    with pytest.raises(actions.ActionError):
        actions.do_remove_entry(editor, entry.pk)


def test_publishing_tells_the_readers(editor, chief, daily, three_items, leader):
    published(editor, chief, daily, three_items, DAY)
    assert Notification.objects.filter(recipient=leader).exists()


def test_a_read_receipt_is_kept_once_and_only_for_published_issues(
    editor, chief, daily, three_items, leader
):
    pending = draft(editor, daily, three_items[:1], DAY)
    actions.do_mark_read(leader, pending)
    issue = published(editor, chief, daily, three_items[1:], DAY)
    actions.do_mark_read(leader, issue)
    actions.do_mark_read(leader, issue)
    assert list(ReadReceipt.objects.values_list("issue_id", "reader_id")) == [(issue.pk, leader.pk)]
