"""Every page of the demo, as every persona sees it, reads in Chinese.

The demo city is loaded into the test database (as tests/test_demo.py loads it); each persona's
pages are reached by following links from its home page (tests/chinese_pages.py) and their
visible text is read. Three things must not show:

- an English phrase, or a word the catalogue translates, left untranslated — on every page;
- a Latin-letter code (a rule's code, a role's key, a state, an English word) — on the pages
  of everyone but the three administrators, who work with usernames, unit codes and
  addresses; real names people say in Latin letters are allowed (`ALLOWED`);
- ASCII ':' or '.' next to a Chinese character (Chinese sentences take '：' and '。').

What a page marks as a code to copy exactly (<code>, translate="no") is not read."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from org.models import User
from tests import demo_checks
from tests.chinese_pages import ROOT, crawl

# One persona of every role: officer, unit head, editor, duty officer, section chief,
# secretary-general, city leader — then the three administrators.
PERSONAS = ("gaj_xxy", "gaj_ld", "bianji1", "zhiban", "kezhang", "mishuzhang", "lingdao")
ADMINISTRATORS = ("sysadmin", "secadmin", "auditor")

# Names people say in Latin letters, in Chinese offices as anywhere.
ALLOWED = frozenset(
    {
        "QQ",
        "5G",
        "4G",
        "Excel",
        "Word",
        "PDF",
        "WPS",
        "Webhook",  # 企业微信/钉钉 robots are set up by their "Webhook" address
        "JSON",  # the format a webhook or an SMS gateway receives
        "SEC",  # a DingTalk robot's signing secret starts with these letters
        "English",  # the language switch names the language in itself
        "Google",  # authenticator apps, by their names
        "Microsoft",
        "Authenticator",
        "FreeOTP",
    }
)
# Road numbers and kilometre stakes, as the demo's incidents give their place (G205国道 K1123处).
ALLOWED_SHAPES = re.compile(r"[GSXYZ]\d{1,4}|K\d+(\+\d+)?")
# A unit's backups, as offices name them (A角、B角, A/B角: the AB角 rule of a post's stand-in).
BACKUP_POSTS = re.compile(r"[AB](?:/B)?角")
# A placeholder a person types as shown ({title}, {"phone", "text"}) is not a word.
PLACEHOLDER = re.compile(r"\{[^{}\n]*\}")
LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
# ':' or '.' after a Chinese character or before one ("单位: ", "信息.", "1. 标题"); a time
# like 08:00 or a number like 3.5 is neither.
ASCII_PUNCT = re.compile(rf"[{CJK}][ \t]*[:.](?!\d)|(?<!\.)[:.][ \t]*[{CJK}]")
# Two or more English words in a row: a phrase left untranslated.
PHRASE = re.compile(r"\b[A-Za-z][a-z]+(?: [A-Za-z][a-z]+)+\b")


def _msgids() -> set[str]:
    """Capitalised words the catalogue translates ("Add", "Search", "Year"), read from the
    source file: a label left in English. (A lowercase word on an administrator's page is a
    code — a field's or an action's name — which administrators read.)"""
    text = (ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    return {m for m in re.findall(r'^msgid "([A-Z][a-z]{2,})"$', text, re.M)} - ALLOWED


WORDS = _msgids()


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 20) : end + 20].replace("\n", " ⏎ ")


def problems(text: str, codes: bool) -> list[str]:
    text = PLACEHOLDER.sub("", text)
    found = []
    for m in PHRASE.finditer(text):
        if not set(m.group().split()) <= ALLOWED:
            found.append(f"English «{m.group()}» in …{_context(text, m.start(), m.end())}…")
    for m in LATIN.finditer(text):
        word = m.group().strip(".-")
        if not re.search("[A-Za-z]", word) or word in ALLOWED or ALLOWED_SHAPES.fullmatch(word):
            continue
        if BACKUP_POSTS.match(text, m.start()) or BACKUP_POSTS.match(text, m.start() - 2):
            continue
        if codes or word in WORDS:
            found.append(f"Latin «{word}» in …{_context(text, m.start(), m.end())}…")
    for m in ASCII_PUNCT.finditer(text):
        found.append(f"ASCII punctuation in …{_context(text, m.start(), m.end())}…")
    return found


@pytest.mark.django_db
def test_every_page_of_the_demo_reads_in_chinese_for_every_persona() -> None:
    # Loaded as `manage.py seed_demo` loads it, in the site's language (a test before this one
    # may have left another active: notifications keep the words they were written in).
    with translation.override(settings.LANGUAGE_CODE):
        demo_checks.seed()
    failures: dict[str, list[str]] = {}
    read = 0
    for username in PERSONAS + ADMINISTRATORS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url, text in crawl(client):
            read += 1
            # Django's own admin speaks Django's catalogue; its labels are still checked.
            found = problems(text, codes=username in PERSONAS)
            if found:
                failures[f"{username} {url}"] = sorted(set(found))
    assert read > 200  # the crawl reached the pages, not just the home pages
    report = "\n".join(f"{page}:\n  " + "\n  ".join(words) for page, words in failures.items())
    assert not failures, f"{len(failures)} pages:\n{report}"


@pytest.mark.parametrize(
    ("text", "codes", "bad"),
    [
        ("积分规则\nadoption-city", True, True),
        ("积分规则\nadoption-city", False, False),  # an administrator's page
        ("Issue counters", False, True),
        ("增加 Add", False, True),
        ("问题报告: 南岭区", True, True),
        ("仅计重要紧急信息.", True, True),
        ("1. 关于防汛工作的报告", True, True),
        ("问题报告：南岭区 · 08:00 前 · 3.5 分", True, False),
        ("导出 Excel · 下载 Word · QQ 群 · 5G 基站 · G205国道K1123处", True, False),
        ("可用占位符：{title} {body}", True, False),
        ("Year：", False, True),
    ],
)
def test_what_the_check_catches(text: str, codes: bool, bad: bool) -> None:
    assert bool(problems(text, codes)) is bad


def test_the_reader_skips_codes_and_scripts() -> None:
    from tests.chinese_pages import read

    text, links = read(
        '<p title="提示">密钥 <code>ABCD EFGH</code><span translate="no">jc-swb</span>'
        '<script>var x = "code";</script><a href="/items/1/">稿件</a>'
        '<a href="/x.docx" download>下载</a></p>'
    )
    assert text.split("\n") == ["提示", "密钥", "稿件", "下载"]
    assert links == ["/items/1/"]
