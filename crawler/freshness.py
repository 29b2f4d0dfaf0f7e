"""Incremental crawls: article requests whose URL was fetched within the source's refresh
window are dropped (and counted as ``wiretrace/skipped/fresh``) before they are scheduled."""

from collections.abc import AsyncIterator

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.extensions.index import IndexExtension
from crawler.state import CrawlState


class FreshArticlesMiddleware:
    """Spider middleware: one Redis read per callback for all the article requests it
    yields (``meta["wt_kind"] == "article"``), in a thread, off the reactor. Feeds, sitemaps
    and start pages are fetched on every run. Off when :class:`IndexExtension` is off."""

    def __init__(self, state: CrawlState, stats: StatsCollector) -> None:
        self.state = state
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "FreshArticlesMiddleware":
        assert crawler.stats is not None
        return cls(IndexExtension.of(crawler).state, crawler.stats)

    async def process_spider_output(self, response: Response | None,
                                    result: AsyncIterator[object]) -> AsyncIterator[object]:
        articles: list[Request] = []
        async for out in result:
            if isinstance(out, Request) and out.meta.get("wt_kind") == "article":
                articles.append(out)
            else:
                yield out
        if not articles:
            return
        fresh = await maybe_deferred_to_future(
            deferToThread(self.state.fresh, [r.url for r in articles]))
        if fresh:
            self.stats.inc_value("wiretrace/skipped/fresh", len(fresh))
        for request in articles:
            if request.url not in fresh:
                yield request
