"""The UI speaks Chinese by default through the translation files, and English on request."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    missing = [
        e.msgid
        for e in po
        if not e.obsolete and (not e.msgstr_plural.get(0) if e.msgid_plural else not e.msgstr)
    ]
    assert missing == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_source():
    po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(CATALOGUE / "django.po"))}
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(CATALOGUE / "django.mo"))}
    stale = {k for k, v in po.items() if k[1] and mo.get(k) != v}
    assert stale == set()


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(client):
    assert "登录信报系统" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in to xinbao" in client.get("/accounts/login/").content.decode()
