"""The screens: they validate, hand writes to `actions`, and render. Status codes, redirects and
database effects are checked here, not layout."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bulletins.models import Adoption
from submissions.actions import do_edit
from submissions.models import InfoItem, ItemEvent, ItemState
from tests.clock import TODAY
from tests.download_checks import saved_name
from tests.factories import BODY, adopt, forward, make_item, pdf

pytestmark = pytest.mark.django_db

CREATE = reverse("submissions:create")


def act_url(item, action):
    return reverse("submissions:act", args=[item.pk, action])


def adopt_url(item):
    return reverse("bulletins:adopt_item", args=[item.pk])


def detail_url(item):
    return reverse("submissions:detail", args=[item.pk])


def item_post(**overrides):
    data = {
        "title": "某区部署汛期安全生产隐患排查",
        "kind": "news",
        "body": BODY,
        "tags": "防汛，安全生产",
    }
    data.update(overrides)
    return data


# --- writing an item ------------------------------------------------------------------------


def test_it_saves_a_draft(client_of, officer_a):
    response = client_of(officer_a).post(CREATE, item_post())
    item = InfoItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(item)
    assert (item.state, item.author) == (ItemState.DRAFT, officer_a)


def test_it_sends_for_sign_off_when_submit_is_pressed(client_of, officer_a):
    client_of(officer_a).post(CREATE, item_post(submit="1"))
    assert InfoItem.objects.get().state == ItemState.AWAITING_SIGNOFF


def test_it_stores_tags_and_joint_units(client_of, officer_a, unit_b):
    client_of(officer_a).post(CREATE, item_post(joint_units=[unit_b.pk]))
    item = InfoItem.objects.get()
    assert sorted(item.tags.values_list("name", flat=True)) == ["安全生产", "防汛"]
    assert list(item.joint_units.all()) == [unit_b]


def test_it_stores_an_attachment(client_of, officer_a):
    client_of(officer_a).post(CREATE, item_post(attachments=[pdf("现场照片说明.pdf")]))
    assert InfoItem.objects.get().attachments.get().original_name == "现场照片说明.pdf"


def test_the_create_page_renders_for_an_officer(client_of, officer_a):
    assert client_of(officer_a).get(CREATE).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"body": "太短了。"}, "body"),
        ({"occurred_on": (TODAY + timedelta(days=1)).isoformat()}, "occurred_on"),
        ({"tags": "，".join(f"标签{n}" for n in range(11))}, "tags"),
        ({"kind": "gossip"}, "kind"),
    ],
    ids=["empty-title", "short-body", "future-date", "eleven-tags", "bad-kind"],
)
def test_bad_input_shows_the_form_again_and_writes_nothing(client_of, officer_a, overrides, field):
    response = client_of(officer_a).post(CREATE, item_post(**overrides, submit="1"))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert InfoItem.objects.count() == 0


def test_a_bad_attachment_shows_the_form_again_and_writes_nothing(client_of, officer_a):
    exe = pdf("tool.exe", b"MZ\x90\x00\x03")
    response = client_of(officer_a).post(CREATE, item_post(attachments=[exe]))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert (InfoItem.objects.count(), ItemEvent.objects.count()) == (0, 0)


# --- the lifecycle through the screens ------------------------------------------------------


def test_the_unit_head_signs_off(client_of, officer_a, head_a):
    item = make_item(officer_a, ItemState.AWAITING_SIGNOFF)
    response = client_of(head_a).post(act_url(item, "sign_off"), {"sign_off-comment": "同意报送"})
    item.refresh_from_db()
    assert response.status_code == 302
    assert (item.state, item.events.last().comment) == (ItemState.SUBMITTED, "同意报送")
    assert item.submitted_at is not None


def test_refusing_without_a_reason_is_a_400_and_writes_nothing(client_of, officer_a, head_a):
    item = make_item(officer_a, ItemState.AWAITING_SIGNOFF)
    events = item.events.count()
    response = client_of(head_a).post(act_url(item, "refuse"), {"refuse-comment": ""})
    item.refresh_from_db()
    assert response.status_code == 400
    assert "comment" in response.context["forms"]["refuse"].errors
    assert (item.state, item.events.count()) == (ItemState.AWAITING_SIGNOFF, events)


def test_the_editor_adopts(client_of, officer_a, head_a, editor, province_bulletin):
    item = make_item(officer_a, ItemState.UNDER_REVIEW, head=head_a, editor=editor)
    forward(editor, item)
    today = timezone.localdate()
    response = client_of(editor).post(
        adopt_url(item),
        {
            "adopt-publication": province_bulletin.pk,
            "adopt-adopted_on": today.isoformat(),
            "adopt-upper_issue_number": "2026年第88期",
            "adopt-upper_issue_date": today.isoformat(),
        },
    )
    assert response.status_code == 302
    adoption = Adoption.objects.get(item=item)
    assert (adoption.publication, adoption.level, adoption.adopted_on) == (
        province_bulletin,
        "province",
        today,
    )
    assert (adoption.upper_issue_number, adoption.upper_issue_date) == ("2026年第88期", today)
    assert InfoItem.objects.get(pk=item.pk).state == ItemState.ADOPTED


def test_an_adoption_dated_tomorrow_is_refused(client_of, officer_a, editor, city_daily):
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_of(editor).post(
        adopt_url(item),
        {"adopt-publication": city_daily.pk, "adopt-adopted_on": tomorrow.isoformat()},
    )
    assert response.status_code == 400
    assert "adopted_on" in response.context["forms"]["adopt"].errors
    assert not Adoption.objects.exists()


def test_the_item_page_offers_the_adoption_form_to_the_editor_only(
    client_of, officer_a, editor, city_daily
):
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)
    form = f'action="{adopt_url(item)}"'
    assert form in client_of(editor).get(detail_url(item)).content.decode()
    assert form not in client_of(officer_a).get(detail_url(item)).content.decode()


def test_disputing_without_a_note_leaves_the_item_unverified(client_of, officer_a, editor):
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)
    response = client_of(editor).post(act_url(item, "verify"), {"verify-verdict": "disputed"})
    item.refresh_from_db()
    assert response.status_code == 302
    assert item.verification == "unverified"


def test_the_editor_edits_through_the_edit_page(client_of, officer_a, editor):
    item = make_item(officer_a, ItemState.SUBMITTED)
    url = reverse("submissions:edit", args=[item.pk])
    response = client_of(editor).post(
        url, {"title": "精编标题", "body": "精编后的正文。", "comment": "压缩"}
    )
    item.refresh_from_db()
    assert response.status_code == 302
    assert (item.state, item.title, item.revision_count) == (ItemState.UNDER_REVIEW, "精编标题", 2)


def test_the_officer_revises_a_returned_item_and_resubmits(client_of, officer_a, editor):
    item = make_item(officer_a, ItemState.RETURNED, editor=editor)
    url = reverse("submissions:revise", args=[item.pk])
    response = client_of(officer_a).post(url, item_post(title="补充后的标题", submit="1"))
    item.refresh_from_db()
    assert response.status_code == 302
    assert (item.state, item.title) == (ItemState.AWAITING_SIGNOFF, "补充后的标题")


def test_the_detail_page_shows_the_editors_changes(client_of, officer_a, editor):
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)
    client_of(editor).post(
        reverse("submissions:edit", args=[item.pk]), {"title": item.title, "body": "精编后的正文。"}
    )
    response = client_of(editor).get(detail_url(item))
    assert response.status_code == 200
    assert response.context["edited"] is True
    assert response.context["original"].body == BODY


def test_the_leaders_home_shows_the_adopted_item(client_of, officer_a, leader, city_daily):
    adopted = make_item(officer_a, ItemState.ADOPTED, publication=city_daily, title="已采用的信息")
    make_item(officer_a, ItemState.FILED, title="存档未用的信息")
    response = client_of(leader).get(reverse("submissions:home"))
    assert response.status_code == 200
    assert list(response.context["adopted"]) == [adopted]
    assert "已采用的信息" in response.content.decode()
    assert "存档未用的信息" not in response.content.decode()


def test_the_editors_home_queues_submitted_items(client_of, officer_a, editor):
    queued = make_item(officer_a, ItemState.SUBMITTED)
    make_item(officer_a, ItemState.AWAITING_SIGNOFF)
    response = client_of(editor).get(reverse("submissions:home"))
    assert list(response.context["queue"]) == [queued]


def test_the_list_filters_by_state(client_of, officer_a):
    make_item(officer_a)
    sent = make_item(officer_a, ItemState.AWAITING_SIGNOFF)
    response = client_of(officer_a).get(reverse("submissions:list"), {"state": "awaiting_signoff"})
    assert list(response.context["page"]) == [sent]


def test_an_attachment_downloads_for_its_officer(client_of, officer_a):
    item = make_item(officer_a, files=[pdf()])
    response = client_of(officer_a).get(
        reverse("submissions:attachment", args=[item.attachments.get().pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_attachment_downloads_under_the_name_it_was_sent_with(client_of, officer_a):
    item = make_item(officer_a, files=[pdf(f"甲区〔{TODAY.year}〕汛情:统计|（终稿）.pdf")])
    attachment = item.attachments.get()
    response = client_of(officer_a).get(reverse("submissions:attachment", args=[attachment.pk]))
    # The colon and bar Windows refuses are dropped; the brackets stay.
    assert saved_name(response) == f"甲区〔{TODAY.year}〕汛情统计（终稿）.pdf"
    assert f'filename="attachment-{attachment.pk}.pdf"' in response["Content-Disposition"]


# --- query counts ---------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _pages_do_not_grow(client, url, add_items, django_assert_max_num_queries):
    client.get(url)  # the first request of a session writes the idle-timeout stamp
    add_items(5)
    few = count_queries(client, url)
    add_items(25)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
    assert few <= 20


URLS = {"list": reverse("submissions:list"), "home": reverse("submissions:home")}


@pytest.mark.parametrize("page", list(URLS))
def test_the_officers_pages_do_not_grow_with_items(
    page, client_of, officer_a, unit_b, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            make_item(officer_a, ItemState.AWAITING_SIGNOFF, joint_units=(unit_b,), files=[pdf()])

    _pages_do_not_grow(client_of(officer_a), URLS[page], add, django_assert_max_num_queries)


@pytest.mark.parametrize("page", list(URLS))
def test_the_editors_pages_do_not_grow_with_items(
    page, client_of, officer_a, head_a, editor, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            make_item(officer_a, ItemState.SUBMITTED, head=head_a)

    _pages_do_not_grow(client_of(editor), URLS[page], add, django_assert_max_num_queries)


@pytest.mark.parametrize("page", list(URLS))
def test_the_leaders_pages_do_not_grow_with_items(
    page,
    client_of,
    officer_a,
    head_a,
    editor,
    leader,
    city_daily,
    province_bulletin,
    django_assert_max_num_queries,
):
    def add(n):
        for _ in range(n):
            item = make_item(
                officer_a, ItemState.ADOPTED, head=head_a, editor=editor, publication=city_daily
            )
            adopt(editor, item, province_bulletin, timezone.localdate())

    _pages_do_not_grow(client_of(leader), URLS[page], add, django_assert_max_num_queries)


def test_the_detail_page_does_not_grow_with_history(
    client_of, officer_a, editor, django_assert_max_num_queries
):
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor, files=[pdf()])
    client = client_of(editor)
    client.get(detail_url(item))  # the first request of a session writes the idle-timeout stamp
    few = count_queries(client, detail_url(item))
    for n in range(10):
        do_edit(editor, item.pk, item.title, f"第{n}次精编后的正文。")
    with django_assert_max_num_queries(few):
        client.get(detail_url(item))


# --- health, login, language ----------------------------------------------------------------


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["db"]) == ("ok", "ok")


def test_livez_answers_without_login(client):
    response = client.get("/livez")
    assert (response.status_code, response.content) == (200, b"ok")


def test_read_only_pages_answer_head_as_load_balancers_send_it(client_of, officer_a, client):
    assert client.head("/livez").status_code == 200
    assert client.head("/healthz").status_code == 200
    assert client_of(officer_a).head(reverse("submissions:list")).status_code == 200
    assert client.put("/livez").status_code == 405


def test_an_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/items/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=/items/")


def test_the_login_page_renders_for_anonymous_visitors(client):
    assert client.get(reverse("login")).status_code == 200


def test_the_language_switch_renders_english(client_of, officer_a):
    client = client_of(officer_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/items/"})
    response = client.get(reverse("submissions:list"))
    assert 'lang="en"' in response.content.decode()


def test_pages_default_to_simplified_chinese(client_of, officer_a):
    response = client_of(officer_a).get(reverse("submissions:list"))
    assert 'lang="zh-hans"' in response.content.decode()
