"""Submitting clients for the fault bench, run as their own process: `python -m bench._faults_load`.

Each client is a user at a browser (bench._loadgen.Client: one keep-alive connection, cookies):
it logs in, opens the "new item" form (which carries the form's token), fills it in — every
fourth submission with a small text attachment — and sends it for sign-off; every fifth
submission is instead the unit's written initial report of an incident (`/emergencies/new/`,
which also writes the unit head's inbox row). When the request
fails (connection refused or reset while the server is being killed, a timeout, a 5xx), it sends
the same form again, with the same token, as a browser's retry or a user's second click would,
until the server answers with the redirect to the item. It logs in again if the session is gone.

    stdin  <- {"port": ..., "users": [[name, password], ...], "offset": 0,
               "give_up_after": 90, "attach_every": 4}
    stdin  <- stop                                  no new submissions; finish the ones under way
    stdout -> {"submissions": [{"kind", "token", "user", "serial", "id", "sha256", "posts",
                                "already_saved"}, ...],
               "errors": n, "error_samples": [...]}

`id` is the acknowledged item (null if the client gave up: the server stayed down longer than
`give_up_after` seconds); `posts` is how many times the form was sent; `already_saved`, whether
the page after a resent form said the first one had been saved.
"""

import hashlib
import http.client
import json
import re
import sys
import threading
import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bench._loadgen import _DETAIL, Client, item_fields, multipart

_FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{32})"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEW = "/items/new/"
NEW_INCIDENT = "/emergencies/new/"
SAID_ALREADY = "此前的提交已经保存".encode()  # xinbao.core.once.ALREADY_SAVED, in Chinese
_INCIDENT = re.compile(r"^/emergencies/(\d+)/$")
LOCAL = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE: what the form's times mean
PAUSE = 0.3  # between retries: the server is restarting


class Gone(Exception):
    """The server did not come back within `give_up_after`."""


