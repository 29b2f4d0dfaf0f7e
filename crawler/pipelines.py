"""The item pipeline: pages go to the process's extraction pool, articles to the index.

Extraction and signing are CPU work: they run in worker processes (one per CPU by default),
off the reactor, in one pool that every source of the crawl process shares, as is the one
writer thread (:class:`crawler.indexer.SharedIndexer`); the reactor only waits on futures.
"""

import logging
import os

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.extensions.index import IndexExtension
from crawler.indexer import SharedIndexer, Sink

logger = logging.getLogger(__name__)


class IndexPipeline:
    """Extracts each page the spider yields and indexes its article. Off when
    :class:`crawler.extensions.index.IndexExtension` is off."""

    def __init__(self, index: IndexExtension, stats: StatsCollector, workers: int) -> None:
        self.engine = index.engine
        self.sink = Sink(stats, index.state, index.written)
        self.stats = stats
        self.workers = workers
        self.indexer: SharedIndexer | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "IndexPipeline":
        assert crawler.stats is not None
        workers = crawler.settings.getint("WIRETRACE_EXTRACT_WORKERS") or os.cpu_count() or 1
        return cls(IndexExtension.of(crawler), crawler.stats, workers)

    async def open_spider(self) -> None:
        # the pool starts while robots.txt, feeds and sitemaps are fetched
        self.indexer = SharedIndexer.acquire(self.engine, self.workers)

    async def process_item(self, item: dict[str, object]) -> dict[str, object]:
        body = item.pop("body", None)
        if not isinstance(body, bytes | str):
            return item
        assert self.indexer is not None
        url = str(item["url"])
        status, draft, message = await self.indexer.extract(
            url, body, bool(item.get("noindex")), str(item.pop("content_type", "")),
            bool(item.get("listed")))
        del body
        if draft is None:
            self.stats.inc_value(f"wiretrace/skipped/{status}")
            raise DropItem(f"{url}: {message}", log_level="DEBUG")
        self.stats.inc_value("wiretrace/articles_extracted")
        item.update(id=draft.id, title=draft.meta.title, published=draft.meta.published,
                    site=draft.meta.site)
        await self.indexer.add(draft, url, self.sink)
        return item

    async def close_spider(self) -> None:
        if self.indexer is not None:
            indexer, self.indexer = self.indexer, None
            await indexer.release()
