"""The per-client limit on fetch-by-URL, counted in Redis so that every API process sharing
the index shares it (the ``limits`` library's moving window: at most ``n`` requests in any
60 seconds)."""

from typing import Any

import redis
from fastapi import Request
from limits import RateLimitItemPerMinute
from limits.storage import RedisClusterStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter


class FetchLimiter:
    """At most ``per_minute`` fetch-by-URL requests per client, over the engine's client.

    The storage borrows the engine's connection pool: same server (the embedded one included),
    same timeouts, so a stalled Redis fails here as fast as a lookup does (a 503). On a Redis
    Cluster (``cluster_url``, ``redis+cluster://``, the form ``limits`` reads too) it is the
    library's cluster storage, a client of its own with the engine's timeouts: each window is
    one key, so its scripts run in one slot.
    """

    def __init__(self, client: redis.Redis, key_prefix: str, per_minute: int,
                 cluster_url: str | None = None, timeout: float = 2.0,
                 password: str | None = None) -> None:
        storage: Storage
        if cluster_url:
            auth: dict[str, Any] = {"password": password} if password else {}
            storage = RedisClusterStorage(cluster_url, key_prefix=key_prefix,
                                          socket_timeout=timeout,
                                          socket_connect_timeout=timeout, **auth)
        else:
            storage = RedisStorage("redis://", connection_pool=client.connection_pool,
                                   key_prefix=key_prefix)
        self._limiter = MovingWindowRateLimiter(storage)
        self._item = RateLimitItemPerMinute(per_minute, namespace="fetch")

    def hit(self, client: str) -> bool:
        """Count one request of ``client``; False when it is over the limit."""
        return self._limiter.hit(self._item, client)


def client_of(request: Request) -> str:
    """Who a request counts against: the peer address (`wiretrace serve` replaces it with the
    `X-Forwarded-For` client only for the proxies in `WIRETRACE_TRUSTED_PROXIES`)."""
    return request.client.host if request.client else "?"
