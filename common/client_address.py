"""The address of the client behind the TLS proxy: the one rule that the lockout, the throttle and the audit log use.

Behind a proxy every request comes from the proxy's address; the client's is in ``X-Forwarded-For``, which the
client can also write. Only what a trusted proxy (``TRUSTED_PROXIES``: addresses or networks) appended is
believed: the header is read from the right, past the trusted proxies, and the first other address is the
client. A request that does not come from a trusted proxy is its own client whatever its headers say.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str) -> Address | None:
    """An address as proxies write it: ``203.0.113.7``, ``2001:db8::1``, ``[2001:db8::1]:443``, ``1.2.3.4:80``."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # A server listening on IPv6 sees IPv4 clients as ::ffff:a.b.c.d.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or what the trusted proxies in front of it say it is."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(_address(remote or ""), networks):
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    client = remote
    for part in reversed(forwarded):
        address = _address(part)
        if address is None:
            # Not an address a proxy would write: stop at the last one known to be true.
            break
        client = str(address)
        if not _trusted(address, networks):
            break
    return client
