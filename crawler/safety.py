"""Where the crawler may connect: a DNS resolver that drops blocked addresses, and a hosts
mapping for tests and the demo.

The check sits in the resolver that Scrapy's downloader uses to connect, so what is checked
is what is connected to: a host name whose DNS answer changes between two requests (DNS
rebinding) is checked again on every connection. Redirects are new requests and go through
it as well. Literal IP hosts never reach a resolver; :mod:`crawler.middlewares` checks them.
"""

import ipaddress
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import (
    IAddress,
    IHostnameResolver,
    IHostResolution,
    IResolutionReceiver,
)
from zope.interface import implementer, provider

from dedup.netguard import blocked_reason

logger = logging.getLogger(__name__)

# Domains whose hosts may resolve to blocked networks: filled by spiders whose source says
# `allow_private_addresses: true` (the resolver is one per process, sources are many).
PRIVATE_ALLOWED: set[str] = set()
# Host -> why its address was refused, so that the spider can count the failure by reason.
REFUSED: dict[str, str] = {}


def private_allowed(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in PRIVATE_ALLOWED)


def read_hosts(path: str | Path | None) -> dict[str, str]:
    """A hosts file (``ADDRESS NAME [NAME ...]`` per line, ``#`` comments) as name -> address."""
    out: dict[str, str] = {}
    if not path:
        return out
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2:
            ipaddress.ip_address(fields[0])  # a broken hosts file must fail loudly
            for name in fields[1:]:
                out[name.lower().rstrip(".")] = fields[0]
    return out


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:
        pass


@provider(IResolutionReceiver)
class _GuardedReceiver:
    """Passes on the addresses that may be connected to; records why others were dropped."""

    def __init__(self, receiver: Any, host: str) -> None:
        self.receiver = receiver
        self.host = host

    def resolutionBegan(self, resolution: Any) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:
        why = blocked_reason(getattr(address, "host", "0.0.0.0"))
        if why and not private_allowed(self.host):
            REFUSED[self.host] = why
            logger.warning("not connecting to %s: %s", self.host, why)
            return
        self.receiver.addressResolved(address)

    def resolutionComplete(self) -> None:
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class SafeResolver:
    """Scrapy ``TWISTED_DNS_RESOLVER``: the reactor's resolver, plus the hosts mapping of
    ``WIRETRACE_HOSTS_FILE``, minus blocked addresses."""

    def __init__(self, reactor: Any, hosts: dict[str, str]) -> None:
        self.reactor = reactor
        self.original = reactor.nameResolver
        self.hosts = hosts

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> "SafeResolver":
        return cls(reactor, read_hosts(crawler.settings.get("WIRETRACE_HOSTS_FILE")))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(
        self, resolutionReceiver: Any, hostName: str, portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None, transportSemantics: str = "TCP",
    ) -> Any:
        name = hostName.lower().rstrip(".")
        guard = _GuardedReceiver(resolutionReceiver, name)
        mapped = self.hosts.get(name)
        if mapped is None:
            return self.original.resolveHostName(guard, hostName, portNumber, addressTypes,
                                                 transportSemantics)
        resolution = _Resolution(hostName)
        guard.resolutionBegan(resolution)
        ip = ipaddress.ip_address(mapped)
        cls = IPv4Address if ip.version == 4 else IPv6Address
        guard.addressResolved(cls("TCP", str(ip), portNumber))
        guard.resolutionComplete()
        return resolution
