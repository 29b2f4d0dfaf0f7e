"""The reads behind a lookup: records, their clusters and the clusters' other members, in
pipelined round trips (no script: nothing here needs to be atomic); and the part of a
snapshot read for many checks that one of them reads alone."""

from dataclasses import dataclass

from dedup import codec
from dedup.codec import ArticleField as F
from dedup.store import RawRecord, RawState, Store
from dedup.texts import unpack_text


@dataclass(slots=True)
class RawLookup:
    """What a lookup shows of one indexed article: its record, its cluster's fields and its
    cluster members' url and metadata."""

    id: str
    meta: bytes
    cluster: str
    cluster_fields: dict[str, bytes]
    member_meta: dict[str, bytes]



def read_lookup(store: Store, ids: list[str]) -> list[RawLookup | None]:
    """What a lookup shows of each id (an alias followed), None when not indexed."""
    k = store.keys
    pipe = store.client.pipeline(transaction=False)
    for aid in ids:
        pipe.hmget(k.article(aid), [F.META, F.CLUSTER])
        pipe.get(k.alias(aid))
    res = store.execute(pipe)
    found: dict[str, tuple[bytes, str]] = {}
    target = []
    for j, aid in enumerate(ids):
        (meta, cid), alias = res[2 * j], res[2 * j + 1]
        if meta:
            found[aid] = (meta, cid.decode() if cid else aid)
        target.append(alias.decode() if not meta and alias else aid)
    missing = [t for t in dict.fromkeys(target) if t not in found]
    if missing:
        pipe = store.client.pipeline(transaction=False)
        for aid in missing:
            pipe.hmget(k.article(aid), [F.META, F.CLUSTER])
        for aid, (meta, cid) in zip(missing, store.execute(pipe), strict=True):
            if meta:
                found[aid] = (meta, cid.decode() if cid else aid)
    cids = list(dict.fromkeys(c for _, c in found.values()))
    pipe = store.client.pipeline(transaction=False)
    for cid in cids:
        pipe.hgetall(k.cluster(cid))
    cl = {cid: {f.decode(): v for f, v in h.items()}
          for cid, h in zip(cids, store.execute(pipe), strict=True)}
    mids = list(dict.fromkeys(m for h in cl.values() for m in codec.members(h)))
    pipe = store.client.pipeline(transaction=False)
    for mid in mids:
        pipe.hget(k.article(mid), F.META)
    metas = {m: v for m, v in zip(mids, store.execute(pipe), strict=True) if v}
    out: list[RawLookup | None] = []
    for aid in target:
        if aid not in found:
            out.append(None)
            continue
        meta, cid = found[aid]
        fields = cl[cid]
        out.append(RawLookup(aid, meta, cid, fields,
                             {m: metas[m] for m in codec.members(fields)
                              if m != aid and m in metas}))
    return out


def read_alone(raw: RawState, k: int, aid: str) -> RawState:
    """What :meth:`Store.read_state` reads for its article ``k`` (id ``aid``) alone, taken
    from ``raw``, what it read for many: the article's band digest and candidates, the records
    and clusters reached from them, in the order a read of that article alone finds them."""
    records: dict[str, RawRecord] = {}
    clusters: dict[str, dict[str, bytes]] = {}
    todo = list(dict.fromkeys([aid, *raw.bands[k][1]]))
    while todo:
        new_clusters = []
        for rid in todo:
            r = raw.records.get(rid)
            if r is None:
                continue
            records[rid] = r
            if r.cluster not in clusters:
                clusters[r.cluster] = raw.clusters[r.cluster]
                new_clusters.append(r.cluster)
        todo = list(dict.fromkeys(m for cid in new_clusters
                                  for m in codec.members(clusters[cid]) if m not in records))
    return RawState([raw.bands[k]], records, clusters, raw.epoch, raw.buckets, raw.articles,
                    texts=raw.texts)


def read_texts(store: Store, ids: list[str], known: dict[str, bytes] | None = None
               ) -> dict[str, str]:
    """The stored texts of these articles (those that have one): from ``known`` (as stored, read
    before), the others in one round trip (none when all are known)."""
    known = known or {}
    missing = [aid for aid in ids if aid not in known]
    got = dict(known)
    if missing:
        pipe = store.client.pipeline(transaction=False)
        for aid in missing:
            pipe.hget(store.keys.article(aid), F.TEXT)
        got.update(zip(missing, store.execute(pipe), strict=True))
    return {aid: unpack_text(raw) for aid in ids if (raw := got.get(aid))}
