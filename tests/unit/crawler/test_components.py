"""The crawler's Scrapy components switch off with ``NotConfigured``, and what depends on
the index is off with it."""

import logging

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.extensions.index import IndexExtension
from crawler.extensions.sharedqueue import SharedQueue, scheduler_settings
from crawler.freshness import FreshArticlesMiddleware
from crawler.middlewares import FollowedMetaRefreshMiddleware, UsedDepthMiddleware
from crawler.pipelines import IndexPipeline
from crawler.run import scrapy_settings
from dedup.config import Settings

INDEX = {"EXTENSIONS": {"crawler.extensions.index.IndexExtension": 100}}


def test_shared_queue_is_off_without_a_run_and_says_nothing(
        caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(NotConfigured):
        SharedQueue.from_crawler(get_crawler(settings_dict={"WIRETRACE_SHARED_RUN": ""}))
    caplog.set_level(logging.WARNING)
    crawler = get_crawler(settings_dict={
        "EXTENSIONS": {"crawler.extensions.sharedqueue.SharedQueue": 110}})
    assert crawler.get_extension(SharedQueue) is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # off as meant


def test_index_is_off_when_disabled_and_so_are_pipeline_and_freshness() -> None:
    crawler = get_crawler(settings_dict={**INDEX, "WIRETRACE_INDEX_ENABLED": False})
    with pytest.raises(NotConfigured):
        IndexExtension.from_crawler(crawler)
    assert crawler.get_extension(IndexExtension) is None
    for component in (IndexPipeline, FreshArticlesMiddleware):
        with pytest.raises(NotConfigured):
            component.from_crawler(crawler)


def test_index_is_off_for_a_spider_without_a_source() -> None:
    crawler = get_crawler(settings_dict=INDEX)  # Scrapy's DefaultSpider; no spider yet
    with pytest.raises(NotConfigured, match="no source"):
        IndexExtension.from_crawler(crawler)


def test_shared_run_settings_put_queue_and_filter_under_the_run_prefix() -> None:
    base = "wt:v2:crawl:shared:news:run-1:"
    s = scheduler_settings(base, Settings(redis_url="redis://cache.internal:6380/2",
                                          redis_timeout=1.5))
    assert s["SCHEDULER_QUEUE_KEY"] == base + "q"
    assert s["SCHEDULER_DUPEFILTER_KEY"] == base + "df"
    assert s["REDIS_URL"] == "redis://cache.internal:6380/2"
    assert s["SCHEDULER_SERIALIZER"] == "crawler.requestcodec"  # never pickle
    assert s["SCHEDULER_PERSIST"] is True and s["SCHEDULER_IDLE_BEFORE_CLOSE"] == 0
    # our client (a RedisCluster for redis+cluster://) with the engine's timeout
    assert s["REDIS_PARAMS"] == {"redis_cls": "dedup.redisconn.ScrapyRedisClient",
                                 "socket_timeout": 1.5, "failover_wait": 20.0}


def test_meta_refresh_is_read_only_when_a_source_follows_it() -> None:
    page = (b"<html><head><meta http-equiv='refresh' content='0; url=/next'></head>"
            b"<body><p>moved</p></body></html>")
    request = Request("http://news.example/a")
    response = HtmlResponse(request.url, body=page, request=request)
    ours = scrapy_settings()
    assert ours.getint("METAREFRESH_MAXDELAY") == 0  # no refresh followed, by default
    mws = ours.getdict("DOWNLOADER_MIDDLEWARES")
    assert mws["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] is None
    assert "crawler.middlewares.FollowedMetaRefreshMiddleware" in mws
    with pytest.raises(NotConfigured):  # left out of the chain: no page is read for one
        FollowedMetaRefreshMiddleware.from_crawler(
            get_crawler(settings_dict={"METAREFRESH_MAXDELAY": 0}))
    followed = FollowedMetaRefreshMiddleware.from_crawler(
        get_crawler(settings_dict={"METAREFRESH_MAXDELAY": 5}))  # a source that follows them
    redirected = followed.process_response(request, response)
    assert isinstance(redirected, Request) and redirected.url == "http://news.example/next"


def test_the_depth_middleware_is_left_out_unless_a_setting_uses_it() -> None:
    mws = scrapy_settings().getdict("SPIDER_MIDDLEWARES")
    assert mws["scrapy.spidermiddlewares.depth.DepthMiddleware"] is None
    assert "crawler.middlewares.UsedDepthMiddleware" in mws
    with pytest.raises(NotConfigured):
        UsedDepthMiddleware.from_crawler(get_crawler())
    # a source that limits the depth gets Scrapy's middleware, which drops deeper requests
    mw = UsedDepthMiddleware.from_crawler(get_crawler(settings_dict={"DEPTH_LIMIT": 1}))
    request = Request("http://news.example/a")
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    response.meta["depth"] = 1
    assert list(mw.process_spider_output(response, [Request("http://news.example/b")])) == []
    for setting in ({"DEPTH_PRIORITY": 1}, {"DEPTH_STATS_VERBOSE": True}):
        assert isinstance(UsedDepthMiddleware.from_crawler(get_crawler(settings_dict=setting)),
                          UsedDepthMiddleware)
