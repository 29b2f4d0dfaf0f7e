"""HTTP API and web page: a thin layer over :class:`dedup.engine.Engine`.

    wiretrace serve [--host H] [--port P]      (OpenAPI at /docs and /openapi.json)

:func:`create_app` only wires: settings in, routers (``wiretrace.api.routes``), error
handlers and middleware on, nothing connected until the first request.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from dedup.config import Settings
from dedup.fetch import FetchPolicy
from wiretrace.api import errors, page
from wiretrace.api.backend import Backend
from wiretrace.api.config import ApiSettings
from wiretrace.api.deps import Services
from wiretrace.api.gate import Breaker, RedisGate
from wiretrace.api.metrics import Metrics
from wiretrace.api.middleware import BodyLimit, SecurityHeaders
from wiretrace.api.routes import articles, docs, lookup, pages, service, sites, watches


class App(FastAPI):
    """The service: while Redis is known down, an API request is refused before the framework
    runs (see :mod:`wiretrace.api.gate`)."""

    breaker: Breaker

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not await self.breaker.refuse_early(scope, send):
            await super().__call__(scope, receive, send)

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:  # built once: the 422 in the errors' own shape
            self.openapi_schema = errors.with_invalid_documented(super().openapi())
        return self.openapi_schema


def create_app(settings: Settings | None = None, api: ApiSettings | None = None,
               fetch_policy: FetchPolicy | None = None) -> FastAPI:
    """The service over the index of ``settings`` (default: from the environment).

    Example:
        >>> app = create_app(Settings(namespace="demo"),
        ...                  ApiSettings(api_key="k3y", fetch_per_minute=5))
        >>> "/v1/lookup" in app.openapi()["paths"]
        True
    """
    settings = settings or Settings()
    # A lookup is one round trip: a stalled Redis must turn into a 503 well within 2 s, and
    # a request that meets a cluster's failover waits 1 s for it at most (then 503s and the
    # breaker's probes, until the replica serves).
    settings = settings.model_copy(update={
        "redis_timeout": min(settings.redis_timeout, 1.0),
        "redis_failover_wait": min(settings.redis_failover_wait, 1.0)})
    api = api or ApiSettings()
    policy = fetch_policy or FetchPolicy(allow_private=api.fetch_allow_private,
                                         max_bytes=api.max_body)
    backend = Backend(settings, api.fetch_per_minute)
    metrics = Metrics()
    # JSONResponse, not FastAPI's pydantic fast path: numbers keep json.dumps's spelling
    # (1e-05, not 0.00001), so every answer is byte for byte what it was before the models
    app = App(title="wiretrace", version="0.1", default_response_class=JSONResponse,
              docs_url=None, redoc_url=None,  # /docs: routes/docs.py, offline
              description="Where did this article first appear, and who else "
                          "republished it?")
    app.state.services = Services(settings, api, policy, backend, metrics)
    errors.install(app, backend)
    for routes in (lookup, articles, service, pages, sites, watches, docs):
        app.include_router(routes.router)
    app.mount("/static", StaticFiles(directory=str(page.STATIC)), name="static")
    app.mount("/docs-assets", StaticFiles(directory=str(docs.ASSETS)), name="docs-assets")
    app.breaker = Breaker(backend, metrics)
    app.add_middleware(RedisGate, limit=api.redis_concurrency, wait=api.redis_wait,
                       breaker=app.breaker)
    app.add_middleware(BodyLimit, limit=api.max_body)
    app.add_middleware(SecurityHeaders, metrics=metrics)  # the last added is the outermost
    return app
