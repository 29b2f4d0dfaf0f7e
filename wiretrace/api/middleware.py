"""What every response goes through: the body-size limit, security headers, timing."""

import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiretrace.api.metrics import Metrics

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
# on every answer, errors included (a page may set its own CSP: /docs does)
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer"}


class BodyLimit:
    """413 for bodies over the limit, before they are read whole (Content-Length first, then
    a count of what arrives for chunked bodies)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await too_large(send, self.limit)
            return
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            msg = await receive()
            seen += len(msg.get("body", b""))
            if seen > self.limit:
                # an HTTPException: FastAPI's body parsing passes it on (anything else would
                # become its 400), and the app's handler for it answers 413
                raise BodyTooLargeError(self.limit)
            return msg

        try:
            await self.app(scope, counting, send)
        except BodyTooLargeError:  # read outside a route (no handler there)
            await too_large(send, self.limit)


class BodyTooLargeError(HTTPException):
    """A chunked request body grew past the limit while it was read."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"request body larger than {limit} bytes"


async def too_large(send: Send, limit: int) -> None:
    body = f'{{"error": "{too_large_message(limit)}", "reason": "body_too_large"}}'.encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """ASGI middleware, outermost of the app's own: :data:`SECURITY_HEADERS` added to every
    response that passes (the limits' 413 and 503 included), and each request's latency.

    A 500 is sent by Starlette outside every middleware; its handler
    (:func:`wiretrace.api.errors.install`) sets the same headers itself.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                         if k.lower().encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        t = time.perf_counter()
        try:
            await self.app(scope, receive, with_headers)
        finally:
            self.metrics.observe(scope.get("path", "/"), time.perf_counter() - t)
