"""The extraction pool and the index writer of a crawl process, shared by all its sources.

Each source is one Scrapy crawler; a pool and a writer per crawler made a crawl of 300 sources
run 600 processes. Here the first crawler to open builds them and the last to close shuts them
down. Back-pressure: at most ``POOL_DEPTH × workers`` pages wait for or sit in the pool, taken
in arrival order (an asyncio semaphore is fair), so a fast source waits its turn like the others;
a crawler whose items wait stops downloading (Scrapy's scraper slot), so memory stays bounded.
Articles of every source go to the index in shared batches, by one writer thread; each source's
counts and crawl state are updated for its own articles once they are written.
"""

import asyncio
import logging
import multiprocessing
import os
import threading
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar

from scrapy.statscollectors import StatsCollector

from crawler.state import CrawlState
from crawler.work import Result, extract_page, sign_drafts, warm_up
from dedup.engine import Engine
from dedup.lifeline import die_with_parent
from dedup.models import Draft, Outcome, Prepared
from dedup.prepare import latest

logger = logging.getLogger(__name__)

EXTRACT_TIMEOUT = 120.0  # seconds for one page; a page past it is skipped and counted
# Pages handed to the pool at once, per worker. Each worker needs its next pages queued
# before it finishes one: the reactor submits the next only when it has run the callback of
# a finished one, and while it downloads that takes tens of milliseconds (at 2 per worker
# the workers waited between pages about a third of that time).
POOL_DEPTH = 4


@dataclass(frozen=True, slots=True, eq=False)
class Sink:
    """Where one source's results go: its stats and its crawl state."""

    stats: StatsCollector
    state: CrawlState
    written: list[str]  # ids of the articles it added or changed (roles counted at the end)


class SharedIndexer:
    """One per process (:meth:`acquire` / :meth:`release`): pool, writer thread, batches."""

    _current: ClassVar["SharedIndexer | None"] = None

    def __init__(self, engine: Engine, workers: int) -> None:
        self.engine = engine
        self.workers = workers
        self.batch_size = engine.settings.batch_size
        self.users = 0
        self.depth = POOL_DEPTH * workers  # pages in the pool at once
        self.pool = _take_prestarted(workers) or _forkserver_pool(workers)
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="wiretrace-index")
        self.buffer: list[tuple[Draft, str, Sink]] = []
        self._slots: asyncio.Semaphore | None = None
        self.extracting = 0  # pages waiting for or in the pool
        self._flushing: asyncio.Lock | None = None

    @classmethod
    def acquire(cls, engine: Engine, workers: int) -> "SharedIndexer":
        """The process's indexer, built by the first caller (its engine and worker count)."""
        if cls._current is None:
            cls._current = cls(engine, workers)
        cls._current.users += 1
        return cls._current

    @classmethod
    def current(cls) -> "SharedIndexer | None":
        """The process's indexer, if a crawler opened it."""
        return cls._current

    async def release(self) -> None:
        """Write what is buffered; the last user shuts the pool and the writer down."""
        try:
            await self.flush()
        finally:
            self.users -= 1
            if self.users == 0:
                if SharedIndexer._current is self:
                    SharedIndexer._current = None
                self.writer.shutdown(wait=True)
                self.pool.shutdown(wait=True, cancel_futures=True)

    async def extract(self, url: str, body: bytes | str, noindex: bool,
                      content_type: str, listed: bool = False) -> Result:
        """Extract a page in the pool, waiting (fairly) for a place when it is busy;
        ``listed``: a feed or a news sitemap listed the page."""
        if self._slots is None:  # made on the reactor's loop, on first use
            self._slots = asyncio.Semaphore(self.depth)
        self.extracting += 1
        try:
            async with self._slots:
                fut = self.pool.submit(extract_page, url, body, noindex, content_type,
                                       listed=listed)
                del body
                try:
                    return await asyncio.wait_for(asyncio.wrap_future(fut), EXTRACT_TIMEOUT)
                except TimeoutError:
                    return "extract_timeout", None, "extraction took too long"
        finally:
            self.extracting -= 1

    def saturated(self) -> bool:
        """Two pages per worker wait for or sit in the pool: more would wait, not be
        extracted soon (a shared crawl then leaves new pages to other processes)."""
        return self.extracting >= 2 * self.workers

    async def add(self, draft: Draft, url: str, sink: Sink) -> None:
        """Buffer an article; a full batch is written (the caller waits for it)."""
        self.buffer.append((draft, url, sink))
        if len(self.buffer) >= self.batch_size:
            await self.flush()

    async def flush(self) -> None:
        """Write the buffer. Flushes take turns: one that finds the buffer empty returns once
        the flush that took its articles has written them (a source's counts are final when
        its crawler closes)."""
        if self._flushing is None:
            self._flushing = asyncio.Lock()
        async with self._flushing:
            await self._flush()

    async def _flush(self) -> None:
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        drafts = latest([d for d, _, _ in batch])
        try:
            templates = await asyncio.wrap_future(
                self.writer.submit(self.engine.writer.learn, drafts))
            prepared = await asyncio.wrap_future(self.pool.submit(sign_drafts, drafts, templates))
        except Exception as exc:  # counted, logged; the crawl goes on
            _failed(batch, exc)
            return
        await asyncio.wrap_future(self.writer.submit(self._write, prepared, batch))

    def _write(self, prepared: list[Prepared], batch: list[tuple[Draft, str, Sink]]) -> None:
        """In the writer thread: one guarded batch write, then each source's crawl state
        (only what was written is marked fresh: a re-run fetches the rest again)."""
        try:
            outcomes = self.engine.ingest_prepared(prepared)
        except Exception as exc:  # counted, logged; the crawl goes on
            _failed(batch, exc)
            return
        owner = {d.id: sink for d, _, sink in batch}
        by_sink: dict[Sink, list[Outcome]] = {}
        for o in outcomes:
            by_sink.setdefault(owner[o.id], []).append(o)
        for sink, done in by_sink.items():
            _count(sink.stats, done)
            sink.written.extend(o.id for o in done if o.status != "unchanged")
        urls: dict[Sink, list[str]] = {}
        for _, url, sink in batch:
            urls.setdefault(sink, []).append(url)
        for sink, marked in urls.items():
            sink.state.mark(marked)


