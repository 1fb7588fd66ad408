"""The machine's own addresses, and the address students should be given (standard library only; at the
config layer: it imports nothing from app).

The addresses are the union of several sources, each of which may fail and then adds nothing: the host
name's addresses, the source address of the outbound route (a UDP socket "connected" to a documentation
address: nothing is sent), /proc/net/if_inet6 (IPv6, Linux) and each interface's IPv4 address (SIOCGIFADDR,
Linux). They are read again when older than the caller's max_age, so a laptop that changes network is
picked up without every request paying for the look-up.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import struct
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

LOOPBACK = frozenset({"127.0.0.1", "::1"})
_PROBES = ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1"))  # TEST-NET, never answered
_SIOCGIFADDR = 0x8915
_cache: tuple[float, frozenset[str], str | None] | None = None  # (read at, addresses, primary)


def normalize(address: str) -> str | None:
    """An address literal as own_addresses() spells it (lower case, IPv6 compressed without brackets or
    zone id, an IPv4-mapped IPv6 address as its IPv4 address); None when `address` is not one."""
    text = address.strip().lower().removeprefix("[").removesuffix("]").split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def own_addresses(max_age: float = 30.0) -> frozenset[str]:
    """Every address of this machine (loopback included), read at most `max_age` seconds ago."""
    return _read(max_age)[1]


def primary_address(max_age: float = 30.0) -> str | None:
    """The address another machine on the network reaches this one at: the outbound route's IPv4 source,
    else the first IPv4 address that is neither loopback nor link-local, else None."""
    return _read(max_age)[2]


def is_own_address(address: str, max_age: float = 30.0) -> bool:
    """Whether an address literal names this machine: any loopback address (all of 127.0.0.0/8) or one of
    own_addresses()."""
    name = normalize(address)
    return name is not None and (is_loopback(name) or name in own_addresses(max_age))


def student_base_url(public_url: str, reached: str, *, wildcard: bool, port: int, primary: str | None) -> str:
    """The base URL students are given (no trailing slash): `public_url` when one is configured; else, when
    the teacher reached the server (`reached`, a base URL) through loopback while it listens on every
    interface, http://`primary`:`port` (another machine cannot open the teacher's 127.0.0.1); else
    `reached`."""
    if public_url:
        return public_url.rstrip("/")
    host = urlsplit(reached).hostname or ""
    if wildcard and primary is not None and (host == "localhost" or is_loopback(host)):
        shown = f"[{primary}]" if ":" in primary else primary
        return f"http://{shown}:{port}"
    return reached.rstrip("/")


def is_loopback(address: str) -> bool:
    """Whether an address literal is a loopback address (all of 127.0.0.0/8, ::1)."""
    name = normalize(address)
    return name is not None and ipaddress.ip_address(name).is_loopback


def _read(max_age: float) -> tuple[float, frozenset[str], str | None]:
    """The cached addresses, read again when older than `max_age` seconds."""
    global _cache
    now = time.monotonic()
    if _cache is None or now - _cache[0] >= max_age:
        found = {name for raw in _sources() if (name := normalize(raw)) is not None}
        _cache = (now, frozenset(found | LOOPBACK), _primary(found))
    return _cache


def _primary(found: set[str]) -> str | None:
    """The outbound route's IPv4 source, else the first usable IPv4 address."""
    routed = normalize(_outbound(socket.AF_INET, _PROBES[0][1]) or "")
    candidates = ([routed] if routed else []) + sorted(found)
    for name in candidates:
        ip = ipaddress.ip_address(name)
        if ip.version == 4 and not ip.is_loopback and not ip.is_link_local and not ip.is_unspecified:
            return name
    return None


def _sources() -> Iterator[str]:
    """Addresses from every source; a source that fails contributes nothing."""
    for source in (_by_host_name, _by_route, _by_if_inet6, _by_interface):
        with contextlib.suppress(OSError, ValueError, UnicodeError, ImportError):
            yield from list(source())


def _by_host_name() -> Iterator[str]:
    """The addresses the machine's host name resolves to."""
    for *_, sockaddr in socket.getaddrinfo(socket.gethostname(), None):
        yield str(sockaddr[0])


def _by_route() -> Iterator[str]:
    """The source address of the outbound route, IPv4 and IPv6."""
    for family, probe in _PROBES:
        found = _outbound(family, probe)
        if found:
            yield found


def _outbound(family: socket.AddressFamily, probe: str) -> str | None:
    """The local address a UDP socket connected to `probe` would send from (connect sends nothing)."""
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.connect((probe, 9))
            return str(sock.getsockname()[0])
    except OSError:
        return None


def _by_if_inet6() -> Iterator[str]:
    """Every interface's IPv6 addresses (Linux: /proc/net/if_inet6, 32 hex digits per address)."""
    with open("/proc/net/if_inet6", encoding="ascii") as table:
        for line in table:
            digits = line.split()[0]
            yield ":".join(digits[i : i + 4] for i in range(0, 32, 4))


def _by_interface() -> Iterator[str]:
    """Every interface's IPv4 address (Linux: SIOCGIFADDR on each interface; one without IPv4 is skipped)."""
    import fcntl  # POSIX only: elsewhere the ImportError makes this source contribute nothing

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                answer = fcntl.ioctl(sock.fileno(), _SIOCGIFADDR, request)
            except OSError:
                continue
            yield socket.inet_ntoa(answer[20:24])
