"""The generic spider: one source of the sources file, its feeds, sitemaps and start pages.

    scrapy crawl articles -a source=NAME [-a sources=FILE] [-O items.jsonl]

Feeds, sitemaps and start pages are fetched on every run; an article URL fetched within the
source's ``refresh`` window is not fetched again (state in Redis, see crawler.state). Pages go
to the item pipeline, which extracts them in worker processes and indexes the articles.
"""

import logging
import os
import re
import socket
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from crawler import safety
from crawler.middlewares import Skipped
from crawler.sources import Source, load_sources
from crawler.state import CrawlState
from dedup.config import Settings
from dedup.engine import Engine
from dedup.redisconn import server_url

logger = logging.getLogger(__name__)

_HTML_TYPES = (b"text/html", b"application/xhtml+xml", b"text/plain", b"")
_ATOM = "{http://www.w3.org/2005/Atom}"


class ArticlesSpider(Spider):
    name = "articles"

    def __init__(self, source: str | None = None, sources: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not source:
            raise ValueError("give the source to crawl: scrapy crawl articles -a source=NAME")
        self.source_name = source
        self.sources_file = sources

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "ArticlesSpider":
        spider: ArticlesSpider = super().from_crawler(crawler, *args, **kwargs)
        path = spider.sources_file or crawler.settings.get("WIRETRACE_SOURCES")
        sources = load_sources(path)
        if spider.source_name not in sources:
            raise ValueError(f"no source {spider.source_name!r} in {path} (sources: "
                             f"{', '.join(sources) or 'none'})")
        spider.configure(sources[spider.source_name], crawler)
        return spider

    def configure(self, source: Source, crawler: Any) -> None:
        self.source = source
        self.allowed_domains = source.domains()
        if source.settings and not crawler.settings.frozen:
            crawler.settings.setdict(source.settings, priority="spider")
        if source.allow_private_addresses:
            safety.PRIVATE_ALLOWED.update(self.allowed_domains)
        wt_settings = Settings()
        self.engine = Engine.from_settings(wt_settings)
        self.engine.check_index()
        self.shared = crawler.settings.get("WIRETRACE_SHARED_RUN") or None
        if self.shared:
            self._share_frontier(crawler, wt_settings)
        self.state = CrawlState(self.engine.client, self.engine.keys, source.name,
                                source.refresh.total_seconds())
        follow = source.follow
        # domains are checked on host names here: LinkExtractor's allow_domains compares them
        # with host:port and drops every link of a site served on a non-default port
        self.links = LinkExtractor(allow=follow.allow, deny=follow.deny, unique=True)

    # -- a crawl shared by several processes (scrapy-redis) --------------------------------
    def _share_frontier(self, crawler: Any, settings: Settings) -> None:
        """Requests go to a queue and a duplicate filter in Redis that every process started
        with the same run shares (scrapy-redis); each page is fetched by one of them."""
        if crawler.settings.frozen:
            raise RuntimeError("a shared crawl must be configured before the crawl starts")
        base = self.engine.keys.crawl_shared(self.source.name, str(self.shared))
        self.shared_keys = (base + "q", base + "df", base + "busy")
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._busy_at = 0.0
        crawler.settings.setdict({
            "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
            "SCHEDULER_QUEUE_KEY": self.shared_keys[0],
            "SCHEDULER_DUPEFILTER_KEY": self.shared_keys[1],
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_SERIALIZER": "crawler.requestcodec",
            "SCHEDULER_PERSIST": True,  # the first process to finish must not clear it
            "SCHEDULER_IDLE_BEFORE_CLOSE": 0,  # a blocking pop would block the reactor
            "REDIS_URL": server_url(settings),
            "REDIS_PARAMS": {"socket_timeout": settings.redis_timeout,
                             "socket_connect_timeout": settings.redis_timeout},
        }, priority="spider")
        crawler.signals.connect(self._still_busy, signal=signals.spider_opened)
        crawler.signals.connect(self._still_busy, signal=signals.response_received)
        crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(self._on_closed, signal=signals.spider_closed)

    _BUSY_FOR = 30.0  # a process that got no response for this long counts as idle

    def _still_busy(self, **_: Any) -> None:
        now = time.time()
        if now - self._busy_at > 2:
            self._busy_at = now
            self.engine.client.zadd(self.shared_keys[2], {self.worker: now})

    def _on_idle(self, **_: Any) -> None:
        """Stay while another process of the run works (it may queue more pages)."""
        client = self.engine.client
        q, _df, busy = self.shared_keys
        client.zrem(busy, self.worker)
        self._busy_at = 0.0
        others = client.zcount(busy, time.time() - self._BUSY_FOR, "+inf")
        if client.llen(q) or others:
            raise DontCloseSpider

    def _on_closed(self, **_: Any) -> None:
        client = self.engine.client
        pipe = client.pipeline(transaction=False)
        pipe.zrem(self.shared_keys[2], self.worker)
        for key in self.shared_keys:
            pipe.expire(key, 86400)
        pipe.execute()

    # -- starting points, fetched on every run (once per run when shared) -----------------
    async def start(self) -> AsyncIterator[Request]:
        refetch = not self.shared  # shared: the first process to ask fetches it
        for url in self.source.feeds:
            yield Request(url, self.parse_feed, errback=self.failed, dont_filter=refetch,
                          meta={"wt_kind": "feed"})
        for url in self.source.sitemaps:
            yield Request(url, self.parse_sitemap, errback=self.failed, dont_filter=refetch,
                          meta={"wt_kind": "sitemap"})
        for url in self.source.start_urls:
            yield Request(url, self.parse_page, errback=self.failed, dont_filter=refetch,
                          meta={"wt_kind": "start", "wt_depth": 0})

    def _articles(self, urls: list[str], depth: int | None = None,
                  callback: Any = None) -> Iterator[Request]:
        """Requests for article URLs, minus those fetched within the refresh window."""
        urls = list(dict.fromkeys(urls))
        fresh = self.state.fresh(urls)
        if fresh:
            self.crawler.stats.inc_value("wiretrace/skipped/fresh", len(fresh))
        for url in urls:
            if url in fresh:
                continue
            meta: dict[str, Any] = {"wt_kind": "article"}
            if depth is not None:
                meta["wt_depth"] = depth
            yield Request(url, callback or self.parse_page, errback=self.failed, meta=meta)

    def _in_domains(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    # -- feeds and sitemaps -----------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[Request]:
        try:
            root = lxml.etree.fromstring(response.body, parser=lxml.etree.XMLParser(
                resolve_entities=False, no_network=True, recover=True, huge_tree=False))
        except lxml.etree.XMLSyntaxError:
            root = None
        if root is None:
            self.crawler.stats.inc_value("wiretrace/skipped/bad_feed")
            logger.warning("%s is not an RSS or Atom feed", response.url)
            return
        # RSS 2.0 and RSS 1.0 (RDF) items, Atom entries
        urls = [str(t).strip() for t in root.xpath(
            "//*[local-name()='item']/*[local-name()='link']/text()") if str(t).strip()]
        urls += [u for e in root.iterfind(f".//{_ATOM}entry") for u in _atom_link(e)]
        self.crawler.stats.inc_value("wiretrace/feed_entries", len(urls))
        yield from self._articles([urljoin(response.url, u) for u in urls])

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception:  # a broken or oversized archive is skipped
                self.crawler.stats.inc_value("wiretrace/skipped/bad_sitemap")
                return
        try:
            sitemap = Sitemap(body)
        except Exception:
            sitemap = None
        if sitemap is None or sitemap.type not in ("sitemapindex", "urlset"):
            self.crawler.stats.inc_value("wiretrace/skipped/bad_sitemap")
            logger.warning("%s is not a sitemap", response.url)
            return
        locs = [urljoin(response.url, e["loc"]) for e in sitemap if e.get("loc")]
        if sitemap.type == "sitemapindex":
            for url in locs:
                yield Request(url, self.parse_sitemap, errback=self.failed,
                              dont_filter=not self.shared, meta={"wt_kind": "sitemap"})
            return
        self.crawler.stats.inc_value("wiretrace/sitemap_entries", len(locs))
        yield from self._articles(locs)

    # -- pages ------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        """An article or a listing: the pipeline decides; links are followed from pages
        reached through start_urls, up to the source's max_depth."""
        ctype = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
        if not isinstance(response, TextResponse) or ctype not in _HTML_TYPES:
            self.crawler.stats.inc_value("wiretrace/skipped/not_html")
            return
        depth = response.meta.get("wt_depth")
        if depth is not None and depth < self.source.follow.max_depth:
            links = [link.url for link in self.links.extract_links(response)
                     if self._in_domains(link.url)]
            yield from self._articles(links, depth + 1)
        robots = b" ".join(response.headers.getlist(b"X-Robots-Tag")).lower()
        # the bytes and the declared type go to the extraction worker, which decodes them:
        # decoding a large page is CPU work too
        ctype_header = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        yield {"url": response.url, "source": self.source.name, "body": response.body,
               "content_type": ctype_header,
               "noindex": b"noindex" in robots, "kind": response.meta.get("wt_kind")}

    # -- failures ---------------------------------------------------------------------------
    def failed(self, failure: Failure) -> None:
        reason = _reason(failure)
        self.crawler.stats.inc_value(f"wiretrace/skipped/{reason}")
        request = getattr(failure, "request", None)
        logger.info("skipped %s: %s (%s)", getattr(request, "url", "?"), reason,
                    failure.getErrorMessage())


def _atom_link(entry: Any) -> list[str]:
    links = entry.findall(f"{_ATOM}link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return [link.get("href")]
    return []


_TOO_LARGE = re.compile(r"larger than|max ?size|maxsize", re.IGNORECASE)


def _reason(failure: Failure) -> str:
    exc = failure.value
    if isinstance(exc, Skipped):
        return exc.reason
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, DNSLookupError):
        url = getattr(getattr(failure, "request", None), "url", "")
        name = (urlsplit(url).hostname or "").lower()
        return "blocked_address" if name in safety.REFUSED else "dns_error"
    if isinstance(exc, TimeoutError | TCPTimedOutError) or "timeout" in type(exc).__name__.lower():
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connection_refused"
    message = str(exc)
    if _TOO_LARGE.search(message) or "Cancelled" in type(exc).__name__:
        return "too_large"
    if "redirect" in message.lower():
        return "redirect_loop"
    if isinstance(exc, IgnoreRequest):
        return "ignored"
    return type(exc).__name__.lower()
