"""The engine and the fetch limiter of one app, built on first use (nothing connects at
import or when the app is made) and dropped when Redis fails, so the next request reconnects
(to an embedded server restarted meanwhile, too)."""

import threading

from dedup.config import Settings
from dedup.engine import Engine
from dedup.keys import Keys
from dedup.redisconn import is_cluster
from wiretrace.api.limiter import FetchLimiter


class Backend:
    """One Redis client shared by the engine and the limiter."""

    def __init__(self, settings: Settings, fetch_per_minute: int) -> None:
        self.settings = settings
        self.fetch_per_minute = fetch_per_minute
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._limiter: FetchLimiter | None = None
        self.failures = 0  # Redis errors met so far (the gate's circuit breaker watches it)
        self.last_error = ""

    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = Engine.from_settings(self.settings)
            return self._engine

    def limiter(self) -> FetchLimiter:
        engine = self.engine()
        with self._lock:
            if self._limiter is None:
                s = self.settings
                prefix = Keys(s.namespace).rate_limits
                cluster = s.redis_url if is_cluster(engine.client) else None
                self._limiter = FetchLimiter(engine.client, prefix, self.fetch_per_minute,
                                             cluster, s.redis_timeout, s.password())
            return self._limiter

    def reset(self, error: str = "", down: bool = True) -> None:
        """Forget the client after a Redis error (``error``: what it said); ``down``: Redis
        could not be reached (not an error Redis answered, such as a write refused at
        ``maxmemory``, after which reads still work)."""
        if error and not error.startswith("Redis is"):  # /readyz and /metrics give redis-py's
            error = f"Redis is unavailable: {error}"  # words alone; the 503s that follow say what
        with self._lock:
            self._engine = self._limiter = None
            if down:
                self.failures += 1
                self.last_error = error
