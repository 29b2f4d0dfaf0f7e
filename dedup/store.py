"""The Redis side of the engine: scripts and pipelines that read and write the index.

Every key comes from :class:`dedup.keys.Keys` and every script gets its keys in ``KEYS``, each
call's in one slot. An ingest reads in a few pipelined round trips (band entries, candidates
compared with the query on the server, records, clusters) and writes with one atomic, guarded
script (on a Redis Cluster, one journaled write applied slot by slot: dedup.journal). Nothing
read back is unpickled: values are packed binary, JSON or compressed text.
"""

import itertools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import redis

from dedup import codec
from dedup.codec import ArticleField as F
from dedup.errors import IndexMismatchError, StoreUnavailableError
from dedup.journal import ClusterWrite, Guard, LeaseHeldError, Op, band_digest, pack
from dedup.keys import Keys
from dedup.onenode import Counters, follow_call, read_follow
from dedup.pernode import Call, run_calls
from dedup.ranking import ranked_candidates
from dedup.redisconn import UNAVAILABLE
from dedup.slotreads import band_values, candidate_calls, equal_unrolled, merge_candidates
from dedup.slots import by_slot


def _script(name: str, *parts: str) -> str:
    return codec.lua_prelude() + "".join(parts) + \
        resources.files("dedup").joinpath("lua", name).read_text()


@dataclass(slots=True)
class RawRecord:
    id: str
    sig: bytes
    url: str
    meta: bytes
    cluster: str


@dataclass(slots=True)
class RawState:
    bands: list[tuple[bytes, list[str]]]  # per article: band digest, candidate ids
    records: dict[str, RawRecord]
    clusters: dict[str, dict[str, bytes]]
    epoch: bytes = b""  # the write counter when this was read
    buckets: int = codec.INITIAL_BUCKETS  # the band hash count the band entries were read at
    articles: int = 0  # the articles counter when this was read
    sites: Counters | None = None  # site counters read with the records (one Redis, asked)
    texts: dict[str, bytes] = field(default_factory=dict)  # originals' stored texts: checks


__all__ = ["Guard", "LeaseHeldError", "Op", "RawRecord", "RawState", "Store", "band_digest"]


