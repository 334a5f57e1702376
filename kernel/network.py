"""Who is on the other end of a request: the client address behind trusted proxies only.

`X-Forwarded-For` is believed only when the direct peer is one of the configured trusted proxies
(`MADOGUCHI_TRUSTED_PROXIES`, a list of addresses or networks). The header is then read from the
right, skipping further trusted proxies; the first address that is not one is the client. A
client cannot make itself look like anyone else by sending the header itself.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

UNKNOWN_ADDRESS = "0.0.0.0"


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def address_in(address: str, networks) -> bool:
    """Whether `address` lies in one of `networks` (strings or network objects)."""
    parsed = _parse(address)
    if parsed is None:
        return False
    if parsed.version == 6 and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped
    nets = _networks(tuple(str(net) for net in networks))
    return any(parsed.version == net.version and parsed in net for net in nets)


def client_address(request) -> str:
    """The address of the client that sent `request` (see the module's docstring)."""
    peer = request.META.get("REMOTE_ADDR") or UNKNOWN_ADDRESS
    trusted = tuple(settings.MADOGUCHI_TRUSTED_PROXIES)
    if not trusted or not address_in(peer, trusted):
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(forwarded):
        if _parse(hop) is None:
            return peer  # a garbled header: trust only what we saw ourselves
        if not address_in(hop, trusted):
            return hop
    return peer
