"""Watches over HTTP (behind the API key when the service has one): the same as
`wiretrace watch add|list|remove`."""

from fastapi import APIRouter, Depends

from dedup.errors import InputError
from dedup.fetch import FetchPolicy
from wiretrace.api.deps import Authorised, EngineDep, SettingsDep
from wiretrace.api.errors import NotFoundError, documented
from wiretrace.api.publisher_schemas import WatchBody, WatchList, WatchOut, watch_out


def _key(authorised: Authorised) -> None:
    if not authorised:
        raise InputError("this request needs the API key (header X-API-Key)", "unauthorised")


router = APIRouter(tags=["watches"], dependencies=[Depends(_key)],
                   responses=documented(401, 503))


@router.get("/v1/watches", summary="Every watch, with its newest deliveries")
def list_watches(engine: EngineDep, log: int = 5) -> WatchList:
    n = max(0, min(log, 200))
    return WatchList(watches=[watch_out(w, engine.watches.log(w.site, n) if n else [])
                              for w in engine.watches.all()])


@router.post("/v1/watches", status_code=201, responses=documented(400, 403, 502),
             summary="Watch a site (or change its webhook); a secret generated here is in "
                     "this answer only")
def add_watch(body: WatchBody, engine: EngineDep, settings: SettingsDep) -> WatchOut:
    w = engine.watches.add(body.site, body.webhook, body.secret,
                           FetchPolicy(allow_private=settings.notify_allow_private))
    return watch_out(w, secret=body.secret is None)


@router.get("/v1/watches/{site}", responses=documented(400, 404),
            summary="One watch and its delivery log")
def get_watch(site: str, engine: EngineDep, log: int = 50) -> WatchOut:
    w = engine.watches.get(site)
    if w is None:
        raise NotFoundError("not watched")
    return watch_out(w, engine.watches.log(w.site, max(1, min(log, 1000))))


@router.delete("/v1/watches/{site}", responses=documented(400, 404),
               summary="Stop watching a site; answers the watch that was removed")
def remove_watch(site: str, engine: EngineDep) -> WatchOut:
    w = engine.watches.get(site)
    if w is None or not engine.watches.remove(site):
        raise NotFoundError("not watched")
    return watch_out(w)

