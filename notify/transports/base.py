"""What every transport shares: the error it raises, the payload it gets, one HTTP helper.

Delivery semantics, stated plainly: the inbox is exactly-once, because its row is written in
the same transaction as the event. External sends are at-least-once: if a worker dies after a
server accepted a message but before the database recorded it, the delivery's lease lapses and
another worker sends it again. Every request therefore carries the delivery's idempotency key
(HTTP header `X-Xinbao-Delivery`, the e-mail's Message-ID) so a receiver can drop that rare
repeat.
"""

import http.client
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol, TypedDict
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from notify import rules
from notify.models import Severity
from notify.transports import connect

TIMEOUT_SECONDS = 5.0
MAX_ANSWER_BYTES = 64 * 1024
DELIVERY_HEADER = "X-Xinbao-Delivery"
USER_AGENT = "xinbao-notify/1"


class TransportError(Exception):
    """A send that did not succeed. `permanent`: retrying cannot help (a broken configuration),
    so the delivery fails at once instead of backing off."""

    def __init__(
        self,
        detail: str,
        permanent: bool = False,
        wait: timedelta | None = None,
        refused: bool = False,
    ) -> None:
        super().__init__(detail)
        self.detail = rules.truncate(detail, 500)
        self.permanent = permanent
        # The pause the service asked for (its rate-limit errcode): the whole robot waits.
        self.wait = wait
        # The service itself refused the message for good (its errcode): tell the keepers.
        self.refused = refused


class Payload(TypedDict):
    title: str
    body: str
    url: str
    severity: str


class ChannelLike(Protocol):
    """The fields of `notify.models.Channel` a transport reads."""

    kind: str
    label: str
    target: str
    secret: str
    template: str
    sms_url: str
    keyword: str
    at_mobiles: str
    at_user_ids: str
    at_all: bool


class Transport(Protocol):
    def __call__(self, channel: ChannelLike, payload: Payload, delivery_key: str) -> str: ...


def absolute_link(path: str) -> str:
    """The message's link as an outsider can follow it: `NOTIFY_BASE_URL` + path when the
    deployment sets one, else the bare path."""
    base = str(getattr(settings, "NOTIFY_BASE_URL", "") or "")
    if not path or not base:
        return path
    return urljoin(base.rstrip("/") + "/", path.lstrip("/"))


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def snippet(self) -> str:
        return self.body[:200].decode("utf-8", "replace").strip()


def post_json(url: str, data: object, delivery_key: str) -> Answer:
    """POST `data` as JSON; return any answer with a status below 300, raise otherwise.

    The connection goes only to an address the egress allowlist opens (`connect`); a refused
    destination fails for good, with the reason. A redirect is an error, never followed: a
    redirected POST would lose its body, and its target was never checked.
    """
    if not rules.is_http_url(url):
        raise TransportError("not an http(s) URL", permanent=True)
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TransportError("not an http(s) URL", permanent=True) from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        DELIVERY_HEADER: delivery_key,
    }
    try:
        conn = connect.pinned_connection(parts.scheme, host, port, TIMEOUT_SECONDS)
    except connect.EgressRefused as exc:
        raise TransportError(exc.detail, permanent=exc.permanent) from None
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        answer = Answer(response.status, response.read(MAX_ANSWER_BYTES))
    except TimeoutError:
        raise TransportError(f"no answer within {TIMEOUT_SECONDS:g} s") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise TransportError(f"connection failed: {exc}") from None
    finally:
        conn.close()
    if answer.status >= 300:
        snippet = answer.snippet()
        raise TransportError(f"HTTP {answer.status}" + (f": {snippet}" if snippet else ""))
    return answer


def robot_answer(answer: Answer, kind: str) -> str:
    """WeCom and DingTalk robots answer 200 with {"errcode": 0, "errmsg": "ok"} on success and
    a non-zero errcode (bad key, bad signature, rate limit…) otherwise. Which errcodes are for
    good and which ask for a pause is `rules.robot_verdict`."""
    data = answer.json()
    if not isinstance(data, dict) or "errcode" not in data:
        raise TransportError(f"HTTP {answer.status}, unexpected answer: {answer.snippet()}")
    errcode = data["errcode"]
    if errcode != 0:
        detail = f"errcode {errcode}: {data.get('errmsg', '')}"
        code = errcode if isinstance(errcode, int) else -1
        verdict = rules.robot_verdict(kind, code)
        raise TransportError(
            detail, permanent=verdict.permanent, wait=verdict.wait, refused=verdict.permanent
        )
    return f"HTTP {answer.status}, errcode 0"


# Keyed by the payload's severity string (a Severity value).
SEVERITY_MARK: dict[str, str] = {
    Severity.INFO: "",
    Severity.WARNING: "【提醒】",
    Severity.URGENT: "【紧急】",
}


def title_of(payload: Payload, keyword: str = "") -> str:
    """The title with its severity mark, and the robot's keyword in front when it is missing
    (a DingTalk robot in keyword mode refuses a message without it)."""
    mark = SEVERITY_MARK.get(payload["severity"], "")
    title = payload["title"]
    title = title if title.startswith("【") else mark + title
    if keyword and keyword not in title:
        title = f"【{keyword}】{title}"
    return title


def fitted(head: str, body: str, tail: str, limit: int, sep: str = "\n") -> str:
    """head, body and tail joined by `sep` within `limit` UTF-8 bytes: the body is what gets
    cut (on a character boundary, with "…"), so the title, link and mentions stay whole."""
    parts = [p for p in (head, body, tail) if p]
    whole = sep.join(parts)
    if rules.utf8_len(whole) <= limit:
        return whole
    fixed = sep.join(p for p in (head, tail) if p)
    room = limit - rules.utf8_len(fixed) - rules.utf8_len(sep)
    cut = rules.truncate_bytes(body, room) if room > 0 else ""
    kept = [p for p in (head, cut, tail) if p]
    return rules.truncate_bytes(sep.join(kept), limit)


def body_lines(payload: Payload) -> list[str]:
    return [line.strip() for line in payload["body"].splitlines() if line.strip()]


def link_line(payload: Payload) -> str:
    link = absolute_link(payload["url"])
    if not link:
        return ""
    return f"[{link}]({link})" if rules.is_http_url(link) else link


def is_urgent(payload: Payload) -> bool:
    return payload["severity"] == Severity.URGENT


def markdown(payload: Payload, limit: int = rules.WECOM_MARKDOWN_MAX_BYTES) -> str:
    """The message as robot markdown: bold title, body lines, a link to xinbao."""
    tail = link_line(payload)
    return fitted(f"**{title_of(payload)}**", "\n".join(body_lines(payload)), tail, limit, "\n\n")
