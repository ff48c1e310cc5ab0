"""The egress allowlist's rules: what an entry may say, and whether one resolved address may be
reached. Pure: no database, no network (the worker's side is `notify.transports.connect`).

An entry is a host name (`robot.example.gov.cn`, optionally `:443`), one address
(`10.2.3.4`, `[fd00::5]:8080`) or a CIDR range (`10.2.0.0/16`). A destination is allowed only
when every address its name resolves to is allowed:

- an address inside a listed address or range (on the listed port, if one is given), whatever
  name led there;
- a public address reached through a listed host name (on its port, if given). A listed name
  never opens a private, loopback, link-local, multicast, unspecified or reserved address: a
  name is only as trustworthy as the DNS answering for it, so those addresses must themselves
  be listed.

IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are judged as the IPv4 address they carry.
"""

import ipaddress
from dataclasses import dataclass
from typing import Literal

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_NAME = 253


class EntryError(ValueError):
    """An entry the administrator typed that is not a host name, address or range."""


@dataclass(frozen=True)
class Entry:
    """One allowlist line, parsed: either `name` or `network` is set; `port` is optional."""

    name: str | None = None
    network: IPNetwork | None = None
    port: int | None = None

    @property
    def text(self) -> str:
        """The entry written out in one canonical form (what is stored and compared)."""
        if self.network is not None:
            net = self.network
            single = net.num_addresses == 1
            host = str(net.network_address) if single else str(net)
            if self.port is None:
                return host
            return f"[{host}]:{self.port}" if net.version == 6 else f"{host}:{self.port}"
        return f"{self.name}:{self.port}" if self.port is not None else str(self.name)


def _port(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 65535:
        raise EntryError("port")
    return int(raw)


def _name(raw: str) -> str:
    try:
        name = raw.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise EntryError("name") from None
    labels = name.split(".")
    if (
        not name
        or len(name) > MAX_NAME
        or any(not label or len(label) > 63 for label in labels)
        or any(not all(c.isalnum() or c == "-" for c in label) for label in labels)
        or any(label.startswith("-") or label.endswith("-") for label in labels)
    ):
        raise EntryError("name")
    if all(c.isdigit() or c == "." for c in name) or name.startswith("0x"):
        # 2130706433, 0177.1, 0x7f.1: numeric spellings of an address. Enter the address itself.
        raise EntryError("numeric")
    return name


def parse_entry(text: str) -> Entry:
    """Parse one entry; raise EntryError for anything that is not a host name, an address or
    a range, with or without a port (ranges take no port)."""
    raw = text.strip()
    if not raw or any(c.isspace() for c in raw):
        raise EntryError("empty")
    port: int | None = None
    host = raw
    if raw.startswith("["):
        end = raw.find("]")
        if end < 0:
            raise EntryError("bracket")
        host, rest = raw[1:end], raw[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise EntryError("bracket")
            port = _port(rest[1:])
        if "/" in host:
            raise EntryError("range with brackets")
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
        port = _port(port_text)
    if "/" in host:
        if port is not None:
            raise EntryError("range with port")
        try:
            return Entry(network=ipaddress.ip_network(host, strict=False))
        except ValueError:
            raise EntryError("range") from None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if ":" in host:
            raise EntryError("address") from None
        return Entry(name=_name(host), port=port)
    address = unmapped(address)
    return Entry(network=ipaddress.ip_network(address), port=port)


def normal_name(name: str) -> str:
    """A host name as entries store it: lower case, IDNA (punycode), no trailing dot."""
    try:
        return name.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return name.rstrip(".").lower()


def unmapped(address: IPAddress) -> IPAddress:
    """An IPv4-mapped IPv6 address as the IPv4 address it carries; any other as it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_special(address: IPAddress) -> bool:
    """Private, loopback, link-local, multicast, unspecified, reserved or shared (CGN): an
    address a listed host name alone never opens."""
    address = unmapped(address)
    return not address.is_global or address.is_multicast


Reason = Literal["ok", "special", "unlisted"]


def judge(name: str, port: int, address: IPAddress, entries: list[Entry]) -> Reason:
    """Whether `address`, which `name` resolved to, may be reached on `port`."""
    address = unmapped(address)
    name = normal_name(name)
    for entry in entries:
        if entry.port is not None and entry.port != port:
            continue
        if entry.network is not None and address in entry.network:
            return "ok"
    special = is_special(address)
    for entry in entries:
        if entry.port is not None and entry.port != port:
            continue
        if entry.name is not None and entry.name == name and not special:
            return "ok"
    return "special" if special else "unlisted"
