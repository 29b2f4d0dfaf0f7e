"""How errors become answers: one JSON shape, ``{"error": ..., "reason": ...}``.

Redis failures are 503 (and the app reconnects on the next request); nothing a client sends
ends in a traceback.
"""

import redis
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from redis.exceptions import RedisClusterException
from starlette.responses import Response

from dedup.errors import IndexMismatchError, InputError, StoreUnavailableError
from dedup.fetch import FetchFailed
from wiretrace.api import page
from wiretrace.api.backend import Backend
from wiretrace.api.middleware import SECURITY_HEADERS, BodyTooLargeError
from wiretrace.api.schemas import ErrorOut

# InputError reasons that are not 400
STATUS = {"blocked_address": 403, "credentials": 403, "unauthorised": 401,
          "url_too_long": 414, "too_many_items": 413}


PAGES = frozenset({"/", "/check", "/diff"})


class NotFoundError(Exception):
    """No such article, cluster or page (404)."""


class RateLimitedError(Exception):
    """A client made too many fetch-by-URL requests (429)."""


def is_page(request: Request) -> bool:
    """A request of the web page (HTML answers), not of the API."""
    return is_page_path(request.url.path)


def is_page_path(path: str) -> bool:
    return path in PAGES or (path.startswith("/sites/") and not path.endswith(".atom"))


def unavailable(path: str, query: str, message: str,
                headers: dict[str, str] | None = None) -> Response:
    """The 503 for a request that needs Redis when Redis fails: the home page with a message
    for the web page (``query``: the URL asked about), else JSON."""
    if is_page_path(path):
        return HTMLResponse(page.error("The index is unavailable right now (its Redis does "
                                       "not answer); try again in a minute.", query),
                            status_code=503, headers=headers)
    return JSONResponse({"error": message}, status_code=503, headers=headers)


def documented(*codes: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI ``responses`` for these error statuses."""
    return {code: {"model": ErrorOut} for code in codes}


def install(app: FastAPI, backend: Backend) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(StoreUnavailableError)
    @app.exception_handler(redis.RedisError)
    @app.exception_handler(RedisClusterException)  # no node serves a slot (not a RedisError)
    async def redis_failed(request: Request, exc: Exception) -> Response:
        message = str(exc) if isinstance(exc, StoreUnavailableError) else \
            f"Redis is unavailable: {exc}"
        cause = exc.__cause__ if isinstance(exc, StoreUnavailableError) else exc
        backend.reset(message, down=not isinstance(cause, redis.ResponseError))
        return unavailable(request.url.path, request.query_params.get("url", ""), message)

    @app.exception_handler(FetchFailed)
    async def fetch_failed(request: Request, exc: FetchFailed) -> JSONResponse:
        return JSONResponse({"error": str(exc), "reason": exc.reason}, status_code=502)

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        status = STATUS.get(exc.reason, 400)
        if is_page(request):  # the page's form (a pasted text too short): HTML, not JSON
            said = str(exc)
            said = "URL" + said[3:] if said.startswith("url") else said[:1].upper() + said[1:]
            return HTMLResponse(page.error(f"{said}.", request.query_params.get("url", "")[:2048]),
                                status_code=status)
        return JSONResponse({"error": str(exc), "reason": exc.reason}, status_code=status)

    @app.exception_handler(IndexMismatchError)
    async def mismatch(request: Request, exc: IndexMismatchError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=409)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=404)

    @app.exception_handler(BodyTooLargeError)
    async def too_large(request: Request, exc: BodyTooLargeError) -> JSONResponse:
        return JSONResponse({"error": exc.detail}, status_code=413)

    @app.exception_handler(Exception)  # sent outside every middleware: headers set here
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": "internal error"}, status_code=500,
                            headers=SECURITY_HEADERS)

    @app.exception_handler(RateLimitedError)
    async def rate_limited(request: Request, exc: RateLimitedError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=429, headers={"Retry-After": "60"})
