"""The SSRF guard: Fursa fetches only public http(s) addresses.

Staff paste URLs and pages redirect anywhere; without this check a hostile page could make the
crawler read a cloud metadata service or an intranet admin page. Every URL and every redirect hop
goes through `check_public_url`, at every crawl. Tests need a server on loopback, so
`allow_private=True` admits loopback (127.0.0.0/8, ::1) and nothing else.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from fursa.crawlers.errors import UnresolvableHostError, UnsafeURLError
from fursa.crawlers.failures import FailureKind, describe_failure

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
             ipaddress.ip_address("100.100.100.200")}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden inside an IPv6 one (mapped ::ffff:a.b.c.d, NAT64, 6to4), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour:
        return address.sixtofour
    return None


def address_problem(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why `address` must not be fetched ("a loopback address" …), or None when it is public."""
    inner = _embedded_ipv4(address)
    if inner is not None:
        problem = address_problem(inner, allow_loopback=allow_loopback)
        return f"{problem} ({inner} inside an IPv6 address)" if problem else None
    if address in _METADATA:
        return "a cloud metadata address"
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv6Address) and address in ipaddress.ip_network("fc00::/7"):
        return "a unique-local (private) IPv6 address"
    if address.is_private or not address.is_global:
        return "a private or reserved address"
    return None


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvableHostError(describe_failure(FailureKind.DNS, host, detail=str(exc)), reason=str(exc)) from exc
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def check_public_url(url: str, *, allow_private: bool = False) -> None:
    """Raise UnsafeURLError unless `url` is http(s) and every address of its host is public
    (UnresolvableHostError, a subclass, when the host does not resolve at all).

    `allow_private` admits loopback only (the test server); it is off by default.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURLError(f"refused {url!r}: only http and https links are fetched (got scheme {scheme or 'none'!r})")
    host = parts.hostname
    if not host:
        raise UnsafeURLError(f"refused {url!r}: the link has no host name")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeURLError(f"refused {url!r}: the port is not a number between 1 and 65535") from exc
    for address in resolve_host(host, port):
        problem = address_problem(address, allow_loopback=allow_private)
        if problem:
            raise UnsafeURLError(
                f"refused {url!r}: host {host!r} resolves to {address}, {problem}; "
                "Fursa only fetches public internet addresses"
            )
