"""Each role sees only the buttons it may use: on the loaded demo city, every persona walks from
its home page through the pages its menu and its pages link to, and no link it is shown answers
"not allowed" (403). The walk follows links (GET) only, never submits a form."""

import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from org.models import User
from org.roles import Role
from tests import demo_checks as check

# One demo account per role.
PERSONA_OF_ROLE = {
    Role.OFFICER: "gaj_xxy",
    Role.UNIT_HEAD: "gaj_ld",
    Role.EDITOR: "bianji1",
    Role.DUTY_OFFICER: "zhiban",
    Role.CHIEF: "kezhang",
    Role.SECRETARY_GENERAL: "mishuzhang",
    Role.LEADER: "lingdao",
    Role.SYSTEM_ADMIN: "sysadmin",
    Role.SECURITY_ADMIN: "secadmin",
    Role.AUDIT_ADMIN: "auditor",
}

_HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)"')
# Pages that are not a role's actions: static files, leaving, and Django's own admin (whose
# buttons Django itself checks against the model permissions).
_SKIP = ("/static/", "/media/", "/accounts/logout/", "/admin/")
# How many pages of the same view a walk opens (an item page is like any other item page),
# and how far from the home page it goes.
PER_VIEW = 3
DEPTH = 3


def _links(html: str) -> list[str]:
    found = []
    for href in _HREF.findall(html):
        href = href.replace("&amp;", "&")
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        if href.startswith(_SKIP):
            continue
        found.append(href)
    return found


def _view_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def walk(client: Client) -> dict[str, int]:
    """Every link reached from the home page (within DEPTH, PER_VIEW pages a view) and what it
    answered."""
    seen: dict[str, int] = {}
    per_view: Counter[str | None] = Counter()
    queue: deque[tuple[str, int]] = deque([("/", 0)])
    while queue:
        url, depth = queue.popleft()
        if url in seen:
            continue
        name = _view_name(url)
        if per_view[name] >= PER_VIEW:
            continue
        per_view[name] += 1
        answer = client.get(url, follow=True)
        seen[url] = answer.status_code
        if answer.status_code != 200 or depth >= DEPTH:
            continue
        if not answer.get("Content-Type", "").startswith("text/html"):
            continue
        for link in _links(answer.content.decode()):
            if link not in seen:
                queue.append((link, depth + 1))
    return seen


@pytest.mark.django_db
def test_no_persona_is_shown_a_link_it_may_not_follow() -> None:
    check.seed()
    refused: dict[str, list[str]] = {}
    walked: dict[str, int] = {}
    for role, username in PERSONA_OF_ROLE.items():
        user = User.objects.get(username=username)
        assert user.role == role
        client = Client()
        client.force_login(user)
        answers = walk(client)
        walked[username] = len(answers)
        bad = [url for url, status in answers.items() if status in (403, 404)]
        if bad:
            refused[username] = sorted(bad)
    assert refused == {}
    # The walk did walk: every persona reached more than its home page.
    assert all(n > 3 for n in walked.values()), walked
