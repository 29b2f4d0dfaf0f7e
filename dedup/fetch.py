"""Fetching a page on a user's behalf, safely: the lookup service's fetch-by-URL.

Refused, with the reason: schemes other than http/https, credentials in the URL, hosts that
name or resolve to blocked networks (dedup.netguard: loopback, private, link-local and
metadata, CGNAT, IPv4-mapped IPv6...) in any notation (``2130706433``, ``0x7f.1``), and the
same at every redirect. The address that was checked is the address connected to (one
resolution per hop, pinned), so a DNS answer that changes between check and connect (DNS
rebinding) cannot slip through. Bodies are read up to a size limit, within a time limit.
"""

import http.client
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from dedup.errors import InputError
from dedup.netguard import blocked_reason, literal_ip

Resolver = Callable[[str, int], list[str]]


class FetchRefused(InputError):
    """The URL may not be fetched; ``reason`` says why (a client error)."""


class FetchFailed(InputError):
    """The URL could be fetched but did not give a page (a gateway error)."""


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchFailed(f"cannot resolve {host}: {exc}", "dns_error") from None
    return list(dict.fromkeys(str(i[4][0]) for i in infos))


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    body: bytes


@dataclass
class FetchPolicy:
    allow_private: bool = False  # tests only: fetch from loopback
    # tests only: host names that may resolve to private addresses (the rest stay blocked)
    allow_private_hosts: frozenset[str] = frozenset()
    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 10.0
    max_redirects: int = 5
    user_agent: str = "wiretrace/0.1 (lookup service)"
    resolver: Resolver = system_resolver

# what may stay as it is in a request target: everything but non-ASCII and spaces is left,
# "%" too (a path already percent-encoded is sent as it came)
_URL_SAFE = "/?&=%:@!$'()*+,;-._~[]"


def check_url(url: str, policy: FetchPolicy) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) of a URL that may be fetched."""
    if len(url) > 2048:
        raise FetchRefused("URL longer than 2048 characters", "url_too_long")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"not a valid URL: {exc}", "bad_url") from None
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"scheme {parts.scheme!r} is not allowed (http and https only)",
                           "bad_scheme")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise FetchRefused("credentials in URLs are not allowed", "credentials")
    host = parts.hostname or ""
    if not host:
        raise FetchRefused("URL has no host", "bad_url")
    try:  # a non-ASCII name travels as IDNA, in DNS and in the Host header
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchRefused(f"host {host!r} is not a valid domain name", "bad_url") from None
    port = port or (443 if parts.scheme == "https" else 80)
    ip = literal_ip(host)
    addresses = [str(ip)] if ip is not None else policy.resolver(host, port)
    if not addresses:
        raise FetchFailed(f"{host} has no address", "dns_error")
    if not policy.allow_private and host.lower() not in policy.allow_private_hosts:
        for address in addresses:
            why = blocked_reason(address)
            if why:
                raise FetchRefused(f"{host} resolves to a blocked address: {why}",
                                   "blocked_address")
    return parts.scheme, host, port, addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, with the host name for SNI and certificate checks."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def checked_connection(url: str, policy: FetchPolicy, timeout: float,
                       ) -> tuple[http.client.HTTPConnection, str, str]:
    """(a connection to the checked address, request target, Host header) for a URL that
    may be fetched from (:func:`check_url`); not connected yet."""
    scheme, host, port, address = check_url(url, policy)
    remaining = max(0.1, timeout)
    conn: http.client.HTTPConnection
    if scheme == "https":
        conn = _PinnedHTTPS(host, address, port, remaining)
    else:
        conn = http.client.HTTPConnection(address, port, timeout=remaining)
    parts = urlsplit(url)
    path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                 safe=_URL_SAFE)
    default = 443 if scheme == "https" else 80
    return conn, path, host if port == default else f"{host}:{port}"


def fetch(url: str, policy: FetchPolicy | None = None) -> Page:
    """GET a page, following redirects; every hop is checked, then connected to as checked."""
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.timeout
    for _ in range(policy.max_redirects + 1):
        conn, path, host = checked_connection(url, policy, deadline - time.monotonic())
        try:
            conn.request("GET", path, headers={
                "Host": host, "User-Agent": policy.user_agent, "Accept": "text/html,*/*;q=0.5",
                "Accept-Encoding": "identity"})
            resp = conn.getresponse()
            if resp.status in (301, 302, 303, 307, 308) and resp.getheader("Location"):
                url = urljoin(url, resp.getheader("Location") or "")
                continue
            body = resp.read(policy.max_bytes + 1)
            if len(body) > policy.max_bytes:
                raise FetchFailed(f"page larger than {policy.max_bytes} bytes", "too_large")
            return Page(url, resp.status, resp.getheader("Content-Type") or "", body)
        except (OSError, http.client.HTTPException) as exc:
            raise FetchFailed(f"could not fetch {url}: {exc or type(exc).__name__}",
                              "fetch_error") from None
        finally:
            conn.close()
    raise FetchFailed(f"more than {policy.max_redirects} redirects", "redirect_loop")
