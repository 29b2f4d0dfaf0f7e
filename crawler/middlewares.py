"""Downloader middlewares: where a request may go, and robots.txt taken strictly; Scrapy
middlewares left out of the chain when their settings leave them nothing to do."""

import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.depth import DepthMiddleware

from crawler.safety import SafeResolver, in_domains, installed_resolver, was_refused
from crawler.sources import source_of
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
    address actually connected to; a host that only another source of the process may reach
    on a private address is refused here, since the resolver would let it through. Redirects
    pass here again, as new requests.

    Example:
        >>> guard = AddressGuardMiddleware(private_domains=[])
        >>> guard.process_request(Request("http://127.0.0.1/"))
        Traceback (most recent call last):
        ...
        crawler.middlewares.Skipped: http://127.0.0.1/: loopback
    """

    def __init__(self, private_domains: Iterable[str],
                 resolver: SafeResolver | None = None) -> None:
        # the domains this source may reach on private addresses (none unless it allows it)
        self.private_domains = tuple(private_domains)
        self.resolver = resolver

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "AddressGuardMiddleware":
        source = source_of(crawler.spider)
        allowed = source.domains() if source and source.allow_private_addresses else []
        guard = cls(allowed)
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        return guard

    def spider_opened(self) -> None:
        # the resolver is installed when the reactor starts, after the crawlers are built
        self.resolver = self.resolver or installed_resolver()
        if self.resolver is not None and self.private_domains:
            self.resolver.allow_private(self.private_domains)

    def allows_private(self, host: str) -> bool:
        return in_domains(host, self.private_domains)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise self._skip("bad_scheme", f"scheme {parts.scheme!r} is not http or https")
        host = parts.hostname or ""
        ip = literal_ip(host)
        if ip is not None:
            why = blocked_reason(ip)
            if why and not self.allows_private(str(ip)) and not self.allows_private(host):
                raise self._skip("blocked_address", f"{request.url}: {why}")
        elif (self.resolver is not None and self.resolver.private_allowed(host)
              and not self.allows_private(host)):
            raise self._skip("blocked_address", f"{request.url}: only another source of this "
                             "crawl may reach this host on a private address")

    def _skip(self, reason: str, message: str) -> Skipped:
        logger.info("skipped: %s", message)
        return Skipped(reason, message)


class _Unavailable:
    """The robots.txt of a host could not be read (5xx, timeout, connection error): nothing of
    the host is fetched in this run. A missing robots.txt (4xx) still allows everything."""

    reason = "robots_unavailable"

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False

    def sitemaps(self) -> list[str]:
        return []


class _NoRobotsTraceback(logging.Filter):
    """Drops Scrapy's "Error downloading …" record, with its traceback, for a robots.txt that
    could not be fetched (a DNS failure, a refused connection): ``_settle`` says it in one
    line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Error downloading")


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, except that a robots.txt that answers 5xx or cannot be
    fetched means "do not crawl this host for now" (Scrapy's own treats it as allow-all)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        scrapy_logger = logging.getLogger(RobotsTxtMiddleware.__module__)
        if not any(isinstance(f, _NoRobotsTraceback) for f in scrapy_logger.filters):
            scrapy_logger.addFilter(_NoRobotsTraceback())

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            self._settle(netloc, f"robots.txt answered {response.status}")
            return
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        rp = _Unavailable()
        host = netloc.rsplit(":", 1)[0].strip("[]").lower()
        if isinstance(exc, Skipped) or was_refused(host):
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

    def process_request_2(self, rp: "RobotParser | _Unavailable | None",
                          request: Request) -> None:
        if isinstance(rp, _Unavailable):
            raise Skipped(rp.reason, f"{request.url}: robots.txt unavailable ({rp.reason})")
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            raise Skipped("robots_forbidden", f"{request.url}: forbidden by robots.txt") \
                from None


class FollowedMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, left out of the chain when none can be followed:
    with ``METAREFRESH_MAXDELAY`` 0 (the default here) no refresh is followed, yet Scrapy's
    middleware decodes every whole page to look for one, in the crawl process, the one
    that feeds the extraction workers. A source that sets a delay gets Scrapy's behaviour."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        if self._maxdelay <= 0:
            raise NotConfigured


class UsedDepthMiddleware(DepthMiddleware):
    """Scrapy's depth middleware, left out of the chain when it has nothing to do: without a
    ``DEPTH_LIMIT``, a ``DEPTH_PRIORITY`` or verbose depth stats (the defaults) it only
    counts the deepest request, and every request and item of every page passed through it
    (the spider follows links to its sources' ``max_depth`` itself)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "UsedDepthMiddleware":
        s = crawler.settings
        if not (s.getint("DEPTH_LIMIT") or s.getint("DEPTH_PRIORITY")
                or s.getbool("DEPTH_STATS_VERBOSE")):
            raise NotConfigured
        return super().from_crawler(crawler)
