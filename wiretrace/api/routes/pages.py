"""The web page: a lookup form, the answer, the diff of a copy and its original."""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from dedup.models import ArticleInput
from wiretrace.api import page
from wiretrace.api.deps import EngineDep, checked_url

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/")
def home(engine: EngineDep, url: str | None = None) -> HTMLResponse:
    if not url:
        return HTMLResponse(page.home())
    res = engine.lookup([checked_url(url)])[0]
    evidence: dict[str, list[str]] = {}
    if res.role == "original" and res.cluster:
        found = engine.cluster(res.cluster)
        evidence = {m.url: m.evidence for m in found.members} if found else {}
    return HTMLResponse(page.result(res, evidence, query=url))


@router.post("/check")
async def check_form(request: Request, engine: EngineDep) -> HTMLResponse:
    form = await request.form()
    text = str(form.get("text") or "")
    if not text.strip():
        return HTMLResponse(page.home("Paste a text to check."), status_code=400)
    # Redis work off the event loop: a stalled Redis must not stall /healthz
    res = await run_in_threadpool(engine.check, ArticleInput(url=page.CHECK_URL, text=text))
    return HTMLResponse(page.result(res, pasted=text))


@router.get("/diff")
def diff(copy: str, original: str, engine: EngineDep) -> HTMLResponse:
    a, b = engine.lookup_ids([copy, original])
    ta, tb = engine.text_of(a.id or ""), engine.text_of(b.id or "")
    if not (a.indexed and b.indexed and ta and tb):
        return HTMLResponse(page.home("No such articles."), status_code=404)
    return HTMLResponse(page.diff(a, ta, b, tb))

