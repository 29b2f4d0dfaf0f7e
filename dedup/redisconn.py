"""Redis clients: one factory, with explicit timeouts, and the embedded default server.

``REDIS_URL`` is ``redis://``, ``rediss://`` or ``unix://`` for one server, or
``redis+cluster://[:password@]host:port[,host:port...]`` for a Redis Cluster (database 0; any
reachable node is enough to find the others), reached through redis-py's ``RedisCluster``
(:mod:`dedup.clusterclient`).
A password missing from the URL comes from ``REDIS_PASSWORD`` or ``REDIS_PASSWORD_FILE``.

When ``REDIS_URL`` is unset wiretrace runs a real ``redis-server`` of its own with its data
(append-only file) in the data directory, so a later run finds what an earlier one stored.
Several wiretrace processes share it: each holds a shared lock on ``redis.lock`` while it uses
the server, and the last one out shuts it down. Starting and stopping are serialised by an
exclusive lock on ``redis.start.lock``: taken on ``redis.lock`` itself, it waited for every
user to leave, so a lookup hung for as long as a `wiretrace serve` ran.
"""

import atexit
import contextlib
import fcntl
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import redis
from redis.backoff import ExponentialBackoff
from redis.cluster import RedisCluster
from redis.exceptions import ClusterError, RedisClusterException
from redis.retry import Retry

from dedup.clusterclient import cluster_client
from dedup.config import CLUSTER_SCHEME, Settings
from dedup.errors import StoreUnavailableError

logger = logging.getLogger(__name__)

# What a Redis call raises when the server (or a cluster's slot) cannot answer now: a
# connection or timeout error, a cluster that is down or failing over, a slot no node serves.
UNAVAILABLE: tuple[type[Exception], ...] = (
    redis.ConnectionError, redis.TimeoutError, ClusterError, RedisClusterException)


def client_from_url(url: str, timeout: float, password: str | None = None,
                    failover_wait: float = 0.0) -> redis.Redis:
    """A client whose call fails within ``timeout`` seconds (twice that when the connection
    drops and its one retry stalls too) instead of redis-py's long defaults; on a Redis
    Cluster, a call that meets a failover waits for it ``failover_wait`` seconds at most.

    ``password`` is used when the URL has none. A cluster client answers the same commands
    (scripts and pipelines route by key slot, SCAN covers every master), hence the cast.
    """
    if url.startswith(CLUSTER_SCHEME):
        return cast(redis.Redis, cluster_client(url, timeout, password, failover_wait))
    options: dict[str, Any] = {}
    if password and redis.connection.parse_url(url).get("password") is None:
        options["password"] = password
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        # No PING health check: redis-py sends one on every new connection, and when it
        # fails it reconnects inside the connect's own retry, so that a server that accepts
        # and drops connections cost 4 of them a call. The pool still replaces a connection
        # the server closed (it looks before lending one), and a dead peer is a timeout.
        health_check_interval=0,
        retry_on_timeout=False,
        # redis-py 6+ retries a failed call 10 times (backoff up to 1 s each): 11 timeouts
        # when Redis is stalled. One quick retry of a dropped connection, none of a timeout:
        # a call makes at most 2 connection attempts (tests/redis/test_redis_retries.py).
        retry=Retry(ExponentialBackoff(cap=0.1, base=0.05), 1,
                    supported_errors=(redis.ConnectionError,)),
        **options,
    )


def is_cluster(client: object) -> bool:
    return isinstance(client, RedisCluster)


def data_memory(client: redis.Redis) -> int:
    """Bytes the server holds for data (used_memory less used_memory_startup), summed over
    the masters of a cluster."""
    if is_cluster(client):
        per_node = client.info("memory", target_nodes=RedisCluster.PRIMARIES)
        infos = list(per_node.values())
    else:
        infos = [client.info("memory")]
    return sum(int(i["used_memory"]) - int(i.get("used_memory_startup", 0)) for i in infos)


