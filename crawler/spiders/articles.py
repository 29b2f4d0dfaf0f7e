"""The generic spider: one source of the sources file, its feeds, sitemaps and start pages.

    scrapy crawl articles -a source=NAME [-a sources=FILE] [-O items.jsonl]

Feeds, sitemaps and start pages are fetched on every run; an article URL fetched within the
source's ``refresh`` window is not fetched again (crawler.freshness). Pages go
to the item pipeline, which extracts them in worker processes and indexes the articles.
"""

import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import Settings
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from crawler.failures import skip_reason
from crawler.safety import in_domains
from crawler.sources import Source, load_sources

logger = logging.getLogger(__name__)

_HTML_TYPES = (b"text/html", b"application/xhtml+xml", b"text/plain", b"")
_ATOM = "{http://www.w3.org/2005/Atom}"


# Under the asyncio reactor, Scrapy 2.19 counts a request against its slot's concurrency only
# once its download task has started, and with no delay it hands the slot's whole queue on at
# once: 25 requests in flight to one host at CONCURRENT_REQUESTS_PER_DOMAIN 8 (AutoThrottle
# off, DOWNLOAD_DELAY 0). With any delay it hands on one request per delay, and the concurrency
# holds; a millisecond costs nothing (a thousand requests a second per host at most).
MIN_DELAY = 0.001


def at_least_min_delay(settings: Settings) -> None:
    """Raise ``DOWNLOAD_DELAY`` to ``MIN_DELAY``, at the priority it was set with."""
    if not settings.frozen and settings.getfloat("DOWNLOAD_DELAY") < MIN_DELAY:
        settings.set("DOWNLOAD_DELAY", MIN_DELAY,
                     priority=settings.getpriority("DOWNLOAD_DELAY") or "project")


