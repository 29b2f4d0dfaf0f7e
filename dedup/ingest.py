"""Writing to the index: ingest (prepare, then one guarded write per batch, retried when
another writer changed what a batch read) and removal.

Example:
    >>> engine = Engine.from_settings(Settings())                     # doctest: +SKIP
    >>> report = engine.ingest([ArticleInput(url="https://a.example/1", text=story)])
    >>> report.outcomes[0].role                                        # doctest: +SKIP
    'unique'
"""

import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial

from dedup.backdating import added_per_site, crossed, led_by_dates, settle
from dedup.citations import read_with_citers
from dedup.codec import GuardName
from dedup.config import Settings
from dedup.errors import ConflictError, DamagedIndexError, IndexBusyError
from dedup.models import ArticleInput, Draft, Outcome, Prepared
from dedup.params import SignatureParams
from dedup.plan import Plan
from dedup.prepare import latest, sign
from dedup.prepool import prepared_batches, resign_touched
from dedup.reads import read_texts
from dedup.signature import earlier_band_neighbours, packed_bands
from dedup.sites import SiteMemory
from dedup.slotreads import torn
from dedup.store import Guard, LeaseHeldError, Op, Store
from dedup.urls import article_id, normalize_url
from dedup.writes import grow_op, guards, ops, split_op

logger = logging.getLogger(__name__)

OnBatch = Callable[[list[Outcome]], None]
AfterWrite = Callable[[Plan, list[Outcome]], None]


@dataclass(slots=True)
class IngestReport:
    """Counts of one ingest call."""

    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (position, message)


