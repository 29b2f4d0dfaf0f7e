"""Incremental crawling: when each article URL was last fetched, per source, in Redis.

Kept in Redis so that it survives restarts and is shared by every crawl process. Only
article pages are recorded: feeds, sitemaps, start pages and listing pages are fetched on
every run.
"""

import time
from collections.abc import Iterable

import redis

from dedup.keys import Keys
from dedup.urls import normalize_url


class CrawlState:
    def __init__(self, client: redis.Redis, keys: Keys, source: str,
                 refresh_seconds: float) -> None:
        self.client = client
        self.key = keys.crawl_fetched(source)
        self.refresh = refresh_seconds

    @staticmethod
    def _norm(url: str) -> str:
        try:
            return normalize_url(url)
        except Exception:  # a malformed URL is simply never "fresh"
            return url

    def fresh(self, urls: list[str]) -> set[str]:
        """The URLs fetched within the refresh window: not to be fetched again now."""
        if not urls:
            return set()
        values = self.client.hmget(self.key, [self._norm(u) for u in urls])
        cutoff = time.time() - self.refresh
        return {u for u, v in zip(urls, values, strict=True) if v and float(v) >= cutoff}

    def mark(self, urls: Iterable[str]) -> None:
        now = str(time.time())
        mapping: dict[str | bytes, bytes | float | int | str] = {
            self._norm(u): now for u in urls}
        if mapping:
            self.client.hset(self.key, mapping=mapping)