class ArticlesSpider(Spider):
    name = "articles"

    def __init__(self, source: str | None = None, sources: str | None = None,
                 loaded: Mapping[str, Source] | None = None, **kwargs: Any) -> None:
        """``loaded``: the sources file as its caller read it (`wiretrace crawl` reads it once
        for every source it crawls); else the spider reads ``sources``."""
        super().__init__(**kwargs)
        if not source:
            raise ValueError("give the source to crawl: scrapy crawl articles -a source=NAME")
        self.source_name = source
        self.sources_file = sources
        self.loaded = loaded

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> "ArticlesSpider":
        spider: ArticlesSpider = super().from_crawler(crawler, *args, **kwargs)
        path = spider.sources_file or crawler.settings.get("WIRETRACE_SOURCES")
        sources = spider.loaded if spider.loaded is not None else load_sources(path)
        if spider.source_name not in sources:
            raise ValueError(f"no source {spider.source_name!r} in {path} (sources: "
                             f"{', '.join(sources) or 'none'})")
        spider.configure(sources[spider.source_name], crawler)
        return spider

    def configure(self, source: Source, crawler: Crawler) -> None:
        self.source = source
        self.allowed_domains = source.domains()
        if source.settings and not crawler.settings.frozen:
            crawler.settings.setdict(source.settings, priority="spider")
        at_least_min_delay(crawler.settings)
        # a shared run (crawler.extensions.sharedqueue) fetches each start page once
        self.shared = bool(crawler.settings.get("WIRETRACE_SHARED_RUN"))
        follow = source.follow
        # domains are checked on host names here: LinkExtractor's allow_domains compares them
        # with host:port and drops every link of a site served on a non-default port
        self.links = LinkExtractor(allow=follow.allow, deny=follow.deny, unique=True)

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

    def _articles(self, urls: Iterable[str], depth: int | None = None,
                  listed: set[str] | None = None) -> Iterator[Request]:
        """Requests for article URLs, once each (crawler.freshness drops those fetched within
        the source's refresh window). ``listed``: the URLs a feed or a news sitemap lists,
        which extraction takes for articles whatever their URL looks like."""
        for url in dict.fromkeys(urls):
            meta: dict[str, object] = {"wt_kind": "article"}
            if depth is not None:
                meta["wt_depth"] = depth
            if listed is not None and url in listed:
                meta["wt_listed"] = True
            yield Request(url, self.parse_page, errback=self.failed, meta=meta)

    def _in_domains(self, url: str) -> bool:
        return in_domains(urlsplit(url).hostname or "", self.allowed_domains)

    # -- feeds and sitemaps -----------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[Request]:
        if self._declares_entities(response.body, response.url):
            return
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
        entries = len(root.xpath("//*[local-name()='item']")) + len(
            list(root.iterfind(f".//{_ATOM}entry")))
        self._dropped(entries - len(urls), response.url)
        self.crawler.stats.inc_value("wiretrace/feed_entries", len(urls))
        urls = [urljoin(response.url, u) for u in urls]
        yield from self._articles(urls, listed=set(urls))

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception:  # a broken or oversized archive is skipped
                self.crawler.stats.inc_value("wiretrace/skipped/bad_sitemap")
                return
        if self._declares_entities(body, response.url):
            return
        try:
            sitemap = Sitemap(body)
        except Exception:
            sitemap = None
        if sitemap is None or sitemap.type not in ("sitemapindex", "urlset"):
            self.crawler.stats.inc_value("wiretrace/skipped/bad_sitemap")
            logger.warning("%s is not a sitemap", response.url)
            return
        entries = list(sitemap)
        locs = [urljoin(response.url, e["loc"]) for e in entries if e.get("loc")]
        self._dropped(len(entries) - len(locs), response.url)
        if sitemap.type == "sitemapindex":
            for url in locs:
                yield Request(url, self.parse_sitemap, errback=self.failed,
                              dont_filter=not self.shared, meta={"wt_kind": "sitemap"})
            return
        self.crawler.stats.inc_value("wiretrace/sitemap_entries", len(locs))
        # a news sitemap (<news:news> under each <url>) lists articles; a plain one lists
        # sections and tags too
        news = {urljoin(response.url, e["loc"]) for e in entries if "news" in e and e.get("loc")}
        yield from self._articles(locs, listed=news)

    def _declares_entities(self, body: bytes, url: str) -> bool:
        """A feed or sitemap that declares entities (billion laughs and its kin) is skipped
        whole and counted: entities are never expanded, and what the parser makes of the
        rest is unreliable (libxml2 stops at its amplification limit)."""
        if not _ENTITY_DECL.search(body[:1 << 20]):
            return False
        self.crawler.stats.inc_value("wiretrace/skipped/entity_expansion")
        logger.warning("%s declares XML entities: skipped", url)
        return True

    def _dropped(self, n: int, url: str) -> None:
        """Count entries without a readable address (a link that is an entity reference,
        left unexpanded, or an empty one)."""
        if n > 0:
            self.crawler.stats.inc_value("wiretrace/skipped/bad_entry", n)
            logger.warning("%s: %d entries without a readable address", url, n)

    # -- pages ------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Request | dict[str, object]]:
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
               "noindex": b"noindex" in robots, "kind": response.meta.get("wt_kind"),
               "listed": bool(response.meta.get("wt_listed"))}

    # -- failures ---------------------------------------------------------------------------
    def failed(self, failure: Failure) -> None:
        reason = skip_reason(failure)
        self.crawler.stats.inc_value(f"wiretrace/skipped/{reason}")
        request = getattr(failure, "request", None)
        logger.info("skipped %s: %s (%s)", getattr(request, "url", "?"), reason,
                    failure.getErrorMessage())


# an internal DTD subset with an entity declaration
_ENTITY_DECL = re.compile(rb"<!DOCTYPE[^>\[]*\[[^\]]*<!ENTITY", re.IGNORECASE)


def _atom_link(entry: lxml.etree._Element) -> list[str]:
    for link in entry.findall(f"{_ATOM}link"):
        href = link.get("href")
        if link.get("rel", "alternate") == "alternate" and href:
            return [str(href)]
    return []
