"""E-mail through Django's configured mail backend (settings.EMAIL_BACKEND).

When that backend is Django's SMTP backend, the connection to the mail server (EMAIL_HOST,
EMAIL_PORT) goes through the egress allowlist like every other transport: the server's name is
resolved, each address checked, and only a checked address dialled. The recipient's own domain
opens no connection from here; the mail server relays.

The Message-ID is derived from the delivery key, so a mail system that deduplicates on it
drops the rare repeat that at-least-once delivery allows.
"""

import hashlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

from notify.transports.base import ChannelLike, Payload, TransportError, absolute_link
from notify.transports.connect import EgressRefused, PinnedSMTP, PinnedSMTPSSL

# SMTP gets the same patience as the HTTP transports, and never blocks past a worker's lease.
SMTP_TIMEOUT_SECONDS = 10


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class PinnedSMTPBackend(SMTPBackend):
    """Django's SMTP backend, dialling only an allowed address of the mail server."""

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return PinnedSMTPSSL if self.use_ssl else PinnedSMTP


def _backend() -> str | None:
    """The configured backend, with Django's SMTP backend swapped for the pinned one."""
    configured = str(settings.EMAIL_BACKEND)
    if configured == SMTP_BACKEND:
        return f"{__name__}.PinnedSMTPBackend"
    return None


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
        connection=get_connection(_backend(), fail_silently=False, timeout=timeout),
    )
    try:
        sent = email.send()
    except EgressRefused as exc:
        raise TransportError(exc.detail, permanent=exc.permanent) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise TransportError(f"mail: {exc}") from None
    if sent != 1:
        raise TransportError("mail: not accepted")
    return "accepted by the mail server"
