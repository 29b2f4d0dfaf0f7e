"""A crawl shared by several processes (``wiretrace crawl --shared-queue RUN``), on one machine
or many: requests go to a queue and a duplicate filter in Redis (scrapy-redis) that every
process started with the same run shares, so each page is fetched by one of them.

A process takes from the queue only what it can fetch and extract soon (bounded prefetch,
:class:`BoundedScheduler`): Scrapy would pull as many requests as its concurrency allows, so the
first process to start took a whole crawl and extracted it alone.

A process that runs out of requests stays while another process of the run still works (it
may queue more pages); processes say they work with a timestamp in a sorted set. Every Redis
call of this extension runs in a thread, off the reactor.
"""

import logging
import os
import socket
import time
import warnings
from typing import ClassVar

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured, ScrapyDeprecationWarning
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from crawler.indexer import SharedIndexer
from crawler.sources import source_of
from dedup.config import Settings
from dedup.keys import Keys
from dedup.redisconn import connect, server_url

logger = logging.getLogger(__name__)

BUSY_FOR = 30.0  # a process that got no response for this long counts as idle
BUSY_EVERY = 2.0  # seconds between two "still working" marks of one process
KEEP_FOR = 86400  # the run's keys expire this long after a process of it closes
NUDGE_EVERY = 0.2  # seconds between two "ask the queue again" while a process has room


def scheduler_settings(base: str, settings: Settings) -> dict[str, object]:
    """The scrapy-redis settings of a shared run whose keys start with ``base``."""
    password = settings.password() if settings.redis_url else None
    return {
        "SCHEDULER": "crawler.extensions.sharedqueue.BoundedScheduler",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "SCHEDULER_QUEUE_KEY": base + "q",
        "SCHEDULER_DUPEFILTER_KEY": base + "df",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_SERIALIZER": "crawler.requestcodec",
        "SCHEDULER_PERSIST": True,  # the first process to finish must not clear it
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,  # a blocking pop would block the reactor
        "REDIS_URL": server_url(settings),
        # our client (a RedisCluster for redis+cluster://): every command scrapy-redis's FIFO
        # queue and duplicate filter send touches one key
        "REDIS_PARAMS": {"redis_cls": "dedup.redisconn.ScrapyRedisClient",
                         "socket_timeout": settings.redis_timeout,
                         "failover_wait": settings.redis_failover_wait,
                         **({"password": password} if password else {})},
    }


