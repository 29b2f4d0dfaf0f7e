"""Answers for a URL (indexed or not), a text or an HTML page."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from dedup.errors import InputError
from dedup.fetch import fetch
from dedup.models import ArticleInput
from wiretrace.api.deps import (
    ApiDep,
    Authorised,
    EngineDep,
    LimiterDep,
    MetricsDep,
    PolicyDep,
    checked_url,
)
from wiretrace.api.errors import RateLimitedError, documented
from wiretrace.api.limiter import client_of
from wiretrace.api.page import CHECK_URL  # a pasted text or page: no site of its own
from wiretrace.api.schemas import (
    CheckBatchBody,
    CheckBatchOut,
    CheckBody,
    ErrorOut,
    LookupOut,
    lookup_out,
)

router = APIRouter(tags=["lookup"], responses=documented(503))


@router.get("/v1/lookup", responses=documented(414),
            summary="Original and copies of an indexed URL (the JSON of `wiretrace lookup "
                    "--json`)")
def lookup(url: Annotated[str, Query()], engine: EngineDep,
           metrics: MetricsDep) -> LookupOut:
    metrics.lookups.labels("lookup").inc()
    return lookup_out(engine.lookup([checked_url(url)])[0])


def given_input(body: CheckBody) -> str:
    """Which of ``text``, ``html`` or ``url`` the body gives; InputError unless just one."""
    given = [k for k in ("text", "html", "url") if getattr(body, k)]
    if len(given) != 1:
        raise InputError("give exactly one of `text`, `html` or `url`")
    return given[0]


def check_request(body: CheckBody, request: Request, authorised: Authorised,
                  limiter: LimiterDep, metrics: MetricsDep) -> CheckBody:
    """The body, with exactly one input; a URL to fetch needs the API key (when the service
    has one) and counts against the client's limit."""
    metrics.lookups.labels("check").inc()
    if given_input(body) == "url":
        if not authorised:
            raise InputError("this request needs the API key (header X-API-Key)",
                             "unauthorised")
        if not limiter.hit(client_of(request)):
            raise RateLimitedError("too many fetch-by-URL requests; try again in a minute")
    return body


@router.post("/v1/check", responses=documented(400, 401, 403, 409, 414, 429, 502),
             summary="The answer for a text, an HTML page or a URL that may not be indexed; "
                     "writes nothing")
def check(body: Annotated[CheckBody, Depends(check_request)], engine: EngineDep,
          policy: PolicyDep) -> LookupOut:
    if body.url:
        fetched = fetch(checked_url(body.url), policy)
        item = ArticleInput(url=fetched.url, html=fetched.body.decode("utf-8", "replace"))
    else:
        item = ArticleInput(url=CHECK_URL, text=body.text, html=body.html)
    return lookup_out(engine.check(item))


@router.post("/v1/check/batch", responses=documented(400, 409, 413),
             summary="The answers for many texts or HTML pages, each what `POST /v1/check` "
                     "answers for it, in the round trips of one; writes nothing")
def check_batch(body: CheckBatchBody, engine: EngineDep, api: ApiDep,
                metrics: MetricsDep) -> CheckBatchOut:
    """At most ``WIRETRACE_CHECK_BATCH_MAX`` items (413 past it); an item that `POST
    /v1/check` would refuse (none or two of ``text``/``html``, a ``url``, a text that cannot
    be checked) gets that error in its place, the others their answers."""
    if len(body.items) > api.check_batch_max:
        raise InputError(f"at most {api.check_batch_max} items a request "
                         f"(WIRETRACE_CHECK_BATCH_MAX); this one has {len(body.items)}",
                         "too_many_items")
    metrics.lookups.labels("check").inc(len(body.items))
    results: list[LookupOut | ErrorOut | None] = [None] * len(body.items)
    inputs, positions = [], []
    for j, item in enumerate(body.items):
        try:
            if given_input(item) == "url":
                raise InputError("a URL is fetched one at a time: POST /v1/check",
                                 "url_in_batch")
        except InputError as exc:
            results[j] = ErrorOut(error=str(exc), reason=exc.reason)
            continue
        inputs.append(ArticleInput(url=CHECK_URL, text=item.text, html=item.html))
        positions.append(j)
    for j, res in zip(positions, engine.check_many(inputs) if inputs else [], strict=True):
        results[j] = (ErrorOut(error=str(res), reason=res.reason)
                      if isinstance(res, InputError) else lookup_out(res))
    return CheckBatchOut(results=[r for r in results if r is not None])