class Ingest:
    """The write side of the engine."""

    def __init__(self, store: Store, sites: SiteMemory, settings: Settings,
                 params: SignatureParams, min_equal: int) -> None:
        self.store = store
        self.keys = store.keys
        self.sites = sites
        self.settings = settings
        self.params = params
        self.min_equal = min_equal
        self.token = ""  # the write lease this writer holds ('' for none: reindex sets it)
        # what a successful write owes besides the index (dedup.notices); derived from the
        # plan, so that writing a batch again catches up what a crash left out
        self.after_write: AfterWrite | None = None

    def check_index(self, claim: bool = True) -> None:
        """Refuse an index written with other parameters; stamp an empty one."""
        self.store.check_params(self.params.fingerprint(), claim)

    def ingest(self, items: Iterable[tuple[int, ArticleInput]], workers: int | None = None,
               on_batch: OnBatch | None = None) -> IngestReport:
        """Index (position, article) pairs; a bad item is reported with its position and
        counted, never fatal.

        Preparing (extraction, signatures) runs in ``workers`` processes (setting
        ``ingest_workers``; 0 = one per CPU) once the input exceeds one batch. Batches are
        written one after the other by one writer thread, in input order, while the next
        ones are prepared: the result is the same as ingesting them one by one.
        """
        report = IngestReport()
        n_workers = self.settings.ingest_workers if workers is None else workers
        batches = prepared_batches(items, self.settings, self.params, n_workers)
        # closing: the preparation pool stops here, whatever fails, not when the generator
        # is collected (at exit Pool.terminate can wait for good on threads no longer run)
        with ThreadPoolExecutor(1, thread_name_prefix="wiretrace-write") as writer, \
                closing(batches):
            pending: Future[list[Outcome]] | None = None

            def collect() -> None:
                if pending is not None:
                    outcomes = pending.result()
                    report.outcomes.extend(outcomes)
                    if on_batch:
                        on_batch(outcomes)

            for prepared, errors in batches:
                # each batch checks the index (once it passed, without asking Redis again),
                # also when none of its inputs could be indexed: Redis down fails the ingest
                self.check_index()
                report.errors.extend(errors)
                collect()
                pending = writer.submit(self.write_presigned, prepared) if prepared else None
            collect()
        return report

    def learn(self, drafts: Sequence[Draft]) -> dict[str, set[bytes]]:
        """The template lines to leave out of the drafts' signatures, the drafts' lines
        learned (:meth:`SiteMemory.learn_templates`): call it just before the drafts' batch is
        written. Checks the index first."""
        self.check_index()
        return self.sites.learn_templates(drafts)

    def sign(self, drafts: list[Draft]) -> list[Prepared]:
        """Drafts ready to write, in this thread: one per id, template lines learned and
        left out of their signatures."""
        drafts = latest(drafts)
        templates = self.learn(drafts)
        return [sign(d, self.params, templates.get(d.meta.site, ())) for d in drafts]

    def write_presigned(self, batch: list[Prepared]) -> list[Outcome]:
        """:meth:`write` a batch signed as if no site had template lines: its templates are
        learned just before the write (a re-run after a kill learns them again, adding nothing),
        and the articles they touch are signed again."""
        return self.write(resign_touched(batch, self.learn(batch), self.params))

    def write(self, batch: list[Prepared]) -> list[Outcome]:
        """Two round trips: read the snapshot, then one guarded atomic write; retried when
        another writer changed what was read. Nothing is signed here."""
        self.check_index()
        batch = list({p.id: p for p in batch}.values())  # the last version of a URL wins
        attempt, torn_only = 0, True
        while attempt < self.settings.write_retries:
            planned = self._plan(batch)
            if planned is None:  # read half of another write: settled, read again
                attempt += 1
                continue
            plan, outcomes, old_bands = planned
            failed = self.apply(guards(plan), ops(plan, old_bands)
                                + grow_op(plan, self.params.bands, self.settings.band_bucket_fill),
                                plan.raw.buckets)
            if failed is None:
                if self.after_write is not None:
                    self.after_write(plan, outcomes)
                self._decide_again(added_per_site(plan))
                return outcomes
            logger.debug("batch of %d: guard %d changed, retry %d", len(batch), failed, attempt)
            torn_only = False
            time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
            attempt += 1
        if torn_only:  # every read found a cluster member with no record: it is gone
            raise DamagedIndexError()
        raise ConflictError(f"gave up after {self.settings.write_retries} retries: other "
                            "writers kept changing the same clusters")

    def _decide_again(self, added: Counter[str]) -> None:
        """Once a write brings a site to the ``backdated`` count that makes its dates a
        republisher's, the clusters earlier writes decided that its article leads without
        attribution are decided again, as if the site had been known then (its copy index
        lists them: the newest 256 copies of its articles)."""
        grown = {s for s, n in added.items() if n > 0}
        if not grown or self.sites.prior() is None:  # no prior: nothing decides otherwise
            return
        for site in crossed(added, self.sites.backdated(grown)):
            ids = self.sites.copied_articles(site)
            if not ids:
                continue
            for _ in range(self.settings.write_retries):
                if (plan := self._read_plan([(i, b"", b"") for i in ids])) is None:
                    continue
                led = led_by_dates(plan, site)
                for cid in led:
                    plan.decide_again(cid)
                if not led or self.apply(guards(plan), ops(plan, {}), plan.raw.buckets) is None:
                    if led and self.after_write is not None:
                        self.after_write(plan, [])
                    logger.debug("%s dates its copies early: %d clusters decided again",
                                 site, len(led))
                    break

    def apply(self, guards: list[Guard], ops: list[Op], buckets: int | None = None
              ) -> int | None:
        """One guarded write under this writer's lease, its band keys computed for
        ``buckets`` band hashes: None, or the position of the guard that failed. While another
        process holds the write lease, waits (``lease_wait``) for it, then answers 0: what the
        plan read may have been rebuilt, plan again."""
        try:
            return self.store.apply(guards, ops, self.token, buckets)
        except LeaseHeldError as exc:
            if self.token:
                raise IndexBusyError(f"lost the write lease to {exc.holder or 'nobody'}; "
                                     "run `wiretrace reindex` again") from exc
            self._wait_for_lease(exc.holder)
            return 0

    def grow(self) -> int:
        """Add band hashes until they hold at most ``band_bucket_fill`` entries each on
        average (every write grows them as it goes; this finishes at once what a lowered
        setting asks). Returns the band hash count."""
        self.check_index()
        while True:
            buckets, articles = self.store.layout()
            op = split_op(self.keys, buckets, articles * self.params.bands,
                          self.settings.band_bucket_fill)
            if op is None:
                return buckets
            self.apply([], [op], buckets)

    def _read_plan(self, articles: list[tuple[str, bytes, bytes]], min_equal: int = 8
                   ) -> Plan | None:
        """A plan on a snapshot of ``articles`` and what they need (outside citers included),
        or None when the snapshot is torn (:func:`dedup.slotreads.torn`): then the write left
        half done is finished first (taking the lease replays a dead writer's journal, or
        waits for a live one), for the caller to read again."""
        raw = read_with_citers(self.store, articles, min_equal)
        plan = Plan(raw, self.keys, self.settings, self.sites.prior())
        if self.keys.sharded and torn(plan):
            logger.debug("read half of another write: settling it, then reading again")
            self.apply([], [], None)
            return None
        plan.shapes.read_texts = partial(read_texts, self.store)
        return plan

    def _wait_for_lease(self, holder: str) -> None:
        logger.info("waiting for the write lease held by %s", holder)
        deadline = time.monotonic() + self.settings.lease_wait
        while self.store.client.exists(self.keys.lease):
            if time.monotonic() > deadline:
                raise IndexBusyError(
                    f"the index is being rebuilt (write lease held by {holder}); retry when "
                    "`wiretrace reindex` has finished")
            time.sleep(0.1)

    def _plan(self, batch: list[Prepared]
              ) -> tuple[Plan, list[Outcome], dict[str, bytes]] | None:
        """The batch decided on a snapshot; None when the snapshot was torn (settled)."""
        plan = self._read_plan([(p.id, p.sig.values_bytes(), p.bands) for p in batch],
                               self.min_equal)
        if plan is None:
            return None
        plan.expect_sites({p.meta.site for p in batch})
        ids = {p.id for p in batch}
        old_bands = {rid: packed_bands(m.sig, self.params) for rid, m in plan.members.items()
                     if rid in ids}
        local = earlier_band_neighbours([p.bands for p in batch])
        outcomes = [plan.add(p, digest, [*cands, *(batch[j].id for j in near)]) for p,
                    (digest, cands), near in zip(batch, plan.raw.bands, local, strict=True)]
        settle(plan)
        # Roles can change as later articles of the batch join a cluster: report the final.
        final = {o.id: plan.role_of(o.id) or o.role for o in outcomes}
        for o in outcomes:
            o.role = final[o.id]
            o.cluster = plan.cluster_of.get(o.id, o.cluster)
        return plan, outcomes, old_bands

    def remove(self, url: str) -> bool:
        """Remove an article; its cluster is decided again without it."""
        self.check_index()
        aid = self.store.resolve(article_id(normalize_url(url)))
        for _ in range(self.settings.write_retries):
            if (plan := self._read_plan([(aid, b"", b"")])) is None:
                continue
            raw = plan.raw
            if aid not in raw.records:
                return False
            plan.guards[(GuardName.GET, self.keys.sig(aid), "")] = raw.records[aid].sig
            old_bands = {aid: packed_bands(plan.members[aid].sig, self.params)}
            plan.detach(aid)
            if self.apply(guards(plan), ops(plan, old_bands), raw.buckets) is None:
                if self.after_write is not None:
                    self.after_write(plan, [])
                return True
        raise ConflictError("gave up removing: other writers kept changing its cluster")
