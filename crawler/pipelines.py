"""The item pipeline: pages go to a process pool for extraction, articles to the engine.

Extraction and signing are CPU work: they run in worker processes (one per CPU by default),
off the reactor. Per batch, the writer thread learns the sites' template lines (one Redis
round trip), the workers sign the batch without them, and the writer thread writes it (two
round trips); the reactor only waits on futures.
"""

import asyncio
import logging
import multiprocessing
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.extensions.index import IndexExtension
from crawler.work import extract_page, sign_drafts, warm_up
from dedup.models import Draft, Outcome, Prepared
from dedup.prepare import latest

logger = logging.getLogger(__name__)

EXTRACT_TIMEOUT = 120.0  # seconds for one page; a page past it is skipped and counted


class IndexPipeline:
    """Extracts each page the spider yields and indexes its article. Off when
    :class:`crawler.extensions.index.IndexExtension` is off."""

    def __init__(self, index: IndexExtension, stats: StatsCollector, workers: int) -> None:
        self.engine = index.engine
        self.state = index.state
        self.stats = stats
        self.workers = workers
        self.batch_size = self.engine.settings.batch_size
        self.pool: ProcessPoolExecutor | None = None
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="wiretrace-index")
        self.buffer: list[tuple[Draft, str]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "IndexPipeline":
        assert crawler.stats is not None
        workers = crawler.settings.getint("WIRETRACE_EXTRACT_WORKERS") or os.cpu_count() or 1
        return cls(IndexExtension.of(crawler), crawler.stats, workers)

    async def open_spider(self) -> None:
        # forkserver: a fork of a process that runs a reactor and threads is not safe, so
        # workers fork from a fresh server process that imports the extraction code once
        # (each spawned worker would import trafilatura and lxml again). They start while
        # robots.txt, feeds and sitemaps are fetched.
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["crawler.work", "trafilatura", "dedup.extraction"])
        self.pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
        for _ in range(self.workers):
            self.pool.submit(warm_up)

    async def process_item(self, item: dict[str, object]) -> dict[str, object]:
        body = item.pop("body", None)
        if not isinstance(body, bytes | str):
            return item
        assert self.pool is not None
        url = str(item["url"])
        fut = self.pool.submit(extract_page, url, body, bool(item.get("noindex")),
                               str(item.pop("content_type", "")))
        del body
        try:
            status, draft, message = await asyncio.wait_for(asyncio.wrap_future(fut),
                                                            EXTRACT_TIMEOUT)
        except TimeoutError:
            status, draft, message = "extract_timeout", None, "extraction took too long"
        if draft is None:
            self.stats.inc_value(f"wiretrace/skipped/{status}")
            raise DropItem(f"{url}: {message}", log_level="DEBUG")
        self.stats.inc_value("wiretrace/articles_extracted")
        self.buffer.append((draft, url))
        item.update(id=draft.id, title=draft.meta.title, published=draft.meta.published,
                    site=draft.meta.site)
        if len(self.buffer) >= self.batch_size:
            await self._flush()
        return item

    async def _flush(self) -> None:
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        drafts = latest([d for d, _ in batch])
        assert self.pool is not None
        try:
            templates = await asyncio.wrap_future(
                self.writer.submit(self.engine.writer.learn, drafts))
            prepared = await asyncio.wrap_future(self.pool.submit(sign_drafts, drafts, templates))
        except Exception as exc:  # counted, logged; the crawl goes on
            self._failed(len(batch), exc)
            return
        await asyncio.wrap_future(self.writer.submit(self._write, prepared,
                                                     [url for _, url in batch]))

    def _write(self, prepared: list[Prepared], urls: list[str]) -> None:
        """In the writer thread: one guarded batch write, then the crawl state."""
        try:
            outcomes = self.engine.ingest_prepared(prepared)
        except Exception as exc:  # counted, logged; the crawl goes on
            self._failed(len(urls), exc)
            return
        self._count(outcomes)
        self.state.mark(urls)

    def _failed(self, n: int, exc: Exception) -> None:
        logger.error("could not index %d articles: %s", n, exc)
        self.stats.inc_value("wiretrace/index_errors", n)

    def _count(self, outcomes: list[Outcome]) -> None:
        counts = Counter(o.status for o in outcomes)
        for status, n in counts.items():
            self.stats.inc_value(f"wiretrace/indexed/{status}", n)
        for o in outcomes:
            if o.status != "unchanged" and o.role in ("copy", "partial", "original"):
                self.stats.inc_value(f"wiretrace/role/{o.role}")

    async def close_spider(self) -> None:
        try:
            await self._flush()
        finally:
            self.writer.shutdown(wait=True)
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
