"""Every step of an item's way is told to the people it concerns, in their inbox and through the
channels they and their unit chose: webhooks and robots on a real loopback server, sent by the
real worker.

Who should hear of which step is written out here by hand for each test (the ground truth),
not derived from `submissions.announce`.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation

from bulletins import actions as bulletins
from bulletins.actions import UpperIssue
from notify.models import ChannelKind, Delivery, DeliveryStatus, Notification
from notify.worker import process_deliveries
from submissions import actions
from submissions.models import EventKind, ItemEvent, Verification
from submissions.rules import Action
from tests.bulletins.bulletin_helpers import published
from tests.clock import TODAY
from tests.factories import content, forward

pytestmark = pytest.mark.django_db

TITLE = "某区部署汛期安全生产隐患排查"


@pytest.fixture
def wired(officer_a, head_a, officer_b, head_b, unit_a, unit_b, editor, channel_of, listed_server):
    """Everyone on the loop has chosen a channel, each posting to its own path; unit A's WeCom
    group robot and unit B's webhook too."""
    channel_of(officer_a, ChannelKind.WEBHOOK, listed_server.url("/officer_a"))
    channel_of(head_a, ChannelKind.WEBHOOK, listed_server.url("/head_a"))
    channel_of(officer_b, ChannelKind.WEBHOOK, listed_server.url("/officer_b"))
    channel_of(head_b, ChannelKind.WEBHOOK, listed_server.url("/head_b"))
    channel_of(editor, ChannelKind.WEBHOOK, listed_server.url("/editor"))
    channel_of(unit_a, ChannelKind.WECOM, listed_server.url("/unit_a"))
    channel_of(unit_b, ChannelKind.WEBHOOK, listed_server.url("/unit_b"))
    return listed_server


PATHS = ("/officer_a", "/head_a", "/officer_b", "/head_b", "/editor", "/unit_a", "/unit_b")


def key_of(item, kind) -> str:
    event = ItemEvent.objects.filter(item=item, kind=kind).order_by("-pk")[0]
    return f"item:{item.pk}:event:{event.pk}"


def inbox(key: str) -> set[str]:
    return set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))


def note(key: str, username: str) -> Notification:
    return Notification.objects.get(key=key, recipient__username=username)


def sent_to(server, key: str) -> set[str]:
    """The paths that received the message with this key, after the worker ran."""
    process_deliveries(timezone.now() + timedelta(seconds=1))
    return {path for path in PATHS for r in server.to(path) if r.key == key}


def submitted_item(officer):
    return actions.do_create_item(officer, content(), submit=True)


def signed(officer, head):
    item = submitted_item(officer)
    actions.do_transition(head, item.pk, Action.SIGN_OFF)
    return item


def in_review(officer, head, editor):
    item = signed(officer, head)
    actions.do_transition(editor, item.pk, Action.START_REVIEW)
    return item


# --- one test per step ---------------------------------------------------------------------


def test_a_submitted_item_tells_the_unit_head_it_awaits_sign_off(wired, officer_a, head_a):
    item = submitted_item(officer_a)
    key = key_of(item, EventKind.SUBMITTED)
    assert inbox(key) == {"head_a"}
    message = note(key, "head_a")
    assert message.title == f"【待审签】《{TITLE}》"
    assert message.url == f"/items/{item.pk}/"
    assert message.severity == "warning"
    assert sent_to(wired, key) == {"/head_a", "/unit_a"}
    [robot] = [r for r in wired.to("/unit_a") if r.key == key]
    assert f"【待审签】《{TITLE}》" in robot.json["markdown"]["content"]


def test_a_draft_sent_later_tells_the_head_too(wired, officer_a, head_a):
    item = actions.do_create_item(officer_a, content())
    assert not Notification.objects.exists()  # a draft is the officer's own business
    actions.do_transition(officer_a, item.pk, Action.SUBMIT)
    assert inbox(key_of(item, EventKind.SUBMITTED)) == {"head_a"}


def test_a_withdrawn_item_tells_the_head_it_no_longer_waits(wired, officer_a, head_a):
    item = submitted_item(officer_a)
    actions.do_transition(officer_a, item.pk, Action.WITHDRAW)
    key = key_of(item, EventKind.WITHDRAWN)
    assert inbox(key) == {"head_a"}
    assert note(key, "head_a").title == f"【已撤回】《{TITLE}》"
    assert sent_to(wired, key) == {"/head_a", "/unit_a"}


def test_signing_off_tells_the_officer(wired, officer_a, head_a):
    item = signed(officer_a, head_a)
    key = key_of(item, EventKind.SIGNED_OFF)
    assert inbox(key) == {"officer_a"}
    assert note(key, "officer_a").title == f"【已审签】《{TITLE}》"
    assert sent_to(wired, key) == {"/officer_a", "/unit_a"}


