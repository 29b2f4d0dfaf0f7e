"""A site's republished articles: ``/v1/sites/{site}`` (JSON, paginated), ``/sites/{site}``
(the web page) and ``/sites/{site}/copies.atom`` (the feed of its newest copies)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from dedup.watches import normal_site
from wiretrace.api import sitepage
from wiretrace.api.deps import EngineDep
from wiretrace.api.errors import documented
from wiretrace.api.publisher_schemas import SiteOut, site_out

router = APIRouter(tags=["sites"], responses=documented(400, 503))
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=200)]
PAGE = 25


@router.get("/v1/sites/{site}", summary="A site's republished articles: by whom, how much, "
            "when; republishers ranked; copies per week")
def site_json(site: str, engine: EngineDep, offset: Offset = 0, limit: Limit = 50) -> SiteOut:
    return site_out(engine.site_report(normal_site(site), offset, limit))


@router.get("/sites/{site}", include_in_schema=False, response_class=HTMLResponse)
def site_page(site: str, engine: EngineDep, offset: Offset = 0) -> HTMLResponse:
    report = engine.site_report(normal_site(site), offset, PAGE)
    newer = max(0, offset - PAGE) if offset else None
    older = offset + PAGE if offset + PAGE < report.total else None
    return HTMLResponse(sitepage.render(report, newer, older))


@router.get("/sites/{site}/copies.atom", include_in_schema=False)
def site_feed(site: str, request: Request, engine: EngineDep) -> Response:
    report = engine.site_report(normal_site(site), 0, 50)
    return Response(sitepage.atom(report, str(request.base_url)),
                    media_type="application/atom+xml")