class SpiderlessStats:
    """The crawler's stats as scrapy-redis's scheduler counts on them, less the ``spider``
    argument it passes (``inc_value(key, spider=...)``), which Scrapy's stats deprecate (one
    crawler, one spider: the stats are the crawler's)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    def inc_value(self, key: str, count: int = 1, start: int = 0,
                  spider: object = None) -> None:
        self.stats.inc_value(key, count, start)


class BoundedScheduler(Scheduler):
    """scrapy-redis's scheduler, handing the engine a request only while the process holds
    fewer than its prefetch budget (``WIRETRACE_SHARED_PREFETCH``; 0: four per extraction
    worker) over all its sources, counting those being downloaded and those in the scraper
    (waiting for or in extraction), and none while the extraction pool is full.

    The engine asks a crawler's scheduler again when one of its requests finishes, else every
    5 seconds; a budget freed by another source's request would wait for that, so every
    ``NUDGE_EVERY`` seconds, while there is room, each crawler is asked again (Scrapy's own
    ``nextcall``: a private attribute, the heartbeat remains if it goes).
    """

    _open: ClassVar[list["BoundedScheduler"]] = []
    _ticker: ClassVar[LoopingCall | None] = None
    crawler: Crawler | None = None
    budget = 4

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "BoundedScheduler":
        scheduler: BoundedScheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        if scheduler.stats is not None:
            scheduler.stats = SpiderlessStats(scheduler.stats)
        workers = crawler.settings.getint("WIRETRACE_EXTRACT_WORKERS") or os.cpu_count() or 1
        scheduler.budget = crawler.settings.getint("WIRETRACE_SHARED_PREFETCH") or 4 * workers
        return scheduler

    def open(self, spider: object) -> None:
        # scrapy-redis 0.9.1 says "Resuming crawl" (a queue other processes filled) through
        # Spider.log(), which Scrapy deprecates: that warning, from that module only, is
        # not ours to act on (every other deprecation still shows)
        warnings.filterwarnings("ignore", r"Spider\.log\(\) is deprecated",
                                ScrapyDeprecationWarning, r"scrapy_redis\.scheduler")
        super().open(spider)
        BoundedScheduler._open.append(self)
        if BoundedScheduler._ticker is None:
            ticker = BoundedScheduler._ticker = LoopingCall(BoundedScheduler._nudge_all)
            ticker.start(NUDGE_EVERY, now=False).addErrback(
                lambda f: logger.error("shared queue nudge failed: %s", f.getErrorMessage()))

    def close(self, reason: str) -> None:
        if self in BoundedScheduler._open:
            BoundedScheduler._open.remove(self)
        ticker = BoundedScheduler._ticker
        if not BoundedScheduler._open and ticker is not None:
            BoundedScheduler._ticker = None
            if ticker.running:
                ticker.stop()
        super().close(reason)

    def held(self) -> int:
        """Requests this crawler took and has not finished."""
        engine = self.crawler.engine if self.crawler else None
        if engine is None:
            return 0
        scraping = engine.scraper.slot.active if engine.scraper.slot else ()
        return len(engine.downloader.active) + len(scraping)

    @classmethod
    def room(cls, budget: int) -> bool:
        """The process holds fewer than ``budget`` requests and its pool is not full."""
        indexer = SharedIndexer.current()
        if indexer is not None and indexer.saturated():
            return False
        return sum(s.held() for s in cls._open) < budget

    def next_request(self) -> object:
        if not self.room(self.budget):
            return None
        return super().next_request()

    @classmethod
    def _nudge_all(cls) -> None:
        if not cls._open or not cls.room(cls._open[0].budget):
            return
        for scheduler in list(cls._open):
            engine = scheduler.crawler.engine if scheduler.crawler else None
            slot = getattr(engine, "_slot", None)
            nextcall = getattr(slot, "nextcall", None)
            if nextcall is not None:
                nextcall.schedule()


class SharedQueue:
    """Scrapy extension: the scheduler of a shared run, and when its processes may close.

    Off (``NotConfigured``) unless ``WIRETRACE_SHARED_RUN`` names the run; with a warning
    when the spider crawls no source of a sources file.
    """

    def __init__(self, crawler: Crawler, client: redis.Redis, base: str) -> None:
        self.crawler = crawler
        self.client = client
        self.queue, self.busy = base + "q", base + "busy"
        self.keys = (self.queue, base + "df", self.busy)
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._busy_at = 0.0
        self._activity = 0  # responses so far; a check is stale once another arrived
        self._checking = False
        self._done_at = -1  # the activity at which a check found the run done

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SharedQueue":
        run = crawler.settings.get("WIRETRACE_SHARED_RUN")
        if not run:
            raise NotConfigured  # off, as meant (a message would be logged as a warning)
        source = source_of(crawler.spider)
        if source is None:
            raise NotConfigured("the spider crawls no source of a sources file")
        settings = Settings()
        base = Keys(settings.namespace).crawl_shared(source.name, str(run))
        # Extensions are built before the settings are frozen and before the scheduler, so
        # the scheduler built next is scrapy-redis's on the run's keys.
        crawler.settings.setdict(scheduler_settings(base, settings), priority="spider")
        ext = cls(crawler, connect(settings), base)
        crawler.signals.connect(ext.still_busy, signal=signals.spider_opened)
        crawler.signals.connect(ext.still_busy, signal=signals.response_received)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def still_busy(self) -> None:
        self._activity += 1
        now = time.time()
        if now - self._busy_at > BUSY_EVERY:
            self._busy_at = now
            deferToThread(self.client.zadd, self.busy, {self.worker: now}).addErrback(
                self._failed, "could not mark this process busy")

    def spider_idle(self) -> None:
        """Close only once a check, begun after the last response, found the queue empty and
        no other process of the run working; until then, stay."""
        if self._done_at == self._activity:
            return
        if not self._checking:
            self._checking = True
            self._busy_at = 0.0
            d = deferToThread(self._others_working)
            d.addCallbacks(self._checked, self._check_failed, callbackArgs=(self._activity,),
                           errbackArgs=(self._activity,))
        raise DontCloseSpider

    def _others_working(self) -> bool:
        """In a thread: leave the busy set; is anything queued, or another process busy?"""
        pipe = self.client.pipeline(transaction=False)
        pipe.zrem(self.busy, self.worker)
        pipe.llen(self.queue)
        pipe.zcount(self.busy, time.time() - BUSY_FOR, "+inf")
        _, queued, others = pipe.execute()
        return bool(queued or others)

    def _checked(self, working: bool, activity: int) -> None:
        self._checking = False
        if working or activity != self._activity:
            return
        self._done_at = activity
        engine = self.crawler.engine
        # close now, not at the engine's next idle check (every 5 s)
        if engine.spider is not None and engine.spider_is_idle():
            deferred_from_coro(engine.close_spider_async(reason="finished"))

    def _check_failed(self, failure: Failure, activity: int) -> None:
        """Redis unavailable: this process closes (it could not fetch from the queue either)."""
        self._failed(failure, "could not check the shared queue")
        self._checked(False, activity)

    def _failed(self, failure: Failure, what: str) -> None:
        logger.error("%s: %s", what, failure.getErrorMessage())

    async def spider_closed(self) -> None:
        """Leave the run, in a thread; Scrapy awaits a coroutine handler before the crawl
        ends (Scrapy 2.19 warns that returning a Deferred is deprecated)."""
        await maybe_deferred_to_future(deferToThread(self._leave))

    def _leave(self) -> None:
        pipe = self.client.pipeline(transaction=False)
        pipe.zrem(self.busy, self.worker)
        for key in self.keys:
            pipe.expire(key, KEEP_FOR)
        pipe.execute()