def test_a_refused_sign_off_tells_the_officer_why(wired, officer_a, head_a):
    item = submitted_item(officer_a)
    actions.do_transition(head_a, item.pk, Action.REFUSE, "请补充第三季度数据")
    key = key_of(item, EventKind.SIGNOFF_REFUSED)
    assert inbox(key) == {"officer_a"}
    message = note(key, "officer_a")
    assert message.title == f"【审签未通过】《{TITLE}》"
    assert "理由：请补充第三季度数据" in message.body
    assert sent_to(wired, key) == {"/officer_a", "/unit_a"}
    [hook] = [r for r in wired.to("/officer_a") if r.key == key]
    assert "理由：请补充第三季度数据" in hook.json["body"]


def test_a_review_started_tells_the_officer(wired, officer_a, head_a, editor):
    item = in_review(officer_a, head_a, editor)
    key = key_of(item, EventKind.REVIEW_STARTED)
    assert inbox(key) == {"officer_a"}
    assert sent_to(wired, key) == {"/officer_a", "/unit_a"}


def test_an_edit_tells_the_officer_what_changed_and_links_the_comparison(
    wired, officer_a, head_a, editor, client_of
):
    item = in_review(officer_a, head_a, editor)
    item.refresh_from_db()
    actions.do_edit(editor, item.pk, "某区汛期隐患排查", item.body + "\n新增一句。", "压缩标题")
    key = key_of(item, EventKind.EDITED)
    assert inbox(key) == {"officer_a"}
    message = note(key, "officer_a")
    assert message.title == "【已编辑】《某区汛期隐患排查》"
    # Revision 1 is the officer's, 2 the editor's: the link compares them.
    assert message.url == f"/items/{item.pk}/revisions/2/"
    # The new paragraph is five characters, and nothing of the old text was taken out.
    assert (
        f"修改内容：标题由《{TITLE}》改为《某区汛期隐患排查》；正文删去 0 字、增加 5 字。"
        in message.body
    )
    assert "编辑说明：压缩标题" in message.body
    assert client_of(officer_a).get(message.url).status_code == 200
    assert sent_to(wired, key) == {"/officer_a", "/unit_a"}


def test_verification_tells_the_officer_and_a_dispute_says_what(wired, officer_a, head_a, editor):
    item = in_review(officer_a, head_a, editor)
    actions.do_verify(editor, item.pk, Verification.DISPUTED, "伤亡人数与应急局通报不一致")
    key = key_of(item, EventKind.DISPUTED)
    assert inbox(key) == {"officer_a"}
    message = note(key, "officer_a")
    assert message.title == f"【存疑】《{TITLE}》"
    assert "理由：伤亡人数与应急局通报不一致" in message.body
    assert sent_to(wired, key) == {"/officer_a", "/unit_a"}
    actions.do_verify(editor, item.pk, Verification.VERIFIED, "")
    assert inbox(key_of(item, EventKind.VERIFIED)) == {"officer_a"}


def test_a_returned_item_tells_the_officer_the_reason(wired, officer_a, head_a, editor):
    item = in_review(officer_a, head_a, editor)
    actions.do_transition(editor, item.pk, Action.RETURN, "请核实数字")
    key = key_of(item, EventKind.RETURNED)
    assert inbox(key) == {"officer_a"}
    message = note(key, "officer_a")
    assert message.title == f"【退回】《{TITLE}》"
    assert message.body.splitlines()[1:] == ["理由：请核实数字", "请修改后重新报送。"]
    assert sent_to(wired, key) == {"/officer_a", "/unit_a"}


def test_a_filed_item_tells_the_officer_it_was_not_adopted(wired, officer_a, head_a, editor):
    item = in_review(officer_a, head_a, editor)
    actions.do_transition(editor, item.pk, Action.FILE)
    key = key_of(item, EventKind.FILED)
    assert inbox(key) == {"officer_a"}
    assert note(key, "officer_a").title == f"【未采用】《{TITLE}》"
    assert sent_to(wired, key) == {"/officer_a", "/unit_a"}


