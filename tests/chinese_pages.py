"""Reading the demo's pages as a person sees them: the crawl (same-origin links from a persona's
home page, bounded, downloads skipped) and the visible text of a page (tags, scripts and styles
stripped; the attributes a person reads kept). tests/test_chinese_ui.py checks the text."""

import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.test import Client

ROOT = Path(__file__).resolve().parent.parent

# Links never followed: leaving the session, files rather than pages (their names and
# contents are the export helper's; a download is recognised by its answer as well), and the
# API (its documentation is swagger-ui's, for programmers, drawn by script from the schema).
SKIP = re.compile(
    r"^/(static|media|api)/|/logout/|/export|/download|\.(docx|pdf|csv|xlsx|zip|json)$"
)
# A crawl visits at most this many pages per persona and this many of one shape of address
# (digits stand for any id), so the test stays quick while every kind of page is read.
MAX_PAGES = 90
PER_SHAPE = 2

# Attributes whose text a person reads (an icon's alt text is read by screen readers only).
_READ_ATTRS = ("title", "placeholder", "aria-label")
# Not text a person reads as a sentence: scripts and styles, and what a page marks as a code
# to be typed or copied exactly — <code>, or any element with translate="no" (the HTML way of
# saying "not words in the page's language": a secret key, a web address, a username).
_HIDDEN_TAGS = {"script", "style", "template", "noscript", "code"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip: list[list[Any]] = []  # [tag, depth] of the region being skipped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") and "download" not in values:
            self.links.append(values["href"] or "")
        if tag in _VOID:
            if not self._skip:
                self._read(tag, values)
            return
        if self._skip and self._skip[-1][0] == tag:
            self._skip[-1][1] += 1
        elif tag in _HIDDEN_TAGS or values.get("translate") == "no":
            self._skip.append([tag, 1])
        if not self._skip:
            self._read(tag, values)

    def _read(self, tag: str, values: dict[str, str | None]) -> None:
        for name in _READ_ATTRS:
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1][0] == tag:
            self._skip[-1][1] -= 1
            if not self._skip[-1][1]:
                self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data)


def read(html: str) -> tuple[str, list[str]]:
    """The page's visible text (one text run a line) and the links it offers."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(p.strip() for p in parser.parts), parser.links


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client: Client) -> Iterator[tuple[str, str]]:
    """(url, visible text) of every HTML page reached from the home page by same-origin GETs."""
    queue = deque(["/"])
    seen = {"/"}
    shapes: dict[str, int] = {}
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        answer = client.get(url, follow=True)
        visited += 1
        if answer.status_code != 200:
            continue
        if not answer.get("Content-Type", "").startswith("text/html"):
            continue
        final = answer.request["PATH_INFO"]
        text, links = read(answer.content.decode())
        yield final, text
        for href in links:
            parts = urlsplit(urljoin(final, href))
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen or SKIP.search(parts.path):
                continue
            shape = _shape(parts.path)
            if shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            seen.add(target)
            queue.append(target)
