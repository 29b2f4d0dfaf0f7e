"""Where the crawler may connect: a DNS resolver that drops blocked addresses, and a hosts
mapping for tests and the demo.

The check sits in the resolver that Scrapy's downloader uses to connect, so what is checked
is what is connected to: a host name whose DNS answer changes between two requests (DNS
rebinding) is checked again on every connection. Redirects are new requests and go through
it as well. Literal IP hosts never reach a resolver; :mod:`crawler.middlewares` checks them.

The resolver is one per process and does not know which source asks: it lets through the
private addresses of the hosts that some source of the process may reach there, and each
source's :class:`crawler.middlewares.AddressGuardMiddleware` keeps its requests away from the
hosts that only another source may reach.
"""

import ipaddress
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from scrapy.settings import BaseSettings
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer, provider

from dedup.netguard import blocked_reason

logger = logging.getLogger(__name__)


# What is used of Twisted's resolver interfaces (zope interfaces, which mypy does not read)
class _Receiver(Protocol):
    def resolutionBegan(self, resolution: "_Resolution") -> None: ...
    def addressResolved(self, address: object) -> None: ...
    def resolutionComplete(self) -> None: ...


class _NameResolver(Protocol):
    def resolveHostName(self, resolutionReceiver: _Receiver, hostName: str, portNumber: int,
                        addressTypes: Sequence[type] | None,
                        transportSemantics: str) -> object: ...


class _Reactor(Protocol):
    nameResolver: _NameResolver

    def installNameResolver(self, resolver: "SafeResolver") -> object: ...


class _HasSettings(Protocol):
    settings: BaseSettings


def in_domains(host: str, domains: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


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

    def __init__(self, receiver: _Receiver, host: str, resolver: "SafeResolver") -> None:
        self.receiver = receiver
        self.host = host
        self.resolver = resolver

    def resolutionBegan(self, resolution: "_Resolution") -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: object) -> None:
        why = blocked_reason(getattr(address, "host", "0.0.0.0"))
        if why and not self.resolver.private_allowed(self.host):
            self.resolver.refused[self.host] = why
            logger.warning("not connecting to %s: %s", self.host, why)
            return
        self.receiver.addressResolved(address)

    def resolutionComplete(self) -> None:
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class SafeResolver:
    """Scrapy ``TWISTED_DNS_RESOLVER``: the reactor's resolver, plus the hosts mapping of
    ``WIRETRACE_HOSTS_FILE``, minus blocked addresses."""

    def __init__(self, reactor: _Reactor, hosts: dict[str, str]) -> None:
        self.reactor = reactor
        self.original = reactor.nameResolver
        self.hosts = hosts
        # domains whose hosts some source of this process may reach on private addresses
        self.private_domains: set[str] = set()
        # host -> why its address was refused, to count the failure by its reason
        self.refused: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: _HasSettings, reactor: _Reactor) -> "SafeResolver":
        # Scrapy passes the CrawlerProcess: one resolver, and one hosts file, per process
        return cls(reactor, read_hosts(crawler.settings.get("WIRETRACE_HOSTS_FILE")))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def allow_private(self, domains: Iterable[str]) -> None:
        """Let the hosts of ``domains`` resolve to private addresses (a source allows it)."""
        self.private_domains.update(domains)

    def private_allowed(self, host: str) -> bool:
        return in_domains(host, self.private_domains)

    def resolveHostName(
        self, resolutionReceiver: _Receiver, hostName: str, portNumber: int = 0,
        addressTypes: Sequence[type] | None = None, transportSemantics: str = "TCP",
    ) -> object:
        name = hostName.lower().rstrip(".")
        guard = _GuardedReceiver(resolutionReceiver, name, self)
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


def installed_resolver() -> SafeResolver | None:
    """The process's :class:`SafeResolver` once Scrapy installed it on the reactor, else None."""
    from twisted.internet import reactor

    resolver = getattr(reactor, "nameResolver", None)
    return resolver if isinstance(resolver, SafeResolver) else None


def was_refused(host: str) -> bool:
    """Whether the resolver refused the addresses of ``host`` (a DNS failure then means it)."""
    resolver = installed_resolver()
    return resolver is not None and host.lower().rstrip(".") in resolver.refused
