"""The search page, its filter counts and saved searches, as users meet them."""

import re

from django.urls import reverse

from archive.models import SavedSearch
from submissions.models import ItemState
from tests.factories import make_item


def test_the_page_finds_a_two_character_word_and_marks_it(officer_a, head_a, editor, client_of):
    item = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="城南区突发火灾 已扑灭")
    page = client_of(editor).get(reverse("archive:search"), {"q": "火灾"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/items/{item.pk}/"' in html
    assert "<mark>火灾</mark>" in html
    assert '<p class="archive-count">1篇文档' in html  # one page holds every match: counted


def test_filters_narrow_and_counts_show(officer_a, head_a, officer_b, head_b, editor, client_of):
    a = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区防汛检查")
    b = make_item(officer_b, ItemState.SUBMITTED, head=head_b, title="乙县防汛检查")
    client = client_of(editor)
    narrowed = client.get(reverse("archive:search"), {"q": "防汛", "unit": officer_a.unit_id})
    html = narrowed.content.decode()
    assert f"/items/{a.pk}/" in html and f"/items/{b.pk}/" not in html
    facets = client.get(reverse("archive:facets"), {"q": "防汛"}).content.decode()
    assert officer_a.unit.name in facets and officer_b.unit.name in facets
    assert 'name="unit"' in facets


def test_htmx_requests_get_the_results_only(officer_a, head_a, editor, client_of):
    make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="汛期值班安排")
    page = client_of(editor).get(reverse("archive:search"), {"q": "值班"}, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "archive-results" in html and "<html" not in html


def test_a_bad_query_says_why(editor, client_of):
    page = client_of(editor).get(
        reverse("archive:search"), {"q": " ".join(f"词{i}" for i in range(30))}
    )
    assert page.status_code == 200
    assert "errorlist" in page.content.decode()


def test_save_subscribe_and_delete_a_search(editor, client_of):
    client = client_of(editor)
    response = client.post(
        reverse("archive:save"),
        {"search": "q=%E7%81%AB%E7%81%BE&kind=item", "name": "火灾信息", "subscribed": "on"},
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(owner=editor)
    assert (saved.query, saved.filters, saved.subscribed) == ("火灾", {"kinds": ["item"]}, True)
    page = client.get(reverse("archive:search")).content.decode()
    assert "火灾信息" in page
    client.post(reverse("archive:saved", args=[saved.pk]), {"do": "unsubscribe"})
    saved.refresh_from_db()
    assert not saved.subscribed
    client.post(reverse("archive:saved", args=[saved.pk]), {"do": "delete"})
    assert not SavedSearch.objects.exists()


def test_nobody_touches_another_users_saved_search(editor, chief, client_of):
    client_of(editor).post(reverse("archive:save"), {"search": "q=%E6%B0%B4", "name": "水"})
    saved = SavedSearch.objects.get(owner=editor)
    client_of(chief).post(reverse("archive:saved", args=[saved.pk]), {"do": "delete"})
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
    assert (
        "水"
        not in client_of(chief)
        .get(reverse("archive:search"))
        .content.decode()
        .split("archive-saved")[1]
    )


def test_the_same_name_twice_is_refused(editor, client_of):
    client = client_of(editor)
    client.post(reverse("archive:save"), {"search": "q=a", "name": "同名"})
    client.post(reverse("archive:save"), {"search": "q=b", "name": "同名"})
    assert SavedSearch.objects.filter(owner=editor).count() == 1


def test_administrators_have_no_search(system_admin, audit_admin, client_of):
    for admin in (system_admin, audit_admin):
        assert client_of(admin).get(reverse("archive:search")).status_code == 403
        assert client_of(admin).get(reverse("archive:facets")).status_code == 403
        assert client_of(admin).get(reverse("archive:count"), {"q": "火灾"}).status_code == 403


def test_every_reader_has_the_page(personas, client_of):
    for name in ("officer_a", "head_a", "editor", "chief", "duty_officer", "leader"):
        assert client_of(personas[name]).get(reverse("archive:search")).status_code == 200, name


def test_result_page_query_count_is_flat(
    officer_a, head_a, editor, client_of, django_assert_max_num_queries
):
    for i in range(25):
        make_item(officer_a, ItemState.SUBMITTED, head=head_a, title=f"第{i}期防汛简报")
    client = client_of(editor)
    client.get(reverse("archive:search"), {"q": "防汛"})  # index catches up
    with django_assert_max_num_queries(12):
        client.get(reverse("archive:search"), {"q": "防汛"})


def test_signed_out_visitors_are_sent_to_log_in(client, editor):
    for name in ("archive:search", "archive:count", "archive:facets"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(reverse("archive:save"), {"name": "x"}).status_code == 302
    assert not SavedSearch.objects.exists()


def test_administrators_cannot_save_searches(system_admin, client_of):
    response = client_of(system_admin).post(reverse("archive:save"), {"search": "q=a", "name": "x"})
    assert response.status_code == 403
    assert not SavedSearch.objects.exists()


def test_the_demo_saved_searches_load_once(editor, chief, leader):
    from xinbao.demo.archive import load_archive

    users = {"bianji1": editor, "kezhang": chief, "lingdao": leader}
    assert load_archive(users).endswith("4 saved searches")
    assert load_archive(users).endswith("0 saved searches")
    assert SavedSearch.objects.filter(owner=editor, subscribed=True).count() == 1


def test_the_total_follows_a_page_that_does_not_hold_every_match(
    officer_a, head_a, officer_b, head_b, editor, client_of
):
    """Counting every match of a common word costs more than the newest twenty, so a first
    page that has a next one leaves the count to a request of its own; the last page knows it."""
    for i in range(23):
        make_item(officer_a, ItemState.SUBMITTED, head=head_a, title=f"第{i}期汛情通报")
    make_item(officer_b, ItemState.SUBMITTED, head=head_b, title="乙县汛情通报")
    client = client_of(editor)
    first = client.get(reverse("archive:search"), {"q": "汛情", "unit": officer_a.unit_id})
    html = first.content.decode()
    assert "23篇文档" not in html and "正在统计结果数" in html
    assert "第 1 页</span>" in html  # how many pages is not known yet
    loads = re.search(r'hx-get="(/archive/count/\?[^"]*)"', html)
    assert loads is not None
    line = client.get(loads.group(1).replace("&amp;", "&")).content.decode()
    assert '<p class="archive-count">23篇文档 · <span class="muted">汛情</span></p>' in line
    assert '<span id="pager-position" hx-swap-oob="true">第 1 页，共 2 页</span>' in line
    last = client.get(
        reverse("archive:search"), {"q": "汛情", "unit": officer_a.unit_id, "page": 2}
    ).content.decode()
    assert "23篇文档" in last and "第 2 页，共 2 页" in last and "/archive/count/" not in last
    assert "hx-swap-oob" not in last  # the pager is in place, not moved
    everyone = client.get(reverse("archive:count"), {"q": "汛情"}).content.decode()
    assert "24篇文档" in everyone


def test_the_count_says_what_the_reader_may_see(officer_a, head_a, officer_b, client_of):
    make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区汛情通报")
    make_item(officer_b, ItemState.DRAFT, title="乙县汛情通报草稿")
    line = client_of(officer_a).get(reverse("archive:count"), {"q": "汛情"}).content.decode()
    assert "1篇文档" in line
    bad = client_of(officer_a).get(reverse("archive:count"), {"q": "x" * 500})
    assert bad.status_code == 200 and bad.content == b""


def test_results_come_in_pages(officer_a, head_a, editor, client_of):
    for i in range(23):
        make_item(officer_a, ItemState.SUBMITTED, head=head_a, title=f"第{i}期汛情通报")
    client = client_of(editor)
    first = client.get(reverse("archive:search"), {"q": "汛情"}).content.decode()
    assert first.count('<li class="hit">') == 20 and "page=2" in first
    second = client.get(reverse("archive:search"), {"q": "汛情", "page": 2}).content.decode()
    assert second.count('<li class="hit">') == 3 and "page=1" in second
