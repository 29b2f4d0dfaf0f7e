"""The index a crawl writes to: the engine and the crawl state of the crawler's source.

Built once per crawler, from settings; the item pipeline and the freshness filter get them
through :meth:`IndexExtension.of`.
"""

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.sources import source_of
from crawler.state import CrawlState
from dedup.config import Settings
from dedup.engine import Engine

logger = logging.getLogger(__name__)


class IndexExtension:
    """Scrapy extension that connects to the index (``REDIS_URL``, ``WIRETRACE_NAMESPACE``,
    see :class:`dedup.config.Settings`) and refuses an index written with other parameters.

    Off (``NotConfigured``) when ``WIRETRACE_INDEX_ENABLED`` is false; with a warning when the
    spider crawls no source of a sources file.
    """

    def __init__(self, engine: Engine, state: CrawlState) -> None:
        self.engine = engine
        self.state = state
        self.written: list[str] = []  # ids of the articles the crawl added or changed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "IndexExtension":
        if not crawler.settings.getbool("WIRETRACE_INDEX_ENABLED", True):
            raise NotConfigured  # off, as meant (a message would be logged as a warning)
        source = source_of(crawler.spider)
        if source is None:
            raise NotConfigured("the spider crawls no source of a sources file")
        engine = Engine.from_settings(Settings())
        engine.check_index()
        state = CrawlState(engine.client, engine.keys, source.name,
                           source.refresh.total_seconds())
        return cls(engine, state)

    @classmethod
    def of(cls, crawler: Crawler) -> "IndexExtension":
        """The crawler's instance; ``NotConfigured`` (the asking component is off too) when
        the extension is off."""
        ext = crawler.get_extension(cls)
        if ext is None:
            raise NotConfigured
        return ext
