"""Admission for requests that need Redis: at most ``limit`` of them at once, a request that
cannot start within ``wait`` seconds gets 503 at once instead of queueing, and while Redis is
known to be down every one of them gets 503 at once (a circuit breaker).

Each admitted request holds one worker thread for at most the service's Redis timeout, so with
Redis stalled the answer is a 503 within ``wait`` + the Redis timeout, however many requests
arrive together; the threads left over, and the event loop, keep serving what needs no Redis
(``/healthz``, the documentation, static files).

The breaker: once a request has met a Redis error (:meth:`Backend.reset`), the requests that
follow are refused without a connection attempt, a thread or a wait; every ``reprobe``
seconds one of them goes through as a probe (one at a time), and the first that meets no
error closes the breaker. With Redis shut down, a burst of requests otherwise each tried a
connection of its own (and its one retry), and the worker threads and the event loop spent on
those the time ``/healthz`` waited for; once Redis is back, the next probe finds it.
"""

import asyncio
import time
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from wiretrace.api.backend import Backend
from wiretrace.api.errors import unavailable

# paths that never touch Redis: not counted, never refused
FREE = ("/healthz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")
FREE_PREFIXES = ("/static/", "/docs-assets/")
# paths that catch Redis errors themselves and answer anyway: counted, never short-circuited
PROBES = ("/readyz", "/metrics")
REPROBE = 0.5  # seconds between probes of a Redis known to be down
RETRY_AFTER = {"Retry-After": "1"}


class RedisGate:
    """ASGI middleware: a semaphore with a bounded wait in front of Redis-bound routes, and a
    circuit breaker on ``backend``'s Redis errors."""

    def __init__(self, app: ASGIApp, limit: int, wait: float, backend: Backend,
                 reprobe: float = REPROBE) -> None:
        self.app, self.limit, self.wait = app, limit, wait
        self.backend, self.reprobe = backend, reprobe
        self._slots: asyncio.Semaphore | None = None
        self._down_until: float | None = None  # Redis known down: refuse until then
        self._probing = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in FREE or path.startswith(FREE_PREFIXES):
            await self.app(scope, receive, send)
            return
        breakable = path not in PROBES
        probe = False
        if breakable and self._down_until is not None:
            if self._probing or time.monotonic() < self._down_until:
                await self._refuse(scope, receive, send)
                return
            self._probing = probe = True
        try:
            await self._admit(scope, receive, send, breakable and not probe, probe)
        finally:
            if probe:
                self._probing = False

    async def _admit(self, scope: Scope, receive: Receive, send: Send, breakable: bool,
                     probe: bool) -> None:
        if self._slots is None:  # made on the serving loop, on first use
            self._slots = asyncio.Semaphore(self.limit)
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait)
        except TimeoutError:
            await _busy(send)
            return
        try:
            if breakable and self._down_until is not None:  # it broke while this one waited
                await self._refuse(scope, receive, send)
                return
            failures = self.backend.failures
            await self.app(scope, receive, send)
        finally:
            self._slots.release()
        if self.backend.failures != failures:  # this request, or one meanwhile, failed
            self._down_until = time.monotonic() + self.reprobe
        elif probe:
            self._down_until = None

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = dict(_query(scope)).get("url", "")
        message = self.backend.last_error or "Redis is unavailable"
        await unavailable(scope["path"], query, message, RETRY_AFTER)(scope, receive, send)


def _query(scope: Scope) -> list[tuple[str, str]]:
    return parse_qsl(scope.get("query_string", b"").decode("latin-1"))


async def _busy(send: Send) -> None:
    body = b'{"error": "Redis is slow or unavailable: too many requests waiting for it"}'
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"retry-after", b"1")]})
    await send({"type": "http.response.body", "body": body})
