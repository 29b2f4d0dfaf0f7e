"""The engine: one object that wires the parts over one Redis namespace. The public API of
wiretrace.

- :class:`dedup.ingest.Ingest`: ingest and remove;
- :class:`dedup.lookup.Lookup`: answers for URLs, ids, clusters and unindexed texts;
- :class:`dedup.admin.Admin`: counters, export, reindex, the crawl-run log;
- :class:`dedup.sites.SiteMemory`: what the index knows of each site.

Example:
    >>> from dedup.config import Settings
from dedup.copyindex import SiteCopies, SiteReport
    >>> from dedup.engine import Engine
    >>> engine = Engine.from_settings(Settings())                     # doctest: +SKIP
    >>> engine.ingest([ArticleInput(url="https://a.example/1", text=story)])  # doctest: +SKIP
    >>> engine.lookup(["https://b.example/copy"])[0].role              # doctest: +SKIP
    'copy'
"""

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence

import redis

from dedup.admin import Admin
from dedup.config import Settings
from dedup.copyindex import SiteCopies, SiteReport
from dedup.errors import InputError
from dedup.ingest import Ingest, IngestReport, OnBatch
from dedup.keys import Keys
from dedup.lookup import Lookup
from dedup.models import ArticleInput, Draft, Outcome, Prepared
from dedup.notices import Notices
from dedup.params import PARAMS, SignatureParams
from dedup.prepare import draft_article, sign
from dedup.redisconn import connect, is_cluster
from dedup.results import ClusterResult, IndexStats, JsonObject, LookupResult
from dedup.scoring import MIN_SIMILARITY
from dedup.sites import SiteMemory
from dedup.store import Store
from dedup.watches import Watches

__all__ = ["Engine", "IngestReport"]


class Engine:
    """Near-duplicate index and provenance decisions over one Redis namespace."""

    def __init__(self, client: redis.Redis, settings: Settings,
                 params: SignatureParams = PARAMS) -> None:
        self.client = client
        self.settings = settings
        self.params = params
        self.keys = Keys(settings.namespace, sharded=is_cluster(client))
        self.store = Store(client, self.keys, settings.lease_ttl)
        self.sites = SiteMemory(client, self.store, self.keys, settings)
        # Candidates with fewer equal MinHash values cannot be related (see scoring.related).
        min_equal = math.ceil(MIN_SIMILARITY * params.num_perm)
        self.writer = Ingest(self.store, self.sites, settings, params, min_equal)
        self.reader = Lookup(client, self.store, self.sites, settings, params, min_equal)
        self.notices = Notices(client, self.keys)
        self.writer.after_write = self.notices.after_write
        self.watches = Watches(client, self.keys)
        self.site_copies = SiteCopies(client, self.keys, self.reader)
        self.admin = Admin(client, self.keys, settings, params, self.reader, self.writer)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Engine":
        """Connect (REDIS_URL, or the embedded server) and build an engine."""
        settings = settings or Settings()
        return cls(connect(settings), settings)

    # -- writing ----------------------------------------------------------------------------
    def check_index(self, claim: bool = True) -> None:
        """Refuse an index written with other parameters; stamp an empty one."""
        self.writer.check_index(claim)

    def prepare(self, item: ArticleInput) -> Prepared:
        """An input checked and signed alone, without its site's template (CPU only)."""
        return sign(draft_article(item, self.settings), self.params)

    def ingest(self, items: Iterable[ArticleInput], workers: int | None = None,
               on_batch: OnBatch | None = None) -> IngestReport:
        """Index articles in batches; see :meth:`Ingest.ingest`."""
        return self.writer.ingest(enumerate(items), workers, on_batch)

    def ingest_numbered(self, items: Iterable[tuple[int, ArticleInput]],
                        workers: int | None = None,
                        on_batch: OnBatch | None = None) -> IngestReport:
        """Index (position, article) pairs; errors are reported with their position."""
        return self.writer.ingest(items, workers, on_batch)

    def sign(self, drafts: list[Draft]) -> list[Prepared]:
        """Drafts made elsewhere (the crawler's workers) signed in this thread, one per id,
        their sites' template lines learned and left out; see :meth:`Ingest.sign`."""
        return self.writer.sign(drafts)

    def ingest_prepared(self, batch: list[Prepared]) -> list[Outcome]:
        """Write articles already signed (:meth:`Ingest.sign`): one guarded write."""
        return self.writer.write(batch)

    def remove(self, url: str) -> bool:
        """Remove an article; its cluster is decided again without it."""
        return self.writer.remove(url)

    # -- answers ----------------------------------------------------------------------------
    def lookup(self, urls: list[str]) -> list[LookupResult]:
        return self.reader.lookup(urls)

    def lookup_ids(self, ids: list[str]) -> list[LookupResult]:
        return self.reader.lookup_ids(ids)

    def check(self, item: ArticleInput) -> LookupResult:
        return self.reader.check(item)

    def check_many(self, items: Sequence[ArticleInput]) -> list[LookupResult | InputError]:
        """:meth:`check` of many inputs, each as if alone, read in the round trips of one;
        an input that cannot be checked gives its error in its place."""
        return self.reader.check_many(items)

    def cluster(self, cluster_id: str) -> ClusterResult | None:
        return self.reader.cluster(cluster_id)

    def text_of(self, article_id: str) -> str | None:
        return self.reader.text_of(article_id)

    def site_report(self, site: str, offset: int = 0, limit: int = 20) -> SiteReport:
        """A site's republished articles (newest copies first), republishers, weeks."""
        return self.site_copies.report(site, offset, limit)

    # -- maintenance ------------------------------------------------------------------------
    def stats(self) -> IndexStats:
        return self.admin.stats()

    def export(self) -> Iterator[JsonObject]:
        return self.admin.export()

    def role_counts(self, ids: list[str]) -> Counter[str]:
        """How many of these articles hold each role now (see :meth:`Admin.role_counts`)."""
        return self.admin.role_counts(ids)

    def reindex(self) -> int:
        return self.admin.reindex()

    def fsck(self, repair: bool = False) -> dict[str, int]:
        return self.admin.fsck(repair)

    def grow(self) -> int:
        """Add band hashes up to the setting ``band_bucket_fill`` (writes do it as they go);
        the band hash count."""
        return self.writer.grow()

    def record_crawl_run(self, run: Mapping[str, object], keep: int = 1000) -> None:
        self.admin.record_crawl_run(run, keep)

    def crawl_runs(self, limit: int = 20) -> list[JsonObject]:
        return self.admin.crawl_runs(limit)

    def crawl_run_count(self) -> int:
        return self.admin.crawl_run_count()
