"""Which addresses wiretrace may fetch from: a list of blocked networks, checked on the
resolved address of every request (crawler) and every fetch-by-URL (API).

The networks are listed here rather than taken from ``ipaddress``'s ``is_private`` and
friends, whose answers changed between Python patch releases (3.11.7 misses some ranges).
IPv4-mapped, IPv4-compatible, 6to4 and NAT64 IPv6 addresses are judged by the IPv4 address
they carry.
"""

import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

BLOCKED_NETWORKS: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "this network"),
    ("10.0.0.0/8", "private (RFC 1918)"),
    ("100.64.0.0/10", "carrier-grade NAT"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local (cloud metadata)"),
    ("172.16.0.0/12", "private (RFC 1918)"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private (RFC 1918)"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("255.255.255.255/32", "broadcast"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("100::/64", "discard"),
    ("2001:db8::/32", "documentation"),
    ("fc00::/7", "unique local (private; includes fd00:ec2::254 metadata)"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
)
_NETS = [(ipaddress.ip_network(n), why) for n, why in BLOCKED_NETWORKS]


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    packed = ip.packed
    if packed[:12] == bytes(12) and packed[12:] != bytes(4):  # IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(packed[12:])
    if ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64
        return ipaddress.IPv4Address(packed[12:])
    return None


def blocked_reason(ip: IPAddress | str) -> str | None:
    """Why an address must not be fetched from, or None when it may be."""
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.scope_id:
            addr = ipaddress.IPv6Address(str(addr).split("%")[0])
        inner = _embedded_v4(addr)
        if inner is not None:
            why = blocked_reason(inner)
            return f"{why} (inside IPv6 {addr})" if why else None
    for net, why in _NETS:
        if addr.version == net.version and addr in net:
            return f"{addr} is {why}"
    return None


def literal_ip(host: str) -> IPAddress | None:
    """The address a host names literally, in any form a resolver accepts: dotted quad,
    shortened or octal/hex forms (``127.1``, ``0x7f.1``), a bare integer (``2130706433``),
    IPv6 in brackets or not. None for a host name."""
    h = host.strip().strip("[]").rstrip(".")
    if not h:
        return None
    try:
        return ipaddress.ip_address(h.split("%")[0])
    except ValueError:
        pass
    if all(c in "0123456789abcdefxABCDEFX." for c in h) and h[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(h))
        except OSError:
            return None
    return None