class User:
    def __init__(self, port: int, name: str, password: str, give_up_after: float) -> None:
        self.client = Client(port)
        # The messages cookie too, as a browser keeps it: after a resent form the next page
        # says whether the server had saved the first one.
        self.client.keep_cookies = ("csrftoken", "sessionid", "messages")
        self.name, self.password, self.give_up_after = name, password, give_up_after
        self.errors = 0
        self.samples: list[str] = []

    def _error(self, text: str) -> None:
        self.errors += 1
        if len(self.samples) < 5:
            self.samples.append(text)
        self.client.reconnect()
        time.sleep(PAUSE)

    def _retrying(self, attempt: Any) -> Any:
        """`attempt()` until it returns something; connection errors and 5xx are retried."""
        since = time.monotonic()
        while True:
            try:
                result = attempt()
                if result is not None:
                    return result
            except (OSError, http.client.HTTPException, RuntimeError) as exc:
                self._error(f"{type(exc).__name__}: {exc}")  # RuntimeError: a failed login
            if time.monotonic() - since > self.give_up_after:
                raise Gone

    def already_saved(self, location: str, posts: int) -> bool:
        """After a resent form, follow the redirect as the browser would: does the page say the
        first one had been saved? (Not asked when the form went once.)"""
        if posts < 2:
            return False
        try:
            status, _, page = self.client.request("GET", location)
        except (OSError, http.client.HTTPException):
            self.client.reconnect()
            return False
        return status == 200 and SAID_ALREADY in page

    def login(self) -> None:
        def attempt() -> bool | None:
            self.client.cookies.clear()
            self.client.login(self.name, self.password)
            return True

        self._retrying(attempt)

    def form_token(self, url: str = NEW) -> str:
        def attempt() -> str | None:
            status, location, page = self.client.request("GET", url)
            if status == 302 and "/accounts/login/" in location:
                self.login()
                return None
            text = page.decode("utf-8", "replace")
            token, csrf = _FORM_TOKEN.search(text), _CSRF.search(text)
            if status != 200 or not token or not csrf:
                self._error(f"GET {url}: HTTP {status}")
                return None
            return token[1]

        token: str = self._retrying(attempt)
        return token

    def submit(self, serial: int, attach: bool) -> dict[str, Any]:
        token = self.form_token()
        fields = item_fields(serial)
        fields.update(submit="1", form_token=token)
        content = f"附件 {serial} {token}\n".encode() if attach else b""
        file = (f"fault-{serial}.txt", content) if attach else None
        posts = 0
        saved_before = [False]

        def attempt() -> int | None:
            nonlocal posts
            fields["csrfmiddlewaretoken"] = self.client.cookies.get("csrftoken", "")
            body, ctype = multipart(fields, "attachments", file)
            posts += 1
            status, location, data = self.client.request("POST", NEW, body, ctype)
            match = _DETAIL.match(location)
            if status in (201, 302) and match:
                saved_before[0] = self.already_saved(location, posts)
                return int(match[1])
            if status == 302 and "/accounts/login/" in location:
                self.login()
                return None
            self._error(f"POST {NEW}: HTTP {status} -> {location!r}: {data[:120]!r}")
            return None

        try:
            ack: int | None = self._retrying(attempt)
        except Gone:
            ack = None
        return {
            "kind": "item",
            "token": token,
            "user": self.name,
            "serial": serial,
            "id": ack,
            "sha256": hashlib.sha256(content).hexdigest() if attach else None,
            "posts": posts,
            "already_saved": saved_before[0],
        }

    def report(self, serial: int) -> dict[str, Any]:
        """The unit's written initial report of an incident (首报), through its form."""
        token = self.form_token(NEW_INCIDENT)
        ago = datetime.now(LOCAL) - timedelta(minutes=10)
        fields = {
            "form_token": token,
            "title": f"某镇仓库火灾（演练{serial}）",
            "category": "accident",
            "level": "4",
            "place": "某镇工业园区",
            "occurred_at": (ago - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "known_at": ago.strftime("%Y-%m-%dT%H:%M"),
            "summary": f"仓库起火，明火已扑灭，无人员被困（第{serial}号）。",
            "deaths": "0",
            "injuries": "0",
            "measures": "消防救援力量已到场处置。",
        }
        posts = 0
        saved_before = [False]

        def attempt() -> int | None:
            nonlocal posts
            fields["csrfmiddlewaretoken"] = self.client.cookies.get("csrftoken", "")
            body = urlencode(fields).encode()
            posts += 1
            status, location, data = self.client.request(
                "POST", NEW_INCIDENT, body, "application/x-www-form-urlencoded"
            )
            match = _INCIDENT.match(location)
            if status in (201, 302) and match:
                saved_before[0] = self.already_saved(location, posts)
                return int(match[1])
            if status == 302 and "/accounts/login/" in location:
                self.login()
                return None
            self._error(f"POST {NEW_INCIDENT}: HTTP {status} -> {location!r}: {data[:120]!r}")
            return None

        try:
            ack: int | None = self._retrying(attempt)
        except Gone:
            ack = None
        return {
            "kind": "report",
            "token": token,
            "user": self.name,
            "serial": serial,
            "id": ack,
            "sha256": None,
            "posts": posts,
            "already_saved": saved_before[0],
        }


def drive(
    user: User, serial: int, stop: threading.Event, attach_every: int, out: list[dict[str, Any]]
) -> None:
    n = 0
    try:
        user.login()
        while not stop.is_set():
            n += 1
            number = serial * 1_000_000 + n
            if n % 5 == 0:
                out.append(user.report(number))
            else:
                out.append(user.submit(number, attach_every > 0 and n % attach_every == 0))
    except Gone:
        pass  # the server stayed down: what was acknowledged so far is in `out`


def main() -> None:
    config: dict[str, Any] = json.loads(sys.stdin.readline())
    give_up = float(config.get("give_up_after", 90))
    users = [User(int(config["port"]), u[0], u[1], give_up) for u in config["users"]]
    stop = threading.Event()
    results: list[list[dict[str, Any]]] = [[] for _ in users]
    threads = [
        threading.Thread(
            target=drive,
            args=(u, int(config.get("offset", 0)) + i + 1, stop, int(config["attach_every"]), r),
            daemon=True,
        )
        for i, (u, r) in enumerate(zip(users, results, strict=True))
    ]
    for thread in threads:
        thread.start()
    sys.stdin.readline()  # "stop", or the end of input
    stop.set()
    for thread in threads:
        thread.join()
    out = {
        "submissions": [s for r in results for s in r],
        "errors": sum(u.errors for u in users),
        "error_samples": [s for u in users for s in u.samples][:8],
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
