"""The service itself: counts, liveness, readiness, Prometheus metrics."""

import redis
from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from redis.exceptions import RedisClusterException

from dedup.errors import StoreUnavailableError
from wiretrace.api.deps import BackendDep, EngineDep, MetricsDep
from wiretrace.api.errors import documented
from wiretrace.api.schemas import HealthOut, ReadyOut, StatsOut, UnavailableOut, stats_out

router = APIRouter(tags=["service"])


@router.get("/v1/stats", responses=documented(503),
            summary="Counts, bytes per article, recent crawl runs")
def stats(engine: EngineDep) -> StatsOut:
    return stats_out(engine.stats(), engine.crawl_runs())


@router.get("/healthz", summary="The process is up (never touches Redis)")
async def healthz() -> HealthOut:  # on the event loop: no worker thread to wait for
    return HealthOut()


@router.get("/readyz", summary="Redis is reachable", response_model=ReadyOut,
            responses={503: {"model": UnavailableOut}})
def readyz(backend: BackendDep) -> ReadyOut | JSONResponse:
    try:  # a probe: the failure is the answer
        backend.engine().client.ping()
    except (redis.RedisError, RedisClusterException, StoreUnavailableError) as exc:
        backend.reset(str(exc))
        return JSONResponse(UnavailableOut(error=str(exc)).model_dump(), status_code=503)
    return ReadyOut()


@router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
def prometheus(backend: BackendDep, metrics: MetricsDep) -> Response:
    try:  # the process's own metrics are served even when Redis is not
        engine = backend.engine()
        metrics.update(engine.admin.counts().counts(), engine.crawl_run_count())
    except (redis.RedisError, RedisClusterException, StoreUnavailableError) as exc:
        backend.reset(str(exc))
    return Response(metrics.render(), media_type="text/plain; version=0.0.4")
