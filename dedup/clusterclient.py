"""The Redis Cluster client: redis-py's ``RedisCluster`` with explicit timeouts, that waits
out a failover (a master killed, its replica promoted) for a bounded time and fails at once when
no node answers. Made by :func:`dedup.redisconn.client_from_url` for ``redis+cluster://``.
"""

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

import redis
from redis.backoff import NoBackoff
from redis.cluster import ClusterNode, ClusterPipeline, RedisCluster
from redis.exceptions import ClusterDownError, RedisClusterException, SlotNotCoveredError
from redis.retry import Retry

from dedup.config import cluster_nodes
from dedup.errors import StoreUnavailableError

logger = logging.getLogger(__name__)

# What a cluster call meets while a master is failed over: the dead master refuses (or drops)
# the connection until the others flag it, then the cluster is down (CLUSTERDOWN, or no node
# serves the slot) until its replica is promoted. Compared by exact type, as redis-py does: an
# AuthenticationError is a ConnectionError too, and no failover ends it. A timeout (a stalled
# node) is not in it, and neither is a cluster none of whose nodes answers (redis-py's
# RedisClusterException, "Redis Cluster cannot be connected"): those fail at once.
FAILOVER_ERRORS: tuple[type[Exception], ...] = (
    redis.ConnectionError, ClusterDownError, SlotNotCoveredError)
# The pauses between two tries of a call during a failover: doubling from the first, then
# every FAILOVER_PAUSE_MAX seconds until the call's failover wait has passed.
FAILOVER_PAUSE_FIRST, FAILOVER_PAUSE_MAX = 0.05, 1.0

_R = TypeVar("_R")


def failover_pauses(wait: float) -> list[float]:
    """The pauses a call that keeps meeting a failover makes before it gives up: their sum is
    at most ``wait``; one try before the first pause and one after each."""
    pauses: list[float] = []
    pause = FAILOVER_PAUSE_FIRST
    while sum(pauses) + pause <= wait:
        pauses.append(pause)
        pause = min(2 * pause, FAILOVER_PAUSE_MAX)
    return pauses


def through_failover(call: Callable[[], _R], wait: float) -> _R:
    """``call()``, tried again after each of :func:`failover_pauses` while it fails as a
    failover makes it fail; the last error once they are spent."""
    pauses = iter(failover_pauses(wait))
    while True:
        try:
            return call()
        except FAILOVER_ERRORS as exc:
            pause = next(pauses, None) if type(exc) in FAILOVER_ERRORS else None
            if pause is None:
                raise
            logger.debug("Redis Cluster call failed (%s): again in %.2f s", exc, pause)
            time.sleep(pause)


class FailoverCluster(RedisCluster):
    """redis-py's ``RedisCluster`` that waits out a failover: a command, a script or a
    pipeline (not a transaction) that meets one is tried again, paced
    (:func:`through_failover`), for at most ``failover_wait`` seconds.

    redis-py's own retry of a failed cluster call (10 by default, 6 here before) does not
    pause: against a dead master each one is a refused connection and a slot-map read, and
    all were spent in about 20 ms, long before a replica could be promoted (measured: every
    call failed until the promotion, 14 connection attempts each). Here redis-py makes one
    attempt a try and the pauses give the cluster time.
    """

    failover_wait = 0.0

    def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        # redis-py does not retry a call aimed at given nodes (a node flag such as
        # "primaries" is a string, and is retried): after a failover they may be gone
        if not isinstance(kwargs.get("target_nodes", ""), str):
            return super().execute_command(*args, **kwargs)
        return through_failover(
            lambda: super(FailoverCluster, self).execute_command(*args, **kwargs),
            self.failover_wait)

    def pipeline(self, transaction: Any = None, shard_hint: Any = None) -> ClusterPipeline:
        pipe = super().pipeline(transaction, shard_hint)
        if not transaction:
            # redis-py builds it (its constructor's arguments change between versions); it
            # becomes ours, a subclass that adds no state but its wait
            pipe.__class__ = FailoverPipeline
            cast(FailoverPipeline, pipe).failover_wait = self.failover_wait
        return pipe


class FailoverPipeline(ClusterPipeline):
    """A cluster pipeline (not a transaction) tried again through a failover, as
    :class:`FailoverCluster`'s commands are."""

    failover_wait = 0.0

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        # the queued commands, sent again whole on each try as redis-py's own retry does
        # (its execute() empties the queue, even when it fails)
        queue = self._execution_strategy.command_queue  # type: ignore[attr-defined,unused-ignore]
        try:
            return through_failover(
                lambda: self.send_cluster_commands(queue, raise_on_error), self.failover_wait)
        finally:
            self.reset()


def cluster_client(url: str, timeout: float, password: str | None = None,
                   failover_wait: float = 0.0) -> RedisCluster:
    """A :class:`FailoverCluster` on the nodes of a ``redis+cluster://`` URL;
    StoreUnavailableError (one line) when none of them answers as a cluster node.

    A try of a call costs at most one connection attempt to the node that serves its slot
    and, when that fails, one to each node asked for the slot map until one answers (the
    failed node last): 2 when only that master is down (tests/redis/test_cluster_retries.py).
    """
    nodes, url_password = cluster_nodes(url)
    try:
        client = FailoverCluster(
            startup_nodes=[ClusterNode(host, port) for host, port in nodes],
            password=url_password or password,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            # no PING before a command on a connection idle for a while: a dead node is
            # a refused connection or a timeout all the same (see dedup.redisconn)
            health_check_interval=0,
            # one attempt a try: the retries are FailoverCluster's, paced
            retry=Retry(NoBackoff(), 0),
        )
    except (redis.RedisError, RedisClusterException) as exc:
        where = ",".join(f"{h}:{p}" for h, p in nodes)
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreUnavailableError(
            f"Redis is unavailable: no Redis Cluster answers at {where}: {first}") from exc
    client.failover_wait = failover_wait
    return client

