"""Downloader middlewares: where a request may go, and robots.txt taken strictly."""

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler import safety
from crawler.safety import private_allowed
from dedup.netguard import blocked_reason, literal_ip

logger = logging.getLogger(__name__)


class Skipped(IgnoreRequest):
    """A request dropped on purpose; ``reason`` is the counter it is counted under (by the
    spider's errback, as ``wiretrace/skipped/<reason>``)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class AddressGuardMiddleware:
    """Only http and https; no literal IP host in a blocked network unless the source allows
    private addresses. Host names are checked by :class:`crawler.safety.SafeResolver` on the
    address actually connected to. Redirects pass here again, as new requests."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "AddressGuardMiddleware":
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise self._skip("bad_scheme", f"scheme {parts.scheme!r} is not http or https")
        host = parts.hostname or ""
        ip = literal_ip(host)
        if ip is not None:
            why = blocked_reason(ip)
            if why and not private_allowed(str(ip)) and not private_allowed(host):
                raise self._skip("blocked_address", f"{request.url}: {why}")

    def _skip(self, reason: str, message: str) -> Skipped:
        logger.info("skipped: %s", message)
        return Skipped(reason, message)


class _Unavailable:
    reason = "robots_unavailable"

    """The robots.txt of a host could not be read (5xx, timeout, connection error): nothing of
    the host is fetched in this run. A missing robots.txt (4xx) still allows everything."""

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False

    def sitemaps(self) -> list[str]:
        return []


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, except that a robots.txt that answers 5xx or cannot be
    fetched means "do not crawl this host for now" (Scrapy's own treats it as allow-all)."""

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            self._settle(netloc, f"robots.txt answered {response.status}")
            return
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        rp = _Unavailable()
        host = netloc.rsplit(":", 1)[0].strip("[]").lower()
        if isinstance(exc, Skipped) or host in safety.REFUSED:
            rp.reason = "blocked_address"  # the host itself may not be connected to
        self._settle(netloc, f"robots.txt could not be fetched: {exc or type(exc).__name__}",
                     rp)

    def _settle(self, netloc: str, why: str, rp: "_Unavailable | None" = None) -> None:
        logger.warning("%s: %s; not crawling this host in this run", netloc, why)
        rp = rp or _Unavailable()
        pending = self._parsers.get(netloc)
        self._parsers[netloc] = rp  # type: ignore[assignment]
        if pending is not None and hasattr(pending, "callback"):
            pending.callback(rp)  # type: ignore[arg-type]

    def process_request_2(self, rp: Any, request: Request) -> None:
        if isinstance(rp, _Unavailable):
            raise Skipped(rp.reason, f"{request.url}: robots.txt unavailable ({rp.reason})")
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            raise Skipped("robots_forbidden", f"{request.url}: forbidden by robots.txt") \
                from None
