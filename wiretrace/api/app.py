"""HTTP API and web page: a thin layer over :class:`dedup.engine.Engine`.

    wiretrace serve [--host H] [--port P]      (OpenAPI at /docs and /openapi.json)
"""

import time
from typing import Any

import redis
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dedup.config import Settings
from dedup.engine import Engine
from dedup.errors import IndexMismatchError, InputError, StoreUnavailableError
from dedup.fetch import FetchFailed, FetchPolicy, fetch
from dedup.keys import Keys
from dedup.models import ArticleInput
from wiretrace.api import page
from wiretrace.api.config import ApiSettings
from wiretrace.api.limiter import FetchLimiter, client_of

MAX_URL = 2048
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")


class CheckBody(BaseModel):
    text: str | None = None
    html: str | None = None
    url: str | None = None


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
            await _too_large(send, self.limit)
            return
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            msg = await receive()
            seen += len(msg.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return msg

        try:
            await self.app(scope, counting, send)
        except _TooLarge:
            await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"error": "request body larger than {limit} bytes"}}'.encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings | None = None, config: ApiSettings | None = None,
               fetch_policy: FetchPolicy | None = None) -> FastAPI:
    settings = settings or Settings()
    # A lookup is one round trip: a stalled Redis must turn into a 503 well within 2 s.
    settings = settings.model_copy(update={"redis_timeout": min(settings.redis_timeout, 1.0)})
    config = config or ApiSettings()
    policy = fetch_policy or FetchPolicy(allow_private=config.fetch_allow_private,
                                         max_bytes=config.max_body)
    app = FastAPI(title="wiretrace", version="0.1",
                  description="Where did this article first appear, and who else "
                              "republished it?")
    state: dict[str, Any] = {}
    registry = CollectorRegistry()
    lookups = Counter("wiretrace_lookups_total", "lookups answered", ["endpoint"],
                      registry=registry)
    latency = Histogram("wiretrace_request_seconds", "request latency", ["endpoint"],
                        registry=registry)
    gauges = {name: Gauge(f"wiretrace_{name}", f"indexed {name}", registry=registry)
              for name in ("articles", "clusters", "copies", "partials", "originals")}
    crawl_runs = Gauge("wiretrace_crawl_runs", "crawl runs recorded", registry=registry)

    def engine() -> Engine:
        if "engine" not in state:
            state["engine"] = Engine.from_settings(settings)
        e: Engine = state["engine"]
        return e

    def limiter() -> FetchLimiter:
        if "limiter" not in state:  # over the engine's client: same server, same timeouts
            state["limiter"] = FetchLimiter(engine().client, Keys(settings.namespace).rate_limits,
                                            config.fetch_per_minute)
        lim: FetchLimiter = state["limiter"]
        return lim

    @app.middleware("http")
    async def headers_and_timing(request: Request, call_next: Any) -> Response:
        t = time.perf_counter()
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        latency.labels(request.url.path.split("/")[1] or "page").observe(
            time.perf_counter() - t)
        return response

    @app.exception_handler(StoreUnavailableError)
    @app.exception_handler(redis.RedisError)
    async def unavailable(request: Request, exc: Exception) -> JSONResponse:
        state.clear()  # reconnect on the next request
        return JSONResponse({"error": f"Redis is unavailable: {exc}"}, status_code=503)

    @app.exception_handler(FetchFailed)
    async def fetch_failed(request: Request, exc: FetchFailed) -> JSONResponse:
        return JSONResponse({"error": str(exc), "reason": exc.reason}, status_code=502)

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> JSONResponse:
        status = {"blocked_address": 403, "credentials": 403, "unauthorised": 401}.get(
            exc.reason, 400)
        if exc.reason == "url_too_long":
            status = 414
        return JSONResponse({"error": str(exc), "reason": exc.reason}, status_code=status)

    @app.exception_handler(IndexMismatchError)
    async def mismatch(request: Request, exc: IndexMismatchError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=409)

    def _url_param(url: str) -> str:
        if len(url) > MAX_URL:
            raise InputError(f"url longer than {MAX_URL} characters", "url_too_long")
        return url

    @app.get("/v1/lookup", summary="Original and copies of an indexed URL "
             "(the JSON of `wiretrace lookup --json`)")
    def lookup(url: str = Query(..., max_length=MAX_URL * 2)) -> dict[str, Any]:
        lookups.labels("lookup").inc()
        return engine().lookup([_url_param(url)])[0].to_dict()

    @app.post("/v1/check", summary="The answer for a text, an HTML page or a URL that may "
              "not be indexed; writes nothing")
    def check(body: CheckBody, request: Request) -> dict[str, Any]:
        lookups.labels("check").inc()
        given = [k for k in ("text", "html", "url") if getattr(body, k)]
        if len(given) != 1:
            raise InputError("give exactly one of `text`, `html` or `url`")
        if body.url:
            _authorise(request, config)
            if not limiter().hit(client_of(request)):
                return JSONResponse(  # type: ignore[return-value]
                    {"error": "too many fetch-by-URL requests; try again in a minute"},
                    status_code=429, headers={"Retry-After": "60"})
            fetched = fetch(_url_param(body.url), policy)
            html = fetched.body.decode("utf-8", "replace")
            item = ArticleInput(url=fetched.url, html=html)
        else:
            item = ArticleInput(url="https://check.invalid/input", text=body.text,
                                html=body.html)
        return engine().check(item).to_dict()

    @app.get("/v1/articles/{article_id}", summary="An indexed article by id")
    def article(article_id: str) -> Any:
        res = engine().lookup_ids([article_id])[0]
        if not res.indexed:
            return JSONResponse({"error": "no such article"}, status_code=404)
        return res.to_dict()

    @app.get("/v1/clusters/{cluster_id}", summary="A cluster: original, copies, partials, "
             "scores, evidence")
    def cluster(cluster_id: str) -> Any:
        c = engine().cluster(cluster_id)
        if c is None:
            return JSONResponse({"error": "no such cluster"}, status_code=404)
        return c.to_dict()

    @app.get("/v1/stats", summary="Counts, bytes per article, recent crawl runs")
    def stats() -> dict[str, Any]:
        e = engine()
        return {**e.stats().to_dict(), "crawl_runs": e.crawl_runs()}

    @app.get("/healthz", summary="The process is up")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", summary="Redis is reachable")
    def readyz() -> Any:
        try:
            engine().client.ping()
        except (redis.RedisError, StoreUnavailableError) as exc:
            state.clear()
            return JSONResponse({"status": "unavailable", "error": str(exc)}, status_code=503)
        return {"status": "ready"}

    @app.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
    def metrics() -> Response:
        try:
            e = engine()
            counts = e.admin.counts().counts()
            for name, g in gauges.items():
                g.set(float(counts[name]))
            crawl_runs.set(float(e.crawl_run_count()))
        except (redis.RedisError, StoreUnavailableError):
            state.clear()
        return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")

    # -- the web page ---------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(url: str | None = None) -> HTMLResponse:
        if not url:
            return HTMLResponse(page.home())
        e = engine()
        res = e.lookup([_url_param(url)])[0]
        evidence: dict[str, list[str]] = {}
        if res.role == "original" and res.cluster:
            cl = e.cluster(res.cluster)
            evidence = {m.url: m.evidence for m in cl.members} if cl else {}
        return HTMLResponse(page.result(res, evidence))

    @app.post("/check", response_class=HTMLResponse, include_in_schema=False)
    async def check_form(request: Request) -> HTMLResponse:
        form = await request.form()
        text = str(form.get("text") or "")
        if not text.strip():
            return HTMLResponse(page.home("Paste a text to check."), status_code=400)
        res = engine().check(ArticleInput(url="https://check.invalid/input", text=text))
        return HTMLResponse(page.result(res))

    @app.get("/diff", response_class=HTMLResponse, include_in_schema=False)
    def diff(copy: str, original: str) -> HTMLResponse:
        e = engine()
        a, b = e.lookup_ids([copy, original])
        ta, tb = e.text_of(a.id or ""), e.text_of(b.id or "")
        if not (a.indexed and b.indexed and ta and tb):
            return HTMLResponse(page.home("No such articles."), status_code=404)
        return HTMLResponse(page.diff(a, ta, b, tb))

    app.mount("/static", StaticFiles(directory=str(page.STATIC)), name="static")
    app.add_middleware(BodyLimit, limit=config.max_body)
    return app


def _authorise(request: Request, config: ApiSettings) -> None:
    key = config.api_key.get_secret_value() if config.api_key else None
    if key and request.headers.get("X-API-Key") != key:
        raise InputError("this request needs the API key (header X-API-Key)", "unauthorised")