class Store:
    """Thin wrapper over the scripts; turns redis errors into StoreUnavailableError."""

    def __init__(self, client: redis.Redis, keys: Keys, lease_ttl: float = 30.0) -> None:
        self.client = client
        self.keys = keys
        self._apply = client.register_script(_script("apply.lua"))
        self.cluster = ClusterWrite(client, keys, self._apply, lease_ttl) if keys.sharded \
            else None
        self._bands = client.register_script(_script("bands.lua"))
        self._candidates = client.register_script(_script("candidates.lua", equal_unrolled()))
        self._templates = client.register_script(_script("templates.lua"))
        self._params_checked = False
        self.buckets = codec.INITIAL_BUCKETS  # the band hash count last seen
        self.compared = 0  # (article, candidate) pairs sent to candidates.lua so far

    def check_params(self, fingerprint: str, claim: bool = True) -> None:
        """Refuse an index written with other signature parameters; stamp an empty one with
        these (unless ``claim`` is false: a reader leaves an empty index unstamped)."""
        if self._params_checked:
            return
        stored = self.client.hget(self.keys.meta, "params")
        mine = fingerprint.encode()
        if stored is None:
            if not claim:
                return
            self.client.hsetnx(self.keys.meta, "params", mine)
            stored = self.client.hget(self.keys.meta, "params")
        if stored is None or stored != mine:
            raise IndexMismatchError(
                f"the index in namespace {self.keys.ns!r} was written with other "
                f"parameters ({(stored or b'').decode(errors='replace')}); this version uses "
                f"{fingerprint}. Run `wiretrace reindex` to rebuild it from the stored texts."
            )
        self._params_checked = True

    def forget_params(self) -> None:
        """Check the parameters again on the next write (the index was rebuilt)."""
        self._params_checked = False

    def resolve(self, article_id: str) -> str:
        """The id an article is stored under: its own, or the one an alias points to."""
        alias = self.client.get(self.keys.alias(article_id))
        return alias.decode() if alias else article_id

    def read_state(self, articles: list[tuple[str, bytes, bytes]], cap: int = 50,
                   min_equal: int = 8, sites: set[str] | None = None,
                   guarded: bool = True) -> RawState:
        """For each article (id, signature values, packed bands): a digest of its band
        entries and its candidates with at least ``min_equal`` equal MinHash values (the
        ``cap`` sharing the most bands compared; of those sharing one band only, those of the
        rarest values: :func:`dedup.ranking.ranked_candidates`); and the records and clusters
        of all of them and of their clusters' members. On one Redis, two round trips; with
        ``sites``, also the counters of those sites and of every record's
        (``RawState.sites``). Not ``guarded`` (a read for no write): no band digests (b""),
        and on one Redis the stored texts (as stored) of the clusters' originals, or of an article
        alone (``RawState.texts``): what a check's passages rule most often compares with."""
        epoch, indexed, values = self._band_values([a[2] for a in articles])
        digests: list[bytes] = []
        ranked: list[list[str]] = []
        pos = 0
        for aid, _, packed in articles:
            n = len(packed) // codec.BAND_FIELD
            mine = values[pos:pos + n]
            pos += n
            digests.append(band_digest(mine) if guarded else b"")
            ranked.append(ranked_candidates(mine, aid, cap))
        counters: Counters | None = None
        texts: dict[str, bytes] = {}
        if self.keys.sharded:
            kept, sigs = self._related(articles, ranked, min_equal)
            records, clusters = self._records([a[0] for a in articles] + list(sigs))
        else:  # one slot: the comparison reads on (dedup/onenode.py)
            self.compared += sum(map(len, ranked))
            ids, call = follow_call(self.keys, articles, ranked, min_equal, sites,
                                    originals=not guarded)
            kept, rows, clusters, read, texts = read_follow(
                ranked, ids, self._call(self._candidates, *call))
            records = {r[0]: RawRecord(*r) for r in rows}
            counters = read if sites is not None else None
        bands = [(d, [c for c in chosen if c in records])
                 for d, chosen in zip(digests, kept, strict=True)]
        return RawState(bands, records, clusters, epoch, self.buckets, indexed, counters,
                        texts)

    def layout(self) -> tuple[int, int]:
        """The band hash count and the articles counter (one round trip)."""
        return self.buckets, self._band_values([])[1]

    def _band_values(self, packed: list[bytes]) -> tuple[bytes, int, list[bytes]]:
        """The write counter, the articles counter and the values of the band entries of
        each packed band list (read again when the band hashes grew since last seen)."""
        k = self.keys
        fields = b"".join(packed)
        if k.sharded:  # no script: the band entries are in many slots
            try:
                epoch, self.buckets, articles, values = band_values(self.client, k, fields)
            except UNAVAILABLE as exc:
                raise StoreUnavailableError(f"Redis is unavailable: {exc}") from exc
            return epoch, articles, values
        while True:
            keys, _ = k.band_keys(fields, self.buckets)
            res = self._call(self._bands, [k.epoch, k.meta, k.stats, *keys],
                             [self.buckets, fields])
            buckets = int(res[1])
            if buckets == self.buckets:
                return res[0], int(res[2]), res[3:]
            self.buckets = buckets

    def _related(self, articles: list[tuple[str, bytes, bytes]], ranked: list[list[str]],
                 min_equal: int) -> tuple[list[list[str]], dict[str, bytes]]:
        """Per article, its candidates with at least ``min_equal`` equal values (compared on
        the server), and the signatures of those kept."""
        self.compared += sum(map(len, ranked))
        ids = list(dict.fromkeys(c for cands in ranked for c in cands))
        if not ids:
            return [[] for _ in articles], {}
        parts, calls = candidate_calls(self.keys, ids, articles, ranked, min_equal)
        return merge_candidates(ranked, parts, self._calls(self._candidates, calls))

    def _records(self, wanted: list[str]
                 ) -> tuple[dict[str, RawRecord], dict[str, dict[str, bytes]]]:
        """The records of ``wanted`` (those with a signature) and of their clusters' members,
        and those clusters' fields: two round trips, a third for members not yet read."""
        k = self.keys
        records: dict[str, RawRecord] = {}
        clusters: dict[str, dict[str, bytes]] = {}
        todo = list(dict.fromkeys(wanted))
        while todo:
            pipe = self.client.pipeline(transaction=False)
            for aid in todo:
                pipe.get(k.sig(aid))
                pipe.hmget(k.article(aid), [F.URL, F.META, F.CLUSTER])
            res = self.execute(pipe)
            new_clusters = []
            for j, aid in enumerate(todo):
                sig, (url, meta, cid) = res[2 * j], res[2 * j + 1]
                if not sig or not meta:  # no record, or half of one (damage: fsck finds it)
                    continue
                cluster = cid.decode() if cid else aid
                records[aid] = RawRecord(aid, sig, (url or b"").decode(), meta or b"", cluster)
                if cluster not in clusters:
                    clusters[cluster] = {}
                    new_clusters.append(cluster)
            pipe = self.client.pipeline(transaction=False)
            for cid in new_clusters:
                pipe.hgetall(k.cluster(cid))
            todo = []
            for cid, flat in zip(new_clusters, self.execute(pipe), strict=True):
                clusters[cid] = {f.decode(): v for f, v in flat.items()}
                todo += [m for m in codec.members(clusters[cid]) if m not in records]
            todo = list(dict.fromkeys(todo))
        return records, clusters

    def apply(self, guards: list[Guard], ops: list[Op], token: str = "",
              buckets: int | None = None) -> int | None:
        """Apply ops if the lease is ours (``token``; '' when nobody holds it), every guard
        holds and, when band keys are named, the index has the ``buckets`` band hashes they
        were computed for; return None, or the index of the failed guard (0 when the band
        hashes grew: plan again). Raises LeaseHeldError."""
        if self.cluster is not None:
            failed, self.buckets = self.cluster.apply(guards, ops, token, buckets)
            return failed
        keys, argv = pack([self.keys.lease, self.keys.epoch, self.keys.meta], guards, ops)
        res = self._call(self._apply, keys, [token, argv, "" if buckets is None else buckets])
        if res[0] == 1:
            if ops and ops[-1][0] == codec.OpName.SPLIT:  # grown: the count it grew to
                self.buckets = int(ops[-1][2]) + int(ops[-1][3])
            return None
        if len(res) > 2 and res[2] == codec.LEASE_REFUSED.encode():
            raise LeaseHeldError(res[3].decode())
        if len(res) > 2 and res[2] == codec.LAYOUT_CHANGED.encode():
            self.buckets = int(res[3])
            return 0
        return max(0, int(res[1]) - 1)

    def site_templates(self, sites: dict[str, list[list[tuple[bytes, bytes]]]], min_pages: int,
                       cap: int, mode: str) -> dict[str, set[bytes]]:
        """Per site, the template line keys of the last group (a batch of the site's articles,
        each a 4-byte tag and its 8-byte line keys), the groups counted first (``mode``
        'learn'); 'read': all the site's (templates.lua). One call a slot (one in all on a
        single node)."""
        names = list(sites)
        slots = list(by_slot([self.keys.template(s) for s in names]).values())
        calls = []
        for group in slots:
            keys: list[str] = []
            args: list[str | bytes | int | float] = [min_pages, cap, mode, len(group)]
            for j in group:
                keys += [self.keys.template(names[j]), self.keys.template_seen(names[j])]
                args.append(len(sites[names[j]]))
                for articles in sites[names[j]]:
                    args += [len(articles), *itertools.chain.from_iterable(articles)]
            calls.append((keys, args))
        out: dict[str, set[bytes]] = {}
        for group, res in zip(slots, self._calls(self._templates, calls), strict=True):
            out.update({names[j]: {raw[k:k + 8] for k in range(0, len(raw), 8)}
                        for j, raw in zip(group, res, strict=True) if raw})
        return out

    def execute(self, pipe: "redis.client.Pipeline") -> list[Any]:
        try:
            return pipe.execute()  # type: ignore[no-any-return,unused-ignore]
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(f"Redis is unavailable: {exc}") from exc

    def _calls(self, script: "redis.commands.core.Script", calls: list[Call]) -> list[Any]:
        """One call a slot, pipelined per master on a cluster."""
        try:
            return run_calls(self.client, script, calls)
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(f"Redis is unavailable: {exc}") from exc

    def _call(self, script: "redis.commands.core.Script", keys: list[str],
              args: list[str | bytes | int | float]) -> list[Any]:
        try:
            return script(keys=keys, args=args)  # type: ignore[no-any-return,unused-ignore]
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(f"Redis is unavailable: {exc}") from exc
