"""Admission for requests that need Redis: at most ``limit`` of them at once, and a request
that cannot start within ``wait`` seconds gets 503 at once instead of queueing.

Each admitted request holds one worker thread for at most the service's Redis timeout, so with
Redis stalled the answer is a 503 within ``wait`` + the Redis timeout, however many requests
arrive together; the threads left over, and the event loop, keep serving what needs no Redis
(``/healthz``, the documentation, static files).
"""

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

# paths that never touch Redis: not counted, never refused
FREE = ("/healthz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")
FREE_PREFIXES = ("/static/", "/docs-assets/")


class RedisGate:
    """ASGI middleware: a semaphore with a bounded wait in front of Redis-bound routes."""

    def __init__(self, app: ASGIApp, limit: int, wait: float) -> None:
        self.app, self.limit, self.wait = app, limit, wait
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in FREE or path.startswith(FREE_PREFIXES):
            await self.app(scope, receive, send)
            return
        if self._slots is None:  # made on the serving loop, on first use
            self._slots = asyncio.Semaphore(self.limit)
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait)
        except TimeoutError:
            await _busy(send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()


async def _busy(send: Send) -> None:
    body = b'{"error": "Redis is slow or unavailable: too many requests waiting for it"}'
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"retry-after", b"1")]})
    await send({"type": "http.response.body", "body": body})
