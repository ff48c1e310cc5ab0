"""The transport registry: channel kind → send function.

Each transport is `send(channel, payload, delivery_key) -> str`: it returns a short outcome
detail for the log, or raises `TransportError`. The in-app inbox is not here: it is no send but
a row written with the event itself (see `notify.actions.dispatch`).
"""

from notify.models import ChannelKind
from notify.transports import dingtalk, email, sms, webhook, wecom
from notify.transports.base import Payload, Transport, TransportError

REGISTRY: dict[str, Transport] = {
    ChannelKind.EMAIL: email.send,
    ChannelKind.WEBHOOK: webhook.send,
    ChannelKind.WECOM: wecom.send,
    ChannelKind.DINGTALK: dingtalk.send,
    ChannelKind.SMS: sms.send,
}

__all__ = ["REGISTRY", "Payload", "Transport", "TransportError"]