_prestarted: tuple[ProcessPoolExecutor, int] | None = None  # the pool, its workers


def prestart_pool(workers: int) -> bool:
    """Start the extraction workers now, forked from this process, which has imported the
    extraction code already: call before the reactor runs and while this is the only thread
    (then a fork is safe). The first indexer with as many workers takes the pool; the
    crawl saves a forkserver that would import the extraction code again (a second of
    CPU, the first pages waiting for it). False (nothing started) when other threads run."""
    global _prestarted
    if _prestarted is not None or threading.active_count() > 1:
        return False
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=die_with_parent, initargs=(os.getpid(),))
    pool.submit(warm_up).result()  # with fork, every worker starts on the first submit
    _prestarted = pool, workers
    return True


def discard_prestarted() -> None:
    """Shut down a pool no indexer took (indexing off, or another worker count)."""
    global _prestarted
    if _prestarted is not None:
        (pool, _), _prestarted = _prestarted, None
        pool.shutdown(wait=True, cancel_futures=True)


def _take_prestarted(workers: int) -> ProcessPoolExecutor | None:
    global _prestarted
    if _prestarted is None or _prestarted[1] != workers:
        return None
    (pool, _), _prestarted = _prestarted, None
    return pool


def _forkserver_pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: a fork of a process that runs a reactor and threads is not safe, so
    # workers fork from a fresh server process that imports the extraction code once.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["crawler.work", "trafilatura", "dedup.extraction"])
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=die_with_parent,
                               initargs=(os.getpid(),))
    for _ in range(workers):
        pool.submit(warm_up)
    return pool


def _failed(batch: list[tuple[Draft, str, Sink]], exc: Exception) -> None:
    logger.error("could not index %d articles: %s", len(batch), exc)
    for sink, n in Counter(sink for _, _, sink in batch).items():
        sink.stats.inc_value("wiretrace/index_errors", n)


def _count(stats: StatsCollector, outcomes: list[Outcome]) -> None:
    for status, n in Counter(o.status for o in outcomes).items():
        stats.inc_value(f"wiretrace/indexed/{status}", n)
    for o in outcomes:  # as written; the run's summary counts them again at its end
        if o.status != "unchanged" and o.role in ("copy", "partial", "original"):
            stats.inc_value(f"wiretrace/role/{o.role}")
