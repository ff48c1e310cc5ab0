"""The site's icon: every page names it, and /favicon.ico (which browsers ask for on their own,
before anyone logs in) leads to it instead of a 404."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

ICO_MAGIC = b"\x00\x00\x01\x00"  # an ICO file's header: reserved 0, type 1 (icon)


def test_favicon_ico_leads_to_the_vendored_icon(db) -> None:
    answer = Client().get("/favicon.ico")
    assert answer.status_code == 301
    assert answer["Location"].startswith(settings.STATIC_URL)
    assert "favicon" in answer["Location"]


def test_the_icon_is_a_real_icon_file() -> None:
    found = finders.find("img/favicon.ico")
    assert found is not None
    assert Path(str(found)).read_bytes()[:4] == ICO_MAGIC


def test_the_login_page_names_the_icon(db) -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="' + settings.STATIC_URL + "img/favicon" in html
