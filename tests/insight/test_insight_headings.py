"""The four headings of the 全广新准 report say each word once: in Chinese the heading is the
word itself; in English the word follows the translation."""

import re

from django.utils import translation

from tests.insight.test_insight_report import MARCH_QUERY

HEADINGS = {"complete": "全", "broad": "广", "fresh": "新", "accurate": "准"}


def _headings(page: str) -> dict[str, str]:
    found = {}
    for section in HEADINGS:
        match = re.search(rf'<section class="card" id="{section}">\s*<h2>(.*?)</h2>', page, re.S)
        assert match, section
        found[section] = re.sub(r"<[^>]+>", "", match.group(1)).strip()
    return found


def test_each_chinese_heading_says_its_word_once(editor, client_of):
    with translation.override("zh-hans"):
        page = client_of(editor).get("/archive/insight/report/", MARCH_QUERY).content.decode()
    headings = _headings(page)
    assert headings == HEADINGS
    assert "全 全" not in page


def test_english_headings_keep_the_chinese_word(editor, client_of):
    client = client_of(editor)
    client.cookies["django_language"] = "en"
    page = client.get("/archive/insight/report/", MARCH_QUERY).content.decode()
    assert _headings(page) == {
        "complete": "Complete 全",
        "broad": "Broad 广",
        "fresh": "Fresh 新",
        "accurate": "Accurate 准",
    }
