"""One helper names every download: Chinese names cleaned of what a file system refuses, sent
as RFC 6266 `filename*` with an ASCII `filename` before it; no view writes the header itself."""

import re
from pathlib import Path

import pytest

from tests.clock import YEAR
from tests.download_checks import disposition
from xinbao.core.downloads import MAX_STEM, content_disposition, file_name

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "accountability",
    "archive",
    "audit",
    "bulletins",
    "deadlines",
    "emergencies",
    "insight",
    "notify",
    "org",
    "scoring",
    "submissions",
    "xinbao",
]


@pytest.mark.parametrize(
    ("given", "saved"),
    [
        (f"江委办通〔{YEAR}〕3号.docx", f"江委办通〔{YEAR}〕3号.docx"),
        ("关于迟报/漏报的通报（草稿）.docx", "关于迟报漏报的通报（草稿）.docx"),
        ('a\\b:c*d?e"f<g>h|i.xlsx', "abcdefghi.xlsx"),
        (f"每日要情\u3000\u3000{YEAR}年\t第1期.docx", f"每日要情 {YEAR}年 第1期.docx"),
        ("  .名称. .pdf", "名称.pdf"),
        ("con.txt", "_con.txt"),
        ("/:*?.docx", "download.docx"),
        ("说明", "说明"),
        ("报告.DOCX", "报告.docx"),
        ("报告\u202excod.exe", "报告xcod.exe"),  # no right-to-left override to hide .exe
        ("名\u200b称\ud800.pdf", "名称.pdf"),  # zero-width space, a lone surrogate
    ],
)
def test_names_lose_what_a_file_system_refuses(given, saved):
    assert file_name(given) == saved


def test_a_long_title_is_cut_to_a_name_a_file_system_takes():
    name = file_name("关" * 300 + ".docx")
    assert name == "关" * MAX_STEM + ".docx"
    assert len(name.encode()) <= 255


def test_the_header_has_the_utf8_name_and_an_ascii_fallback():
    header = content_disposition(f"{YEAR}年度信息工作排名.xlsx", f"ranking-{YEAR}")
    assert header == (
        f'attachment; filename="ranking-{YEAR}.xlsx"; '
        f"filename*=UTF-8''{YEAR}%E5%B9%B4%E5%BA%A6%E4%BF%A1%E6%81%AF%E5%B7%A5%E4%BD%9C"
        "%E6%8E%92%E5%90%8D.xlsx"
    )
    kind, params = disposition(header)
    assert kind == "attachment" and set(params) == {"filename", "filename*"}


def test_the_fallback_is_plain_ascii_whatever_it_is_given():
    _kind, params = disposition(content_disposition("报告.pdf", 'a "quoted"; name/报告'))
    assert params["filename"] == "a-quoted-name.pdf"


def test_no_view_writes_its_own_content_disposition():
    """Every download goes through xinbao.core.downloads: a header written anywhere else
    would lose the ASCII fallback or the cleaning of the name."""
    helper = ROOT / "xinbao" / "core" / "downloads.py"
    pattern = re.compile(r"Content-Disposition|content_disposition_header|as_attachment")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if path != helper
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []
