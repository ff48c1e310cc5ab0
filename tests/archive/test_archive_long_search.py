"""The longest search the product allows reaches the application through the real web server
(gunicorn with xinbao/gunicorn_conf.py, as `make run` starts it) and finds what it should; one
character more gets the product's Chinese message, not gunicorn's bare "414 URI Too Long".

The server runs on a loopback port against its own SQLite file, prepared by the same
`manage.py` commands `make run` runs (migrate, collectstatic)."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from xinbao.core.inputs import MAX_QUERY_LENGTH

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import json
from django.conf import settings
from django.test import Client
from archive import index
from org.models import UnitKind
from org.roles import Role
from submissions.models import ItemState
from tests.factories import make_item, make_unit, make_user
unit = make_unit("甲区委办公室", code="unit-a")
officer = make_user(Role.OFFICER, unit, username="officer_a")
item = make_item(officer, ItemState.SUBMITTED, title="城南区突发火灾 已扑灭")
editor = make_user(Role.EDITOR, make_unit("信息科", kind=UnitKind.SECTION), username="editor")
index.drain()
client = Client()
client.force_login(editor)
name = settings.SESSION_COOKIE_NAME
print(json.dumps({
    "cookie": f"{name}={client.cookies[name].value}",
    "item": item.pk,
    "unit": unit.pk,
}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    var = tmp_path_factory.mktemp("var")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XINBAO_", "DATABASE_URL", "DJANGO_", "GUNICORN_"))
    }
    port = _free_port()
    env.update(XINBAO_VAR_DIR=str(var), PORT=str(port), XINBAO_WEB_WORKERS="1")

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    setup = json.loads(manage("shell", "-c", SETUP).strip().splitlines()[-1])
    gunicorn = Path(sys.executable).parent / "gunicorn"
    web = subprocess.Popen(
        [str(gunicorn), "-c", "xinbao/gunicorn_conf.py", "xinbao.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(600):  # up to a minute on a busy machine
            if web.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {web.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield {"port": port, **setup}
    finally:
        web.terminate()
        web.wait(timeout=30)


def get(server: dict, params: list[tuple[str, str]]) -> tuple[int, str, int]:
    target = "/archive/?" + urlencode(params)
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=120)
    conn.request("GET", target, headers={"Cookie": server["cookie"]})
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body, len(f"GET {target} HTTP/1.1")


def longest_query(length: int) -> str:
    """'火灾' and excluded terms of characters outside the BMP (12 bytes each, percent-encoded:
    the longest a character gets), each within the term limit: `length` characters."""
    rare = iter(chr(cp) for cp in range(0x20000, 0x20000 + length))
    parts, left = ["火灾"], length - 2
    while left:
        size = min(60, left)  # " -" and size - 2 characters
        parts.append("-" + "".join(next(rare) for _ in range(size - 2)))
        left -= size
    query = " ".join(parts)
    assert len(query) == length
    return query


def filters(server: dict) -> list[tuple[str, str]]:
    """Every other parameter the search form sends, with a unit facet of 50 values."""
    today = timezone.localdate().isoformat()
    units = [server["unit"], *range(900_000, 900_049)]
    return [
        ("sort", "relevance"),
        ("from", "1949-10-01"),
        ("to", today),
        *[("kind", k) for k in ("item", "incident", "report", "entry", "notice")],
        *[("unit", str(u)) for u in units],
    ]


def test_the_longest_search_reaches_the_application_and_finds(server):
    status, body, line = get(server, [("q", longest_query(MAX_QUERY_LENGTH)), *filters(server)])
    assert line > 4094  # gunicorn's default limit: this line answered 414 before
    assert status == 200
    assert f'href="/items/{server["item"]}/"' in body


def test_one_character_more_gets_the_products_message(server):
    query = longest_query(MAX_QUERY_LENGTH + 1)
    status, body, _line = get(server, [("q", query), *filters(server)])
    assert status == 200
    assert f"搜索内容过长（最多 {MAX_QUERY_LENGTH} 个字）" in unescape(body)
    assert f'href="/items/{server["item"]}/"' not in body
