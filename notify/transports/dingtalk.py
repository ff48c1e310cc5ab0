"""DingTalk (钉钉) group robot: POST a markdown message to the robot's webhook URL.

A robot secured by signing (加签) needs `timestamp` (ms) and `sign` in the URL, where sign is
urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))). DingTalk refuses
a timestamp more than an hour off. A robot in keyword mode (自定义关键词) takes only messages
that contain one of its keywords: the channel's keyword is put in the title, so it is in both
the title and the text. Success is `errcode == 0` in the JSON answer.

DingTalk's markdown breaks a line only at a blank line or after two trailing spaces: every line
ends with two spaces. An urgent alert @-mentions the channel's people: `at.atMobiles` and
`at.atUserIds`, with "@<mobile>" / "@<userid>" in the text as DingTalk requires, and
`isAtAll` when the channel says so.
"""

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote_plus

from notify import rules
from notify.transports.base import (
    ChannelLike,
    Payload,
    body_lines,
    fitted,
    is_urgent,
    link_line,
    post_json,
    robot_answer,
    title_of,
)

BREAK = "  \n"  # two trailing spaces: DingTalk's markdown line break


def sign(secret: str, timestamp_ms: int) -> str:
    """The URL-encoded signature DingTalk expects for `timestamp_ms`."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    if not secret:
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={sign(secret, timestamp_ms)}"


def message(channel: ChannelLike, payload: Payload) -> dict[str, Any]:
    """The JSON body the robot gets."""
    urgent = is_urgent(payload)
    mobiles = rules.split_list(channel.at_mobiles) if urgent else []
    user_ids = rules.split_list(channel.at_user_ids) if urgent else []
    at_all = bool(urgent and channel.at_all)
    title = title_of(payload, channel.keyword.strip())
    mentions = " ".join(f"@{m}" for m in mobiles + user_ids)
    tail = BREAK.join(p for p in (link_line(payload), mentions) if p)
    text = fitted(
        f"**{title}**", BREAK.join(body_lines(payload)), tail, rules.DINGTALK_MAX_BYTES, "\n\n"
    )
    body: dict[str, Any] = {
        "msgtype": "markdown",
        "markdown": {"title": title[: rules.DINGTALK_TITLE_MAX_CHARS], "text": text},
    }
    if urgent and (mobiles or user_ids or at_all):
        body["at"] = {"atMobiles": mobiles, "atUserIds": user_ids, "isAtAll": at_all}
    return body


def send(channel: ChannelLike, payload: Payload, delivery_key: str) -> str:
    url = signed_url(channel.target, channel.secret, int(time.time() * 1000))
    return robot_answer(post_json(url, message(channel, payload), delivery_key), "dingtalk")
