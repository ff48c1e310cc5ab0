"""DingTalk (钉钉) group robot: POST a markdown message to the robot's webhook URL.

A robot secured by signing (加签) needs `timestamp` (ms) and `sign` in the URL, where sign is
urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))). DingTalk refuses
a timestamp more than an hour off. Success is `errcode == 0` in the JSON answer.
"""

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from notify.transports.base import ChannelLike, Payload, markdown, post_json, robot_answer


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


def send(channel: ChannelLike, payload: Payload, delivery_key: str) -> str:
    body = {
        "msgtype": "markdown",
        "markdown": {"title": payload["title"][:60], "text": markdown(payload)},
    }
    url = signed_url(channel.target, channel.secret, int(time.time() * 1000))
    return robot_answer(post_json(url, body, delivery_key))
