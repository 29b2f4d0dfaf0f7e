"""How errors become answers: one JSON shape, ``{"error": ..., "reason": ...}``.

Redis failures are 503 (and the app reconnects on the next request); nothing a client sends
ends in a traceback. FastAPI's own answers (a body that is not JSON or has a wrong type, an
unknown path or method) get the same shape and keep their ``detail`` beside it.
"""

from collections.abc import Sequence
from typing import Any

import redis
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from redis.exceptions import RedisClusterException
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match

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
# reasons of the framework's own answers, by status
HTTP_REASONS = {404: "not_found", 405: "method_not_allowed"}
METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


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
    return JSONResponse({"error": message, "reason": "redis_unavailable"}, status_code=503,
                        headers=headers)


def invalid(errors: Sequence[Any]) -> tuple[str, str]:
    """One line and a reason for what FastAPI's validation found wrong with a request."""
    broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if broken is not None:
        where = broken.get("loc", ())[1:2]
        at = f" at character {where[0]}" if where else ""
        why = str(broken.get("ctx", {}).get("error", "")) or "not JSON"
        return f"the body is not valid JSON: {why}{at}", "malformed_json"
    said = [f"{'.'.join(str(p) for p in e.get('loc', ())) or 'request'}: {e.get('msg', '')}"
            for e in errors[:3]]
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return " ".join(("invalid request: " + "; ".join(said) + more).split()), "invalid_request"


def allowed(request: Request) -> list[str]:
    """The methods some route of the request's path takes (GET and DELETE of one path are
    two routes, in routers of their own)."""
    return [m for m in METHODS if any(
        r.matches({**request.scope, "method": m})[0] == Match.FULL
        for r in request.app.router.routes)]


def with_invalid_documented(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` (an OpenAPI document) with FastAPI's 422 schema made the answer's shape."""
    schemas = spec.get("components", {}).get("schemas", {})
    if "HTTPValidationError" in schemas:
        schemas["HTTPValidationError"] = {
            "title": "HTTPValidationError", "type": "object",
            "description": "A body that is not JSON, or a field or parameter missing or of "
                           "the wrong type (422); ``detail`` is FastAPI's list of what is wrong.",
            "required": ["error", "reason", "detail"],
            "properties": {
                "error": {"title": "Error", "type": "string"},
                "reason": {"title": "Reason", "type": "string",
                           "enum": ["malformed_json", "invalid_request"]},
                "detail": {"title": "Detail", "type": "array",
                           "items": {"$ref": "#/components/schemas/ValidationError"}}}}
    return spec


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
        return JSONResponse({"error": str(exc), "reason": "index_mismatch"}, status_code=409)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse({"error": str(exc), "reason": "not_found"}, status_code=404)

    @app.exception_handler(BodyTooLargeError)
    async def too_large(request: Request, exc: BodyTooLargeError) -> JSONResponse:
        return JSONResponse({"error": exc.detail, "reason": "body_too_large"}, status_code=413)

    @app.exception_handler(RequestValidationError)
    async def not_valid(request: Request, exc: RequestValidationError) -> Response:
        message, reason = invalid(exc.errors())
        if is_page(request):  # /diff without its parameters: the page, not JSON
            return HTMLResponse(page.error(f"{message[:1].upper()}{message[1:]}."),
                                status_code=422)
        return JSONResponse({"error": message, "reason": reason,
                             "detail": jsonable_encoder(exc.errors())}, status_code=422)

    @app.exception_handler(HTTPException)  # an unknown path, a method a path does not take
    async def framework(request: Request, exc: HTTPException) -> Response:
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code, headers=exc.headers)
        reason = HTTP_REASONS.get(exc.status_code, f"http_{exc.status_code}")
        headers = exc.headers
        if exc.status_code == 405:  # Starlette names the first route's methods only
            methods = allowed(request)
            if 0 < len(methods) < len(METHODS):  # (a mount takes every method: its own say)
                headers = {**(headers or {}), "Allow": ", ".join(methods)}
        return JSONResponse({"error": str(exc.detail), "reason": reason, "detail": exc.detail},
                            status_code=exc.status_code, headers=headers)

    @app.exception_handler(Exception)  # sent outside every middleware: headers set here
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": "internal error", "reason": "internal"}, status_code=500,
                            headers=SECURITY_HEADERS)

    @app.exception_handler(RateLimitedError)
    async def rate_limited(request: Request, exc: RateLimitedError) -> JSONResponse:
        return JSONResponse({"error": str(exc), "reason": "rate_limited"}, status_code=429,
                            headers={"Retry-After": "60"})
