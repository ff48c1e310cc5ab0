"""What the views give htmx, and how it stays out of the browser's history: fragments and pages
at one address vary with `HX-Request`, a fragment is never stored, a redirect answering htmx is
sent to the whole window (the login page after the session ended, with `next` naming the page
the person was on, not the fragment), and the bulletin's candidate picker keeps ticked items
across searches."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import reverse

from bulletins import actions as bulletin_actions
from submissions.models import ItemState
from tests.clock import TODAY
from tests.factories import make_item

HTMX = {"HX-Request": "true"}
MENU = 'class="mainnav"'


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def test_the_board_gives_htmx_its_rows_and_both_answers_vary_with_hx_request(
    client_of, duty_officer
):
    client = client_of(duty_officer)
    board = reverse("emergencies:board")
    page = client.get(board)
    rows = client.get(board, headers=HTMX)
    assert MENU in page.content.decode() and MENU not in rows.content.decode()
    assert "hx-request" in vary(page) and "hx-request" in vary(rows)
    assert "no-store" in rows["Cache-Control"]


def test_an_anonymous_fragment_is_not_stored_either():
    response = Client().get(reverse("login"), headers=HTMX)
    assert "no-store" in response["Cache-Control"]
    assert "hx-request" in vary(response)


def test_static_files_do_not_vary_with_hx_request(client_of, editor):
    response = client_of(editor).get(f"{settings.STATIC_URL}js/countdown.js")
    assert response.status_code == 200
    assert "hx-request" not in vary(response)


def test_the_login_redirect_of_a_fragment_sends_the_window_back_to_the_page(editor, city_daily):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    issue = bulletin_actions.do_create_issue(editor, city_daily, TODAY)
    fragment = reverse("bulletins:candidates", args=[issue.pk])
    page = reverse("bulletins:issue", args=[issue.pk])
    login = reverse("login")

    plain = Client().get(fragment)
    assert (plain.status_code, plain["Location"]) == (302, f"{login}?next={fragment}")

    current = f"http://testserver{page}?q=%E4%BE%9B%E6%B0%B4"
    htmx = Client().get(fragment, headers={**HTMX, "HX-Current-URL": current})
    assert htmx.status_code == 204  # a 302 would be followed inside the request
    target = urlsplit(htmx["HX-Redirect"])
    assert target.path == login
    assert parse_qs(target.query) == {"next": [f"{page}?q=%E4%BE%9B%E6%B0%B4"]}
    assert "Location" not in htmx


def test_a_current_url_on_another_site_is_not_where_the_login_leads(editor, city_daily):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    issue = bulletin_actions.do_create_issue(editor, city_daily, TODAY)
    fragment = reverse("bulletins:candidates", args=[issue.pk])
    elsewhere = "https://evil.example/bulletins/"
    htmx = Client().get(fragment, headers={**HTMX, "HX-Current-URL": elsewhere})
    assert htmx["HX-Redirect"] == f"{reverse('login')}?next={fragment}"


def test_a_write_by_htmx_that_redirects_sends_the_window_there(client_of, editor, city_daily):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    issue = bulletin_actions.do_create_issue(editor, city_daily, TODAY)
    add = reverse("bulletins:add_entries", args=[issue.pk])
    response = client_of(editor).post(add, {}, headers=HTMX)  # nothing ticked: back to the issue
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("bulletins:issue", args=[issue.pk])


def test_ticked_candidates_stay_in_the_picker_ticked_whatever_the_search(
    client_of, editor, city_daily, officer_a, head_a
):
    city_daily.compiled_here = True
    city_daily.save(update_fields=["compiled_here"])
    water = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区农村供水保障")
    flood = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区防汛物资到位")
    fire = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="甲区城南街道民房火灾")
    issue = bulletin_actions.do_create_issue(editor, city_daily, TODAY)
    picker = reverse("bulletins:candidates", args=[issue.pk])
    html = (
        client_of(editor)
        .get(picker, {"q": "防汛", "items": [water.pk, "x"]}, headers=HTMX)
        .content.decode()
    )
    # (item id, ticked) of each box, in the order shown.
    assert boxes(html) == [(water.pk, True), (flood.pk, False)]
    assert fire.title not in html


class _Boxes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "input" and names.get("name") == "items":
            self.found.append((int(names["value"] or ""), "checked" in names))


def boxes(html: str) -> list[tuple[int, bool]]:
    parser = _Boxes()
    parser.feed(html)
    return parser.found


def test_an_archive_search_by_htmx_brings_its_save_form_along(client_of, editor):
    html = (
        client_of(editor)
        .get(reverse("archive:search"), {"q": "防汛"}, headers=HTMX)
        .content.decode()
    )
    assert MENU not in html
    assert '<div id="save-search" hx-swap-oob="true">' in html
    assert 'name="search" value="q=%E9%98%B2%E6%B1%9B' in html
