"""The shared crawl's scheduler (scrapy-redis's, bounded) on a real Redis."""

import warnings

from scrapy import Spider
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.utils.test import get_crawler

from crawler.extensions.sharedqueue import BoundedScheduler, scheduler_settings
from dedup.config import Settings
from dedup.keys import Keys
from dedup.redisconn import connect


def test_joining_a_run_with_queued_requests_warns_of_no_spider_log(settings: Settings) -> None:
    """scrapy-redis 0.9.1 says "Resuming crawl" through Spider.log(), deprecated in Scrapy
    2.19: the process that joins a run whose queue holds requests printed that warning. It
    is silenced for that module alone: Spider.log() called elsewhere still warns."""
    base = Keys(settings.namespace).crawl_shared("news", "run-1")
    crawler = get_crawler(settings_dict=scheduler_settings(base, settings))
    spider = Spider.from_crawler(crawler, name="articles")
    client = connect(settings)
    client.rpush(base + "q", b"queued by another process")
    scheduler = BoundedScheduler.from_crawler(crawler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            scheduler.open(spider)
            spider.log("from our own code")
    finally:
        scheduler.close("finished")
        client.delete(base + "q", base + "df")
    deprecations = [(w.filename, str(w.message)) for w in caught
                    if issubclass(w.category, ScrapyDeprecationWarning)]
    assert deprecations == [(__file__, "Spider.log() is deprecated, use methods of "
                                       "Spider.logger instead.")], deprecations
