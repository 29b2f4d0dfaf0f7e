"""The engine: ingest, look up, check, remove, reindex. The public API of wiretrace.

Example:
    >>> from dedup.config import Settings
    >>> from dedup.engine import Engine
    >>> engine = Engine.from_settings(Settings())                     # doctest: +SKIP
    >>> engine.ingest([ArticleInput(url="https://a.example/1", text=story)])  # doctest: +SKIP
    >>> engine.lookup(["https://b.example/copy"])[0].role              # doctest: +SKIP
    'copy'
"""

import json
import logging
import math
import random
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import redis

from dedup.boilerplate import signature_text
from dedup.config import Settings
from dedup.errors import ConflictError, IndexMismatchError, InputError
from dedup.keys import Keys
from dedup.models import ArticleInput, ArticleMeta, LookupResult, Verdict
from dedup.params import PARAMS, SignatureParams
from dedup.plan import Outcome, Plan, Prepared
from dedup.prepare import prepare_article, prepared_batches
from dedup.redisconn import connect
from dedup.scoring import MIN_SIMILARITY
from dedup.signature import Signature, earlier_band_neighbours, packed_bands, signature
from dedup.store import Store
from dedup.urls import article_id, normalize_url

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class IngestReport:
    """Counts of one ingest call."""

    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (position, message)