def test_an_adoption_tells_the_officer_and_every_unit_of_the_item(
    wired, officer_a, head_a, officer_b, head_b, unit_b, editor, province_bulletin
):
    item = actions.do_create_item(officer_a, content(joint_units=[unit_b]), submit=True)
    actions.do_transition(head_a, item.pk, Action.SIGN_OFF)
    forward(editor, item)  # an upper publication adopts only what the section sent up
    upper = UpperIssue(f"{TODAY.year}年第12期", TODAY)
    bulletins.do_adopt(editor, item.pk, province_bulletin, TODAY, "", upper=upper)
    key = key_of(item, EventKind.ADOPTED)
    assert inbox(key) == {"officer_a", "head_a", "officer_b", "head_b"}
    message = note(key, "officer_a")
    assert message.title == f"【采用】《{TITLE}》：省委办公厅信息专报 — {TODAY.year}年第12期"
    assert f"已被采用（省委办公厅信息专报 — {TODAY.year}年第12期）" in message.body
    assert sent_to(wired, key) == {
        "/officer_a",
        "/head_a",
        "/officer_b",
        "/head_b",
        "/unit_a",
        "/unit_b",
    }


def test_an_adoption_in_a_published_issue_names_the_issue(
    officer_a, head_a, editor, chief, city_daily
):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    item = signed(officer_a, head_a)
    issue = published(editor, chief, city_daily, [item], TODAY)
    message = note(key_of(item, EventKind.ADOPTED), "officer_a")
    assert message.title == f"【采用】《{TITLE}》：每日要情 — {issue.year}年第{issue.number}期"


# --- the outbox: exactly once, with the step, whatever the actor reads ------------------------


def test_a_step_rolled_back_tells_nobody(wired, officer_a, head_a):
    item = actions.do_create_item(officer_a, content())
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.do_transition(officer_a, item.pk, Action.SUBMIT)
        raise RuntimeError("the request failed after the step")
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_deliveries_wait_in_the_outbox_and_are_sent_once(wired, officer_a, head_a):
    item = submitted_item(officer_a)
    key = key_of(item, EventKind.SUBMITTED)
    # Committed with the step, before any worker ran: a process killed now loses nothing.
    assert set(Delivery.objects.filter(key=key).values_list("status", flat=True)) == {
        DeliveryStatus.PENDING
    }
    assert sent_to(wired, key) == {"/head_a", "/unit_a"}
    assert sent_to(wired, key) == {"/head_a", "/unit_a"}  # the worker again: nothing new
    assert [r.key for r in wired.to("/head_a")] == [key]
    assert [r.key for r in wired.to("/unit_a")] == [key]


def test_the_text_is_in_the_offices_language_whatever_the_actor_reads(officer_a, head_a):
    with translation.override("en"):
        item = submitted_item(officer_a)
    message = note(key_of(item, EventKind.SUBMITTED), "head_a")
    assert message.title == f"【待审签】《{TITLE}》"
    assert "请审签" in message.body


def test_a_person_who_left_hears_nothing(officer_a, head_a):
    head_a.is_active = False
    head_a.save(update_fields=["is_active"])
    item = submitted_item(officer_a)
    assert inbox(key_of(item, EventKind.SUBMITTED)) == set()


def test_the_officer_sees_the_steps_in_the_inbox_page(officer_a, head_a, editor, client_of):
    item = in_review(officer_a, head_a, editor)
    actions.do_transition(editor, item.pk, Action.RETURN, "请核实数字")
    page = client_of(officer_a).get("/notify/").content.decode()
    for title in (f"【已审签】《{TITLE}》", f"【处理中】《{TITLE}》", f"【退回】《{TITLE}》"):
        assert title in page


# --- the whole loop ------------------------------------------------------------------------


def titles(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True)
    )


def test_an_item_walked_round_the_loop_leaves_each_inbox_its_own_steps(
    wired, officer_a, head_a, editor, city_daily
):
    item = submitted_item(officer_a)
    actions.do_transition(head_a, item.pk, Action.SIGN_OFF)
    actions.do_transition(editor, item.pk, Action.RETURN, "请核实数字")
    actions.do_transition(officer_a, item.pk, Action.SUBMIT)
    actions.do_transition(head_a, item.pk, Action.SIGN_OFF)
    bulletins.do_adopt(editor, item.pk, city_daily, TODAY)

    assert titles(head_a) == [
        f"【待审签】《{TITLE}》",
        f"【待审签】《{TITLE}》",  # sent again after the return: a new step, a new message
        f"【采用】《{TITLE}》：每日要情",
    ]
    assert titles(officer_a) == [
        f"【已审签】《{TITLE}》",
        f"【退回】《{TITLE}》",
        f"【已审签】《{TITLE}》",
        f"【采用】《{TITLE}》：每日要情",
    ]
    assert titles(editor) == []
    process_deliveries(timezone.now() + timedelta(seconds=1))
    assert len(wired.to("/head_a")) == 3
    assert len(wired.to("/officer_a")) == 4
    assert len(wired.to("/unit_a")) == 6  # the unit's robot hears every step
    assert wired.to("/editor") == []
