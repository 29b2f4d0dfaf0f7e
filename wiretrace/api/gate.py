"""Admission for requests that need Redis: at most ``limit`` of them at once, a request that
cannot start within ``wait`` seconds gets 503 at once instead of queueing, and while Redis is
known to be down every one of them gets 503 at once (a circuit breaker).

Each admitted request holds one worker thread for at most the service's Redis timeout, so with
Redis stalled the answer is a 503 within ``wait`` + the Redis timeout, however many requests
arrive together; the threads left over, and the event loop, keep serving what needs no Redis
(``/healthz``, the documentation, static files).

The breaker: once a request has found Redis unreachable (:meth:`Backend.reset`; an error
Redis answered, such as a write refused at ``maxmemory``, does not count), the requests that
follow are refused without a connection attempt, a thread or a wait; every ``reprobe``
seconds one of them goes through as a probe (one at a time), and the first that meets no
error closes the breaker. With Redis shut down, a burst of requests otherwise each tried a
connection of its own (and its retries), and the worker threads and the event loop spent on
those the time ``/healthz`` waited for; once Redis is back, the next probe finds it. The app
refuses API requests while the breaker is open before anything else of it runs
(:meth:`Breaker.refuse_early`, from :class:`wiretrace.api.app.App`): a refusal then costs
the event loop half the CPU it does after the framework's own layers.
"""

import asyncio
import json
import time
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from wiretrace.api.backend import Backend
from wiretrace.api.errors import is_page_path, unavailable
from wiretrace.api.metrics import Metrics
from wiretrace.api.middleware import SECURITY_HEADERS

# paths that never touch Redis: not counted, never refused
FREE = ("/healthz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")
FREE_PREFIXES = ("/static/", "/docs-assets/")
# paths that catch Redis errors themselves and answer anyway: counted, never short-circuited
PROBES = ("/readyz", "/metrics")
REPROBE = 0.5  # seconds between probes of a Redis known to be down
RETRY_AFTER = {"Retry-After": "1"}
_EARLY_HEADERS = [(b"content-type", b"application/json"), (b"retry-after", b"1"),
                  *((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items())]


def is_free(path: str) -> bool:
    return path in FREE or path.startswith(FREE_PREFIXES)


class Breaker:
    """Whether Redis is known down, from ``backend``'s errors; shared by the app and its
    :class:`RedisGate` (everything runs on the serving loop: no lock)."""

    def __init__(self, backend: Backend, metrics: Metrics, reprobe: float = REPROBE) -> None:
        self.backend, self.metrics, self.reprobe = backend, metrics, reprobe
        self.down_until: float | None = None  # Redis known down: refuse until then
        self.probing = False

    def refusing(self) -> bool:
        """Open, and no probe is due."""
        return self.down_until is not None and (self.probing
                                                or time.monotonic() < self.down_until)

    async def refuse_early(self, scope: Scope, send: Send) -> bool:
        """Answer an API request 503 while the breaker is open, with the headers every
        answer has (the web page's, HTML, is left to the gate); whether it did."""
        path = scope.get("path", "")
        if (scope["type"] != "http" or is_free(path) or path in PROBES or is_page_path(path)
                or not self.refusing()):
            return False
        t = time.perf_counter()
        body = json.dumps({"error": self.backend.last_error or "Redis is unavailable",
                           "reason": "redis_unavailable"},
                          separators=(",", ":")).encode()  # as JSONResponse spells it
        await _send_json(send, 503, body, _EARLY_HEADERS)
        self.metrics.observe(path, time.perf_counter() - t)
        return True


class RedisGate:
    """ASGI middleware: a semaphore with a bounded wait in front of Redis-bound routes, and the
    circuit breaker on ``breaker.backend``'s Redis errors."""

    def __init__(self, app: ASGIApp, limit: int, wait: float, breaker: Breaker) -> None:
        self.app, self.limit, self.wait, self.breaker = app, limit, wait, breaker
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or is_free(path):
            await self.app(scope, receive, send)
            return
        breakable = path not in PROBES
        breaker = self.breaker
        probe = False
        if breakable and breaker.down_until is not None:
            if breaker.refusing():
                await self._refuse(scope, receive, send)
                return
            breaker.probing = probe = True
        try:
            await self._admit(scope, receive, send, breakable and not probe, probe)
        finally:
            if probe:
                breaker.probing = False

    async def _admit(self, scope: Scope, receive: Receive, send: Send, breakable: bool,
                     probe: bool) -> None:
        if self._slots is None:  # made on the serving loop, on first use
            self._slots = asyncio.Semaphore(self.limit)
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait)
        except TimeoutError:
            await _busy(send)
            return
        breaker = self.breaker
        try:
            if breakable and breaker.down_until is not None:  # it broke while this one waited
                await self._refuse(scope, receive, send)
                return
            failures = breaker.backend.failures
            await self.app(scope, receive, send)
        finally:
            self._slots.release()
        if breaker.backend.failures != failures:  # this request, or one meanwhile, failed
            breaker.down_until = time.monotonic() + breaker.reprobe
        elif probe:
            breaker.down_until = None

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"))).get("url", "")
        message = self.breaker.backend.last_error or "Redis is unavailable"
        await unavailable(scope["path"], query, message, RETRY_AFTER)(scope, receive, send)


async def _busy(send: Send) -> None:
    body = (b'{"error": "Redis is slow or unavailable: too many requests waiting for it", '
            b'"reason": "redis_busy"}')
    await _send_json(send, 503, body, [(b"content-type", b"application/json"),
                                       (b"retry-after", b"1")])


async def _send_json(send: Send, status: int, body: bytes,
                     headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
