"""SMS through the organisation's own HTTP gateway: POST {"phone", "text"} as JSON.

The text comes from the channel's template ({title} {body} {url} {severity}), cut to 300
characters. Any 2xx answer is success; what the gateway does next is its own business.
"""

from notify import rules
from notify.transports.base import ChannelLike, Payload, TransportError, absolute_link, post_json


def text_of(channel: ChannelLike, payload: Payload) -> str:
    values = {
        "title": payload["title"],
        "body": payload["body"],
        "url": absolute_link(payload["url"]),
        "severity": payload["severity"],
    }
    return rules.sms_text(channel.template, values)


def send(channel: ChannelLike, payload: Payload, delivery_key: str) -> str:
    if not channel.sms_url:
        raise TransportError("no SMS gateway URL", permanent=True)
    body = {"phone": channel.target, "text": text_of(channel, payload)}
    answer = post_json(channel.sms_url, body, delivery_key)
    return f"HTTP {answer.status}"
