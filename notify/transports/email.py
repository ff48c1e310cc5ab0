"""E-mail through Django's configured mail backend (settings.EMAIL_BACKEND).

The Message-ID is derived from the delivery key, so a mail system that deduplicates on it
drops the rare repeat that at-least-once delivery allows.
"""

import hashlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from notify.transports.base import ChannelLike, Payload, TransportError, absolute_link

# SMTP gets the same patience as the HTTP transports, and never blocks past a worker's lease.
SMTP_TIMEOUT_SECONDS = 10


def message_id(delivery_key: str) -> str:
    digest = hashlib.sha256(delivery_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@xinbao.notify>"


def send(channel: ChannelLike, payload: Payload, delivery_key: str) -> str:
    link = absolute_link(payload["url"])
    body = payload["body"] + (f"\n\n{link}" if link else "")
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT_SECONDS
    email = EmailMessage(
        subject=payload["title"].replace("\n", " "),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[channel.target],
        headers={"Message-ID": message_id(delivery_key)},
        connection=get_connection(fail_silently=False, timeout=timeout),
    )
    try:
        sent = email.send()
    except (smtplib.SMTPException, OSError) as exc:
        raise TransportError(f"mail: {exc}") from None
    if sent != 1:
        raise TransportError("mail: not accepted")
    return "accepted by the mail server"