class EmbeddedRedis:
    """A redis-server started by wiretrace, listening on a unix socket in ``data_dir``."""

    def __init__(self, data_dir: Path, timeout: float = 2.0) -> None:
        self.data_dir = data_dir
        self.socket = data_dir / "redis.sock"
        self.timeout = timeout
        self._lock_file: int | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def _alive(self) -> bool:
        if not self.socket.exists():
            return False
        try:
            return bool(client_from_url(self.url, self.timeout).ping())
        except redis.RedisError:
            return False

    def start(self) -> str:
        """Start the server unless another wiretrace process already runs it; return its URL."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._starting():
            # never waits: an exclusive lock on it is only tried by release(), under the guard
            fd = self._lock_file = _open_lock(self.data_dir / "redis.lock")
            fcntl.flock(fd, fcntl.LOCK_SH)
            if not self._alive():
                self._spawn()
        atexit.register(self.release)
        return self.url

    @contextlib.contextmanager
    def _starting(self) -> Iterator[None]:
        """One process at a time starts or stops the server (the others wait here)."""
        guard = _open_lock(self.data_dir / "redis.start.lock")
        try:
            fcntl.flock(guard, fcntl.LOCK_EX)
            yield
        finally:
            os.close(guard)

    def _spawn(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise StoreUnavailableError(
                "REDIS_URL is not set and no redis-server binary is on PATH: install Redis "
                "(Debian: apt-get install redis-server) or set REDIS_URL=redis://host:port/0"
            )
        self.socket.unlink(missing_ok=True)
        cmd = [
            binary, "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
            "--dir", str(self.data_dir), "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--daemonize", "yes", "--pidfile", str(self.data_dir / "redis.pid"),
            "--logfile", str(self.data_dir / "redis.log"),
            "--maxmemory-policy", "noeviction", "--hash-max-listpack-entries", "512",
        ]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not self._alive():
            if time.monotonic() > deadline:
                raise StoreUnavailableError(
                    f"embedded redis-server did not start; see {self.data_dir / 'redis.log'}"
                )
            time.sleep(0.02)
        logger.debug("embedded redis-server started in %s", self.data_dir)

    def release(self) -> None:
        """Stop using the server; shut it down if no other wiretrace process uses it."""
        fd, self._lock_file = self._lock_file, None
        if fd is None:
            return
        with self._starting():
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass  # another process still uses it
            else:
                # shutdown closes the connection: an error is the expected way for it to end
                with contextlib.suppress(redis.RedisError):
                    client_from_url(self.url, self.timeout).shutdown(nosave=True)
            finally:
                os.close(fd)


def _open_lock(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


# One embedded server handle per data directory and process: a second flock on the same lock
# file from this process would wait for the first one forever.
_EMBEDDED: dict[Path, str] = {}


def server_url(settings: Settings) -> str:
    """The server for ``settings``: REDIS_URL if set, else the embedded server (started
    when no wiretrace process runs it)."""
    url = settings.redis_url
    if not url:
        key = settings.data_dir.resolve()
        url = _EMBEDDED.get(key)
        if url is None:
            url = _EMBEDDED[key] = EmbeddedRedis(key, settings.redis_timeout).start()
    return url


def connect(settings: Settings) -> redis.Redis:
    """The client for ``settings``: REDIS_URL if set, else the embedded server."""
    password = settings.password() if settings.redis_url else None  # the embedded has none
    return client_from_url(server_url(settings), settings.redis_timeout, password,
                           settings.redis_failover_wait)


class ScrapyRedisClient:
    """scrapy-redis builds its client as ``redis_cls.from_url(url, **REDIS_PARAMS)``: this
    makes it ours (a cluster client for ``redis+cluster://``, the same timeouts)."""

    @staticmethod
    def from_url(url: str, socket_timeout: float = 2.0, password: str | None = None,
                 failover_wait: float = 0.0, **_: object) -> redis.Redis:
        return client_from_url(url, socket_timeout, password, failover_wait)
