"""The menu marks the entry the page belongs to, and only that one (a page outside the menu, such
as a person's API tokens, marks none)."""

import re

import pytest
from django.urls import reverse

from xinbao.core.context_processors import active_url

MENU = ["/items/home/", "/items/", "/items/new/", "/emergencies/", "/archive/"]


@pytest.mark.parametrize(
    "path, marked",
    [
        ("/items/", "/items/"),
        ("/items/42/", "/items/"),
        ("/items/new/", "/items/new/"),
        ("/items/home/", "/items/home/"),
        ("/emergencies/7/reports/", "/emergencies/"),
        ("/accounts/api-tokens/", None),
        ("/", None),
    ],
)
def test_the_deepest_entry_above_the_page_is_marked(path, marked):
    assert active_url(path, MENU) == marked


def marked_entries(page: str) -> list[str]:
    nav = page[page.index("<nav") : page.index("</nav>")]
    return re.findall(r'<a href="([^"]+)" class="active"', nav)


@pytest.mark.django_db
def test_pages_mark_their_own_entry(client_of, officer_a):
    client = client_of(officer_a)
    assert marked_entries(client.get(reverse("submissions:create")).content.decode()) == [
        reverse("submissions:create")
    ]
    assert marked_entries(client.get(reverse("apitokens:list")).content.decode()) == []
