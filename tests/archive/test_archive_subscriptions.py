"""A subscribed saved search tells its owner of each new matching document once, through the
notification inbox, and only what the owner may see."""

from django.urls import reverse

from archive import actions as archive_actions
from archive.search import Filters
from notify.models import Notification
from submissions import actions
from submissions.models import InfoItem, ItemState
from submissions.rules import Action
from tests.factories import content, make_item


def inbox(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_a_new_match_is_announced_once(officer_a, head_a, editor, client_of):
    old = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="城南区暴雨积水")
    archive_actions.do_save_search(editor, "暴雨", "暴雨", Filters(), "newest", subscribed=True)
    new = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="城北区暴雨预警")
    client_of(editor).get(reverse("archive:search"), {"q": "任何"})  # any search drains
    told = inbox(editor)
    assert [n.url for n in told] == [f"/items/{new.pk}/"]
    assert "暴雨" in told[0].title and "城北区暴雨预警" in told[0].title
    # The item changes again (edited, adopted...): still one notification for it.
    actions.do_transition(editor, new.pk, Action.START_REVIEW)
    InfoItem.objects.filter(pk=new.pk).update(title="城北区暴雨预警（修订）")
    client_of(editor).get(reverse("archive:search"), {"q": "暴雨"})
    assert len(inbox(editor)) == 1
    assert old.pk not in [int(n.url.split("/")[2]) for n in inbox(editor)]


def test_only_what_the_owner_may_see_is_announced(officer_a, head_a, editor):
    archive_actions.do_save_search(editor, "泥石流", "泥石流", Filters(), "newest", subscribed=True)
    draft = actions.do_create_item(officer_a, content(title="泥石流隐患点排查（草稿）"))
    from archive import index

    index.drain()
    assert inbox(editor) == []  # a draft has not left its unit
    actions.do_transition(officer_a, draft.pk, Action.SUBMIT)
    actions.do_transition(head_a, draft.pk, Action.SIGN_OFF)
    index.drain()
    assert [n.url for n in inbox(editor)] == [f"/items/{draft.pk}/"]


def test_unsubscribed_and_filtered_searches(officer_a, head_a, officer_b, head_b, editor):
    archive_actions.do_save_search(
        editor, "只看甲区", "山体滑坡", Filters(units=(officer_a.unit_id,)), "newest", True
    )
    saved = archive_actions.do_save_search(editor, "不提醒", "山体滑坡", Filters(), "newest", False)
    make_item(officer_b, ItemState.SUBMITTED, head=head_b, title="乙县山体滑坡")
    mine = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区山体滑坡")
    from archive import index

    index.drain()
    assert [n.url for n in inbox(editor)] == [f"/items/{mine.pk}/"]
    archive_actions.do_subscribe(editor, saved.pk, True)  # what matches now is not news
    index.drain()
    assert len(inbox(editor)) == 1


def test_the_worker_announces_new_matches_without_anyone_searching(officer_a, head_a, editor):
    from xinbao.core.worker import Worker

    archive_actions.do_save_search(editor, "山洪", "山洪", Filters(), "newest", subscribed=True)
    new = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="西山村山洪预警")
    assert inbox(editor) == []
    Worker(log=lambda _: None).round()
    assert [n.url for n in inbox(editor)] == [f"/items/{new.pk}/"]
