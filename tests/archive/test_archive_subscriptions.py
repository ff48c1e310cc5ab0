"""A subscribed saved search tells its owner of each new matching document once, through the
notification inbox, and only what the owner may see. Only the worker announces: a search
brings the index up to date for the reader and writes no notification."""

from django.urls import reverse

from archive import actions as archive_actions
from archive import index
from archive.models import NewlyIndexed, SubscriptionHit
from archive.search import Filters
from archive.subscriptions import announce_new
from notify.models import Notification
from submissions import actions
from submissions.models import InfoItem, ItemState
from submissions.rules import Action
from tests.factories import content, make_item
from xinbao.core.worker import Worker


def inbox(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def worker_pass():
    Worker(log=lambda _: None).round()


def test_a_search_finds_a_new_match_but_only_the_worker_announces_it(
    officer_a, head_a, editor, client_of
):
    archive_actions.do_save_search(editor, "暴雨", "暴雨", Filters(), "newest", subscribed=True)
    new = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="城北区暴雨预警")
    page = client_of(editor).get(reverse("archive:search"), {"q": "暴雨"})
    assert f"/items/{new.pk}/" in page.content.decode()  # the reader finds it at once
    assert inbox(editor) == []  # the item's own steps told its unit; the search tells nobody
    assert not SubscriptionHit.objects.filter(doc_key=f"item:{new.pk}").exists()
    worker_pass()
    assert [n.url for n in inbox(editor)] == [f"/items/{new.pk}/"]
    worker_pass()
    assert len(inbox(editor)) == 1


def test_a_new_match_is_announced_once(officer_a, head_a, editor, client_of):
    old = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="城南区暴雨积水")
    archive_actions.do_save_search(editor, "暴雨", "暴雨", Filters(), "newest", subscribed=True)
    new = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="城北区暴雨预警")
    worker_pass()
    told = inbox(editor)
    assert [n.url for n in told] == [f"/items/{new.pk}/"]
    assert "暴雨" in told[0].title and "城北区暴雨预警" in told[0].title
    # The item changes again (edited, adopted...): still one notification for it.
    actions.do_transition(editor, new.pk, Action.START_REVIEW)
    InfoItem.objects.filter(pk=new.pk).update(title="城北区暴雨预警（修订）")
    client_of(editor).get(reverse("archive:search"), {"q": "暴雨"})
    worker_pass()
    assert len(inbox(editor)) == 1
    assert old.pk not in [int(n.url.split("/")[2]) for n in inbox(editor)]


def test_a_worker_stopped_between_drain_and_announcement_loses_nothing(
    officer_a, head_a, editor, client_of
):
    archive_actions.do_save_search(editor, "山洪", "山洪", Filters(), "newest", subscribed=True)
    new = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="西山村山洪预警")
    index.drain()  # a reader's search, or a worker round cut short after its drain
    assert NewlyIndexed.objects.count() == 1
    assert inbox(editor) == []
    assert announce_new() == 1
    assert [n.url for n in inbox(editor)] == [f"/items/{new.pk}/"]
    assert not NewlyIndexed.objects.exists()
    assert announce_new() == 0


def test_nothing_is_recorded_for_announcement_without_a_subscription(officer_a, head_a, editor):
    archive_actions.do_save_search(editor, "山洪", "山洪", Filters(), "newest", subscribed=False)
    make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="西山村山洪预警")
    index.drain()
    assert not NewlyIndexed.objects.exists()


def test_only_what_the_owner_may_see_is_announced(officer_a, head_a, editor):
    archive_actions.do_save_search(editor, "泥石流", "泥石流", Filters(), "newest", subscribed=True)
    draft = actions.do_create_item(officer_a, content(title="泥石流隐患点排查（草稿）"))
    worker_pass()
    assert inbox(editor) == []  # a draft has not left its unit
    actions.do_transition(officer_a, draft.pk, Action.SUBMIT)
    actions.do_transition(head_a, draft.pk, Action.SIGN_OFF)
    worker_pass()
    assert [n.url for n in inbox(editor)] == [f"/items/{draft.pk}/"]


def test_unsubscribed_and_filtered_searches(officer_a, head_a, officer_b, head_b, editor):
    archive_actions.do_save_search(
        editor, "只看甲区", "山体滑坡", Filters(units=(officer_a.unit_id,)), "newest", True
    )
    saved = archive_actions.do_save_search(editor, "不提醒", "山体滑坡", Filters(), "newest", False)
    make_item(officer_b, ItemState.SUBMITTED, head=head_b, title="乙县山体滑坡")
    mine = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区山体滑坡")
    worker_pass()
    assert [n.url for n in inbox(editor)] == [f"/items/{mine.pk}/"]
    archive_actions.do_subscribe(editor, saved.pk, True)  # what matches now is not news
    worker_pass()
    assert len(inbox(editor)) == 1


def test_the_worker_announces_new_matches_without_anyone_searching(officer_a, head_a, editor):
    archive_actions.do_save_search(editor, "山洪", "山洪", Filters(), "newest", subscribed=True)
    new = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="西山村山洪预警")
    assert inbox(editor) == []
    worker_pass()
    assert [n.url for n in inbox(editor)] == [f"/items/{new.pk}/"]
