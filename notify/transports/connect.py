"""Where every outbound connection is opened: resolve the name, check each address against the
egress allowlist, and connect to a checked address — never to the name again, so a DNS answer
that changes between the check and the connection (rebinding) reaches nothing unchecked.

HTTP(S) goes through `pinned_connection`: the socket is opened to the checked address while the
Host header, TLS SNI and certificate check keep the name. SMTP goes through `PinnedSMTP`.
Proxies from the environment are not used: a proxy would make the connection, not us.
"""

import http.client
import ipaddress
import smtplib
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from notify import egress
from notify.models import EgressRule


class EgressRefused(Exception):
    """A destination the allowlist does not open, or a name that does not resolve. `detail` is
    the reason in the active language, for the delivery log and the channel form. A refusal is
    `permanent` (retrying cannot help until the list changes); a failed DNS lookup is not."""

    def __init__(self, detail: str, permanent: bool = True) -> None:
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent


@dataclass(frozen=True)
class Target:
    """One checked address of a destination: what `socket.connect` takes."""

    family: int
    sockaddr: tuple[Any, ...]

    @property
    def address(self) -> str:
        return str(self.sockaddr[0])


def allowlist() -> list[egress.Entry]:
    """The entries in force, parsed. Stored entries are canonical; one that no longer parses
    (edited by hand in the database) opens nothing."""
    entries = []
    for text in EgressRule.objects.values_list("entry", flat=True):
        try:
            entries.append(egress.parse_entry(text))
        except egress.EntryError:
            continue
    return entries


def resolve_checked(host: str, port: int) -> list[Target]:
    """Every address `host` resolves to, each checked; raise EgressRefused unless all of them
    are allowed on `port`."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError):  # ValueError: a NUL, UnicodeError: a label IDNA refuses
        raise EgressRefused(
            _("The host %(host)s could not be resolved.") % {"host": host}, permanent=False
        ) from None
    entries = allowlist()
    targets: list[Target] = []
    for family, _type, _proto, _name, sockaddr in infos:
        try:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        except ValueError:
            raise EgressRefused(
                _("The host %(host)s resolves to no IP address.") % {"host": host}
            ) from None
        verdict = egress.judge(host, port, address, entries)
        if verdict != "ok":
            raise EgressRefused(refusal(host, port, str(egress.unmapped(address)), verdict))
        targets.append(Target(family, tuple(sockaddr)))
    if not targets:
        raise EgressRefused(_("The host %(host)s resolves to no IP address.") % {"host": host})
    return targets


def refusal(host: str, port: int, address: str, verdict: egress.Reason) -> str:
    where = {"host": host, "port": port, "address": address}
    if verdict == "special":
        return (
            _(
                "Refused by the outbound allowlist: %(host)s port %(port)s is %(address)s, a "
                "private, loopback or other internal address. The system administrator must "
                "list this address or its range before anything is sent there."
            )
            % where
        )
    return (
        _(
            "Refused by the outbound allowlist: %(host)s port %(port)s (%(address)s) is not "
            "listed. The system administrator can add it under “Outbound addresses”."
        )
        % where
    )


def open_socket(targets: list[Target], timeout: float | None) -> socket.socket:
    """A TCP connection to the first checked address that answers."""
    error: OSError | None = None
    for target in targets:
        sock = socket.socket(target.family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.settimeout(timeout)
            sock.connect(target.sockaddr)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        return sock
    raise error if error is not None else OSError("no address to connect to")


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, targets: list[Target], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._targets = targets

    def connect(self) -> None:
        self.sock = open_socket(self._targets, self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, targets: list[Target], timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._targets = targets

    def connect(self) -> None:
        sock = open_socket(self._targets, self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # SNI and the certificate check are for the name, not the address we dialled.
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def pinned_connection(
    scheme: str, host: str, port: int, timeout: float
) -> http.client.HTTPConnection:
    """An HTTP(S) connection to `host` that, when it connects, dials only a checked address.
    Raises EgressRefused before anything is sent."""
    targets = resolve_checked(host, port)
    if scheme == "https":
        return _PinnedHTTPS(host, port, targets, timeout)
    return _PinnedHTTP(host, port, targets, timeout)


class PinnedSMTP(smtplib.SMTP):
    """SMTP that dials only a checked address of the mail server; EHLO, STARTTLS and its
    certificate check keep the server's name."""

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return open_socket(resolve_checked(host, port), timeout)


class PinnedSMTPSSL(smtplib.SMTP_SSL):
    """SMTP over TLS from the first byte, dialling only a checked address."""

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = open_socket(resolve_checked(host, port), timeout)
        return self.context.wrap_socket(sock, server_hostname=host)


def check_url(url: str) -> None:
    """Raise EgressRefused unless the worker could post to `url` now (an http(s) URL whose
    host resolves only to allowed addresses). For the channel form: the worker checks again
    at every delivery, because DNS answers and the allowlist both change."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise EgressRefused(_("The address has an invalid port.")) from None
    resolve_checked(parts.hostname or "", port)
