"""Indexed articles and clusters by id."""

from fastapi import APIRouter

from wiretrace.api.deps import EngineDep
from wiretrace.api.errors import NotFoundError, documented
from wiretrace.api.schemas import ClusterOut, LookupOut, cluster_out, lookup_out

router = APIRouter(tags=["index"], responses=documented(404, 503))


@router.get("/v1/articles/{article_id}", summary="An indexed article by id")
def article(article_id: str, engine: EngineDep) -> LookupOut:
    res = engine.lookup_ids([article_id])[0]
    if not res.indexed:
        raise NotFoundError("no such article")
    return lookup_out(res)


@router.get("/v1/clusters/{cluster_id}",
            summary="A cluster: original, copies, partials, scores, evidence")
def cluster(cluster_id: str, engine: EngineDep) -> ClusterOut:
    found = engine.cluster(cluster_id)
    if found is None:
        raise NotFoundError("no such cluster")
    return cluster_out(found)
