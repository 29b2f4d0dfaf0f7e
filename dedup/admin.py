"""Looking after an index: counters and memory, export, reindex, and the crawl-run log."""

import json
import time
from collections import Counter
from collections.abc import Iterator, Mapping

import redis

from dedup.codec import ArticleField
from dedup.config import Settings
from dedup.fsck import Fsck
from dedup.ingest import Ingest
from dedup.keys import Keys
from dedup.lookup import Lookup
from dedup.models import ArticleMeta
from dedup.params import SignatureParams
from dedup.redisconn import data_memory
from dedup.reindex import Reindex
from dedup.results import IndexStats, JsonObject
from dedup.texts import unpack_text

COUNTERS = ("articles", "clusters", "copies", "partials", "originals")
# What Redis spends per article on the index beyond the signature's bytes, measured with
# MEMORY USAGE over 2,000 distinct articles (Redis 7): a signature string's key, entry and
# allocation; and per band, an entry of its band hash (5-byte field, 8-byte id, listpack
# headers).
_SIGNATURE_OVERHEAD = 188
_BAND_ENTRY = 21


class Admin:
    """Maintenance of one index namespace."""

    def __init__(self, client: redis.Redis, keys: Keys, settings: Settings,
                 params: SignatureParams, lookup: Lookup, ingest: Ingest) -> None:
        self.client = client
        self.keys = keys
        self.settings = settings
        self.params = params
        self.lookup = lookup
        self.ingest = ingest

    def counts(self) -> IndexStats:
        """The counters every write keeps (one round trip; the metrics read these)."""
        raw = self.client.hgetall(self.keys.stats)
        counts = {k.decode(): int(v) for k, v in raw.items()}
        return IndexStats(**{name: counts.get(name, 0) for name in COUNTERS})

    def stats(self) -> IndexStats:
        """The counters, and bytes per article split into index+signature and text+metadata.

        Bytes are estimates, two round trips whatever the index's size: the server's memory
        for data (``INFO memory``: used_memory less used_memory_startup) per article; of
        that, index+signature is what the signature parameters fix (a signature string per
        article, an entry in each of its bands' hashes), the rest is text, metadata and
        everything else the server holds (site templates, clusters, other namespaces).
        """
        stats = self.counts()
        if stats.articles:
            used = data_memory(self.client)
            per_article = max(0.0, used / stats.articles)
            p = self.params
            index = min(float(_SIGNATURE_OVERHEAD + 12 + 4 * p.num_perm
                              + p.bands * _BAND_ENTRY), per_article)
            stats.bytes_per_article_index_signature = round(index)
            stats.bytes_per_article_text_metadata = round(per_article - index)
        return stats

    def export(self) -> Iterator[JsonObject]:
        """Every article with its cluster and role, in first-seen order."""
        for chunk in self._id_chunks():
            for res in self.lookup.lookup_ids(chunk):
                yield {"id": res.id, "url": res.url, "site": res.site, "title": res.title,
                       "published": res.published, "first_seen": res.first_seen,
                       "cluster": res.cluster, "role": res.role,
                       "original": res.original["url"] if res.original else None,
                       "similarity": res.similarity, "containment": res.containment}

    def role_counts(self, ids: list[str], chunk: int = 500) -> Counter[str]:
        """How many of these articles hold each role now (a run's summary counts its roles
        once its last batch is written: a later article can make an earlier original a
        copy). Articles no longer indexed are not counted."""
        ids = list(dict.fromkeys(ids))
        counts: Counter[str] = Counter()
        for k in range(0, len(ids), chunk):
            counts.update(r.role for r in self.lookup.lookup_ids(ids[k:k + chunk])
                          if r.indexed and r.role)
        return counts

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
                pipe.hmget(self.keys.article(aid), [ArticleField.TEXT, ArticleField.META])
            for aid, (t, m) in zip(chunk, pipe.execute(), strict=True):
                if t and m:
                    yield aid, unpack_text(t), ArticleMeta.from_json(m)

    def reindex(self) -> int:
        """Rebuild signatures, bands, clusters, site templates and counters from the stored
        texts (after a parameter change; migrates a v1 index), under the write lease; can be
        killed and run again (see :mod:`dedup.reindex`). Articles keep their metadata and
        first-seen times; the crawlers' state and run history are kept. The band hashes
        grow as it writes, and up to ``band_bucket_fill`` at the end."""
        written = Reindex(self.client, self.keys, self.settings, self.ingest).run()
        self.ingest.grow()
        return written

    def fsck(self, repair: bool = False) -> dict[str, int]:
        """Problems found, by class (empty: consistent). With ``repair``: ids and records
        made to match, stray signatures dropped, then everything derived rebuilt from the
        stored texts (:meth:`reindex`); answers what is left."""
        check = Fsck(self.client, self.keys, self.params)
        problems = check.run()
        if not problems or not repair:
            return problems
        k = self.keys
        ids = {i.decode() for i in self.client.zrange(k.ids, 0, -1)}
        records = check.scan_ids("article:")
        for aid in ids - records:
            self.client.zrem(k.ids, aid)
        now = time.time()
        for aid in records - ids:
            self.client.zadd(k.ids, {aid: now}, nx=True)
        for aid in check.scan_ids("sig:") - records:
            self.client.unlink(k.sig(aid))
        self.reindex()
        return check.run()

    # -- crawl runs (recorded by the crawler, shown by stats, the API and the metrics) --------
    def record_crawl_run(self, run: Mapping[str, object], keep: int = 1000) -> None:
        """Keep a crawl run's summary (a JSON object), the last ``keep`` runs."""
        key = self.keys.crawl_runs
        self.client.lpush(key, json.dumps(run))
        self.client.ltrim(key, 0, keep - 1)

    def crawl_runs(self, limit: int = 20) -> list[JsonObject]:
        """The most recent crawl runs, newest first."""
        return [json.loads(r) for r in self.client.lrange(self.keys.crawl_runs, 0, limit - 1)]

    def crawl_run_count(self) -> int:
        return int(self.client.llen(self.keys.crawl_runs))