class Engine:
    """Near-duplicate index and provenance decisions over one Redis namespace."""

    def __init__(self, client: redis.Redis, settings: Settings,
                 params: SignatureParams = PARAMS) -> None:
        self.client = client
        self.settings = settings
        self.params = params
        self.keys = Keys(settings.namespace)
        self.store = Store(client, self.keys)
        self._index_checked = False
        self._templates: dict[str, tuple[float, set[bytes]]] = {}  # site -> (read at, lines)
        self._republishers: dict[str, tuple[float, bool]] = {}  # site -> (read at, verdict)
        # Candidates with fewer equal MinHash values cannot be related (see scoring.related).
        self._min_equal = math.ceil(MIN_SIMILARITY * params.num_perm)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Engine":
        """Connect (REDIS_URL, or the embedded server) and build an engine."""
        settings = settings or Settings()
        return cls(connect(settings), settings)

    # -- parameters -----------------------------------------------------------------------
    def check_index(self, claim: bool = True) -> None:
        """Refuse an index written with other parameters; stamp an empty one."""
        if self._index_checked:
            return
        stored = self.client.hget(self.keys.meta, "params")
        mine = self.params.fingerprint().encode()
        if stored is None:
            if claim:
                self.client.hsetnx(self.keys.meta, "params", mine)
                stored = self.client.hget(self.keys.meta, "params")
            else:
                return
        if stored is None or stored != mine:
            raise IndexMismatchError(
                f"the index in namespace {self.settings.namespace!r} was written with other "
                f"parameters ({(stored or b'').decode(errors='replace')}); this version uses "
                f"{mine.decode()}. Run `wiretrace reindex` to rebuild it from the stored texts."
            )
        self._index_checked = True

    # -- preparing input ------------------------------------------------------------------
    def prepare(self, item: ArticleInput) -> Prepared:
        """Validate an input and compute its identity, signature and bands (CPU only)."""
        return prepare_article(item, self.settings, self.params)

    # -- ingest ---------------------------------------------------------------------------
    def ingest(self, items: Iterable[ArticleInput], workers: int | None = None,
               on_batch: Callable[[list[Outcome]], None] | None = None) -> IngestReport:
        """Index articles in batches; a bad item is reported (by its position) and counted,
        never fatal. See :meth:`ingest_numbered`."""
        return self.ingest_numbered(enumerate(items), workers, on_batch)

    def ingest_numbered(self, items: Iterable[tuple[int, ArticleInput]],
                        workers: int | None = None,
                        on_batch: Callable[[list[Outcome]], None] | None = None,
                        ) -> IngestReport:
        """Index (position, article) pairs; errors are reported with their position.

        Preparing (extraction, signatures) runs in ``workers`` processes (setting
        ``ingest_workers``; 0 = one per CPU) once the input exceeds one batch. Batches are
        written one after the other by one writer thread, in input order, while the next
        ones are prepared: the result is the same as ingesting them one by one.
        """
        report = IngestReport()
        n_workers = self.settings.ingest_workers if workers is None else workers
        with ThreadPoolExecutor(1, thread_name_prefix="wiretrace-write") as writer:
            pending: Future[list[Outcome]] | None = None

            def collect() -> None:
                if pending is not None:
                    outcomes = pending.result()
                    report.outcomes.extend(outcomes)
                    if on_batch:
                        on_batch(outcomes)

            for prepared, errors in prepared_batches(items, self.settings, self.params,
                                                     n_workers):
                report.errors.extend(errors)
                collect()
                pending = writer.submit(self.ingest_prepared, prepared) if prepared else None
            collect()
        return report

    def ingest_prepared(self, batch: list[Prepared]) -> list[Outcome]:
        """Two round trips: read the snapshot, then one guarded atomic write; retried when
        another writer changed what was read."""
        self.check_index()
        batch = list({p.id: p for p in batch}.values())  # the last version of a URL wins
        batch = self.without_site_templates(batch, learn=True)
        for attempt in range(self.settings.write_retries):
            plan, outcomes, old_bands = self._plan(batch)
            failed = self.store.apply(plan.guards_list(), plan.ops(old_bands))
            if failed is None:
                return outcomes
            logger.debug("batch of %d: guard %d changed, retry %d", len(batch), failed, attempt)
            time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise ConflictError(f"gave up after {self.settings.write_retries} retries: other "
                            "writers kept changing the same clusters")

    def without_site_templates(self, batch: list[Prepared], learn: bool) -> list[Prepared]:
        """The batch with each article signed without its site's template lines: the lines
        that ``template_min_pages`` distinct articles of the site carry after their first
        sighting (counted in Redis, this batch included when ``learn``). Only articles that
        carry such a line are signed again. One round trip."""
        if not self.settings.template_min_pages or not batch:
            return batch
        sites: dict[str, list[tuple[bytes, bytes]]] = {}
        for p in batch:
            sites.setdefault(p.meta.site, []).append((bytes.fromhex(p.id)[:4], p.line_keys))
        if learn:
            template = self.store.site_templates(sites, self.settings.template_min_pages,
                                                 self.settings.template_cap, True)
        else:
            template = self._cached_templates(sites)
        out = []
        for p in batch:
            lines = template.get(p.meta.site)
            if lines and any(p.line_keys[k:k + 8] in lines
                             for k in range(0, len(p.line_keys), 8)):
                sig = signature(signature_text(p.text, lines), self.params)
                p = replace(p, sig=sig, bands=packed_bands(sig, self.params))
            out.append(p)
        return out

    def _prior(self) -> Callable[[str], bool] | None:
        return self.is_republisher if self.settings.republisher_min_copies > 0 else None

    def is_republisher(self, site: str, ttl: float = 5.0) -> bool:
        """Whether a site mostly republishes others' articles: at least
        ``republisher_min_copies`` of its articles, and ``republisher_share`` of them, are
        copies or partials, or credit another publication. From its counters in Redis, read
        at most every few seconds per site."""
        now = time.monotonic()
        hit = self._republishers.get(site)
        if hit is None or hit[0] < now - ttl:
            articles, copies, credited = (int(v or 0) for v in self.client.hmget(
                self.keys.site(site), ["articles", "copies", "credited"]))
            republished = max(copies, credited)
            verdict = republished >= self.settings.republisher_min_copies and \
                republished >= self.settings.republisher_share * max(1, articles)
            if len(self._republishers) > 65536:
                self._republishers.clear()
            hit = self._republishers[site] = (now, verdict)
        return hit[1]

    def _cached_templates(self, sites: dict[str, list[tuple[bytes, bytes]]],
                          ttl: float = 60.0) -> dict[str, set[bytes]]:
        """Template lines for answers that write nothing (check): read at most once a minute
        per site, so a service answering many queries about one site does not ask each time."""
        now = time.monotonic()
        stale = {s: a for s, a in sites.items()
                 if s not in self._templates or self._templates[s][0] < now - ttl}
        if stale:
            fresh = self.store.site_templates({s: [] for s in stale},
                                              self.settings.template_min_pages,
                                              self.settings.template_cap, False)
            if len(self._templates) > 4096:
                self._templates.clear()
            for s in stale:
                self._templates[s] = (now, fresh.get(s, set()))
        return {s: self._templates[s][1] for s in sites}

    def _plan(self, batch: list[Prepared]) -> tuple[Plan, list[Outcome], dict[str, bytes]]:
        raw = self.store.read_state([self._read_item(p) for p in batch],
                                    min_equal=self._min_equal)
        plan = Plan(raw, self.keys, self.settings, self._prior())
        old_bands = {rid: self._bands_of(m.sig) for rid, m in plan.members.items()
                     if rid in {p.id for p in batch}}
        local = earlier_band_neighbours([p.bands for p in batch])
        outcomes = [plan.add(p, digest, [*cands, *(batch[j].id for j in near)])
                    for p, (digest, cands), near in zip(batch, raw.bands, local, strict=True)]
        # Roles can change as later articles of the batch join a cluster: report the final.
        final = {o.id: plan.role_of(o.id) or o.role for o in outcomes}
        for o in outcomes:
            o.role = final[o.id]
            o.cluster = plan.cluster_of.get(o.id, o.cluster)
        return plan, outcomes, old_bands

    def _read_item(self, p: Prepared) -> tuple[str, bytes, bytes]:
        return p.id, p.sig.values_bytes(), p.bands

    def _bands_of(self, sig: Signature) -> bytes:
        """Packed band entries: per band a uint16 bucket number and a 5-byte field."""
        return packed_bands(sig, self.params)

    # -- removal --------------------------------------------------------------------------
    def remove(self, url: str) -> bool:
        """Remove an article; its cluster is decided again without it."""
        self.check_index()
        aid = self._resolve(url)
        for _ in range(self.settings.write_retries):
            raw = self.store.read_state([(aid, b"", b"")])
            if aid not in raw.records:
                return False
            plan = Plan(raw, self.keys, self.settings, self._prior())
            plan.guards[("g", self.keys.sig(aid), "")] = raw.records[aid].sig
            old_bands = {aid: self._bands_of(plan.members[aid].sig)}
            plan.detach(aid)
            if self.store.apply(plan.guards_list(), plan.ops(old_bands)) is None:
                return True
        raise ConflictError("gave up removing: other writers kept changing its cluster")

    def _resolve(self, url: str) -> str:
        aid = article_id(normalize_url(url))
        alias = self.client.get(self.keys.alias(aid))
        return alias.decode() if alias else aid

    # -- lookup and check -----------------------------------------------------------------
    def lookup(self, urls: list[str]) -> list[LookupResult]:
        """The answer for each URL, in one round trip."""
        norm = []
        for u in urls:
            try:
                norm.append(normalize_url(u))
            except InputError:
                norm.append(u)
        rows = self.store.lookup([article_id(u) for u in norm])
        return [self._result(u, row) for u, row in zip(norm, rows, strict=True)]

    def _result(self, url: str, row: list[Any]) -> LookupResult:
        if len(row) == 1:
            return LookupResult(url=url, indexed=False)
        aid, _rurl, rmeta, cid, cluster_flat, member_flat = row
        aid, cid = aid.decode(), cid.decode()
        meta = ArticleMeta.from_json(rmeta)
        fields = {cluster_flat[i].decode(): cluster_flat[i + 1]
                  for i in range(0, len(cluster_flat), 2)}
        metas = {member_flat[i].decode(): ArticleMeta.from_json(member_flat[i + 2])
                 for i in range(0, len(member_flat), 3) if member_flat[i + 2]}
        verdicts = {k: Verdict.from_json(v) for k, v in fields.items() if len(k) == 16}
        return self._compose(aid, meta, cid, verdicts, metas, indexed=True)

    @staticmethod
    def _compose(aid: str | None, meta: ArticleMeta, cid: str | None,
                 verdicts: dict[str, Verdict], metas: dict[str, ArticleMeta],
                 indexed: bool) -> LookupResult:
        res = LookupResult(url=meta.url, indexed=indexed, id=aid, cluster=cid,
                           first_seen=meta.first_seen or None, title=meta.title,
                           site=meta.site, published=meta.published)
        v = verdicts.get(aid or "")
        if v is None:
            res.role = "unique"
            return res
        res.role = v.role
        res.confidence, res.evidence, res.attributed_to = v.confidence, v.evidence, v.attributed_to
        if v.role == "original":
            res.copies = sorted(
                ({"url": metas[m].url, "site": metas[m].site, "role": mv.role,
                  "similarity": mv.similarity, "containment": mv.containment,
                  "published": metas[m].published}
                 for m, mv in verdicts.items() if m != aid and m in metas
                 and mv.role in ("copy", "partial")),
                key=lambda c: (c["role"], -(c["containment"] or 0), c["url"]))
            return res
        res.similarity, res.containment = v.similarity, v.containment
        if v.original and v.original in metas:
            o = metas[v.original]
            res.original = {"url": o.url, "site": o.site, "title": o.title,
                            "published": o.published}
        return res

    def check(self, item: ArticleInput) -> LookupResult:
        """The answer for a text or page that may not be indexed; writes nothing."""
        self.check_index(claim=False)
        art = self.without_site_templates([self.prepare(item)], learn=False)[0]
        raw = self.store.read_state([self._read_item(art)], min_equal=self._min_equal)
        plan = Plan(raw, self.keys, self.settings, self._prior())
        already = art.id in plan.members
        plan.add(art, *raw.bands[0])
        cid = plan.cluster_of.get(art.id)
        cm = plan.clusters.get(cid or "")
        verdicts = cm.verdicts if cm else {}
        metas = {i: plan.members[i].meta for i in (cm.members if cm else []) if i in plan.members}
        res = self._compose(art.id, art.meta, cid if cm else None, verdicts, metas,
                            indexed=already)
        if not already:
            res.id = None
        return res

    # -- maintenance ----------------------------------------------------------------------
    def stats(self) -> dict[str, int | float]:
        """Counters, and bytes per article split into index+signature and text+metadata."""
        raw = self.client.hgetall(self.keys.stats)
        out: dict[str, int | float] = {k.decode(): int(v) for k, v in raw.items()}
        for name in ("articles", "clusters", "copies", "partials", "originals"):
            out.setdefault(name, 0)
        n = int(out["articles"])
        out["unique"] = n - int(out["copies"]) - int(out["partials"]) - int(out["originals"])
        if n:
            sample = [m.decode() for m in self.client.zrandmember(self.keys.ids, 200) or []]
            pipe = self.client.pipeline(transaction=False)
            for aid in sample:
                pipe.memory_usage(self.keys.sig(aid))
                pipe.memory_usage(self.keys.article(aid))
            usage = pipe.execute()
            sig_b = sum(u or 0 for u in usage[0::2]) / max(1, len(sample))
            art_b = sum(u or 0 for u in usage[1::2]) / max(1, len(sample))
            pipe = self.client.pipeline(transaction=False)
            for b in range(self.params.buckets):
                pipe.memory_usage(self.keys.band(b), samples=0)
            band_b = sum(u or 0 for u in pipe.execute()) / n
            out["bytes_per_article_index_signature"] = round(band_b + sig_b)
            out["bytes_per_article_text_metadata"] = round(art_b)
        return out

    def export(self) -> Iterator[dict[str, object]]:
        """Every article with its cluster and role, in first-seen order."""
        for chunk in self._id_chunks():
            for res in self.lookup_ids(chunk):
                yield {"id": res.id, "url": res.url, "site": res.site, "title": res.title,
                       "published": res.published, "first_seen": res.first_seen,
                       "cluster": res.cluster, "role": res.role,
                       "original": res.original["url"] if res.original else None,
                       "similarity": res.similarity, "containment": res.containment}

    def lookup_ids(self, ids: list[str]) -> list[LookupResult]:
        rows = self.store.lookup(ids)
        return [self._result(i, row) for i, row in zip(ids, rows, strict=True)]

    def text_of(self, article_id: str) -> str | None:
        """The stored text of an article (the lookup service diffs texts)."""
        raw = self.client.hget(self.keys.article(article_id), "t")
        return zlib.decompress(raw).decode() if raw else None

    def cluster(self, cluster_id: str) -> dict[str, Any] | None:
        """A cluster: its original (or None) and every member with its role and scores."""
        fields = self.client.hgetall(self.keys.cluster(cluster_id))
        members = sorted(k.decode() for k in fields if len(k) == 16)
        if not members:
            return None
        original = (fields.get(b"o") or b"").decode() or None
        results = self.lookup_ids(members)
        return {"id": cluster_id, "original": original,
                "members": [r.to_dict() for r in results]}

    # -- crawl runs (recorded by the crawler, shown by stats, the API and the metrics) --------
    def record_crawl_run(self, run: dict[str, Any], keep: int = 1000) -> None:
        key = self.keys.crawl_runs
        self.client.lpush(key, json.dumps(run))
        self.client.ltrim(key, 0, keep - 1)

    def crawl_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The most recent crawl runs, newest first."""
        return [json.loads(r) for r in self.client.lrange(self.keys.crawl_runs, 0, limit - 1)]

    def crawl_run_count(self) -> int:
        return int(self.client.llen(self.keys.crawl_runs))

    def _id_chunks(self, size: int = 200) -> Iterator[list[str]]:
        start = 0
        while True:
            ids = [i.decode() for i in self.client.zrange(self.keys.ids, start, start + size - 1)]
            if not ids:
                return
            yield ids
            start += size

    def texts(self) -> Iterator[tuple[str, str, ArticleMeta]]:
        """(id, text, metadata) of every stored article."""
        for chunk in self._id_chunks():
            pipe = self.client.pipeline(transaction=False)
            for aid in chunk:
                pipe.hmget(self.keys.article(aid), "t", "m")
            for aid, (t, m) in zip(chunk, pipe.execute(), strict=True):
                if t and m:
                    yield aid, zlib.decompress(t).decode(), ArticleMeta.from_json(m)

    def reindex(self) -> int:
        """Rebuild signatures, bands, clusters, site templates and counters from the stored
        texts (after a parameter change). Articles keep their metadata and first-seen times;
        the crawlers' state and run history are kept."""
        items = list(self.texts())
        pattern = f"{self.keys.prefix}*"
        for key in self.client.scan_iter(match=pattern, count=1000):
            if not key.decode().startswith((self.keys.article(""), self.keys.alias(""),
                                            f"{self.keys.prefix}crawl:")):
                self.client.delete(key)
        for aid, _, _ in items:
            self.client.hdel(self.keys.article(aid), "c")
        self._index_checked = False
        count = 0
        items.sort(key=lambda x: x[2].first_seen)
        batch: list[Prepared] = []
        for _, text, meta in items:
            first_seen = meta.first_seen
            art = self.prepare(ArticleInput(
                url=meta.url, text=text, title=meta.title, published=meta.published,
                modified=meta.modified, site=meta.site, site_name=meta.site_name,
                author=meta.author, language=meta.language, canonical_url=meta.canonical_url,
                og_url=meta.og_url, original_source=meta.original_source,
                syndication_source=meta.syndication_source, is_based_on=meta.is_based_on,
                attribution=meta.attribution, wire=meta.wire, source_links=meta.source_links,
                noindex=meta.noindex))
            art.meta.first_seen = first_seen
            batch.append(art)
            if len(batch) >= self.settings.batch_size:
                count += len(self.ingest_prepared(batch))
                batch = []
        if batch:
            count += len(self.ingest_prepared(batch))
        return count

