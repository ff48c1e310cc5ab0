"""Generic webhook: POST the message as JSON, with the delivery's idempotency key in the
`X-Xinbao-Delivery` header (see `base` for why a receiver may, rarely, see a key twice)."""

from notify.transports.base import ChannelLike, Payload, post_json


def send(channel: ChannelLike, payload: Payload, delivery_key: str) -> str:
    answer = post_json(channel.target, dict(payload), delivery_key)
    return f"HTTP {answer.status}"
