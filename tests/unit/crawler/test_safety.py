"""Where a source may connect: each source's own allowance of private addresses, although
the resolver is one per process (issue 15: a public source reached a private page through
another source's allowance)."""

from pathlib import Path

import pytest
from scrapy import Request

from crawler.middlewares import AddressGuardMiddleware, Skipped
from crawler.safety import SafeResolver, in_domains, read_hosts
from crawler.sources import Source


class _Reactor:
    """What SafeResolver uses of a reactor: the resolver it wraps, and installing itself."""

    def __init__(self) -> None:
        self.nameResolver = None
        self.installed: SafeResolver | None = None

    def installNameResolver(self, resolver: SafeResolver) -> None:
        self.installed = resolver


class _Receiver:
    def __init__(self) -> None:
        self.addresses: list[str] = []
        self.complete = False

    def resolutionBegan(self, resolution: object) -> None:
        pass

    def addressResolved(self, address: object) -> None:
        self.addresses.append(getattr(address, "host", "?"))

    def resolutionComplete(self) -> None:
        self.complete = True


def _resolve(resolver: SafeResolver, host: str) -> list[str]:
    receiver = _Receiver()
    resolver.resolveHostName(receiver, host, 80)
    assert receiver.complete
    return receiver.addresses


def _guard(source: Source, resolver: SafeResolver) -> AddressGuardMiddleware:
    allowed = source.domains() if source.allow_private_addresses else []
    guard = AddressGuardMiddleware(allowed, resolver)
    guard.spider_opened()
    return guard


@pytest.fixture
def resolver() -> SafeResolver:
    return SafeResolver(_Reactor(), {"lan.test": "10.0.0.7", "news.test": "127.0.0.1"})


def _reason(guard: AddressGuardMiddleware, url: str) -> str | None:
    try:
        guard.process_request(Request(url))
    except Skipped as exc:
        return exc.reason
    return None


def test_a_public_source_does_not_reach_what_another_source_may(resolver: SafeResolver) -> None:
    lan = Source(name="lan", start_urls=["http://127.0.0.1:8000/", "http://lan.test/"],
                 allow_private_addresses=True)
    public = Source(name="public", start_urls=["https://example.com/"])
    lan_guard, public_guard = _guard(lan, resolver), _guard(public, resolver)
    # the public source's redirect to the loopback address, or to the other source's host
    assert _reason(public_guard, "http://127.0.0.1:8000/private") == "blocked_address"
    assert _reason(public_guard, "http://lan.test/intranet") == "blocked_address"
    assert _reason(public_guard, "http://sub.lan.test/") == "blocked_address"
    assert _reason(public_guard, "https://example.com/a") is None
    # the source that allows it reaches its own hosts, and only those
    assert _reason(lan_guard, "http://127.0.0.1:8000/private") is None
    assert _reason(lan_guard, "http://lan.test/intranet") is None
    assert _reason(lan_guard, "http://[::1]:8000/") == "blocked_address"
    assert _reason(lan_guard, "http://2130706433:8000/") is None  # 127.0.0.1 in decimal


def test_the_resolver_lets_private_addresses_through_only_for_allowed_hosts(
        resolver: SafeResolver) -> None:
    assert _resolve(resolver, "lan.test") == []
    assert resolver.refused == {"lan.test": "10.0.0.7 is private (RFC 1918)"}
    resolver.allow_private(["lan.test"])
    assert _resolve(resolver, "LAN.test.") == ["10.0.0.7"]
    assert _resolve(resolver, "news.test") == []


def test_only_http_and_https(resolver: SafeResolver) -> None:
    guard = _guard(Source(name="s", feeds=["https://example.com/f"]), resolver)
    assert _reason(guard, "ftp://example.com/a") == "bad_scheme"
    assert _reason(guard, "file:///etc/passwd") == "bad_scheme"


def test_in_domains_matches_the_domain_and_its_subdomains() -> None:
    assert in_domains("news.example.com.", ["example.com"])
    assert in_domains("EXAMPLE.com", ["example.com"])
    assert not in_domains("badexample.com", ["example.com"])
    assert not in_domains("example.com", [])


def test_hosts_file(tmp_path: Path) -> None:
    path = tmp_path / "hosts"
    path.write_text("# test sites\n127.0.0.1 a.test B.test.  # two names\n::1 c.test\n\n")
    assert read_hosts(path) == {"a.test": "127.0.0.1", "b.test": "127.0.0.1", "c.test": "::1"}
    assert read_hosts("") == {}
    path.write_text("not-an-address a.test\n")
    with pytest.raises(ValueError):
        read_hosts(path)
