"""`wiretrace ingest --warc`: index the pages of web archives as a crawl of them would.

Pages are extracted in worker processes with the crawl's own function, in chunks, at most a
few chunks ahead of the writer (memory stays flat whatever the archive's size); drafted
articles are signed in batches in this thread (their sites' template lines learned first) and
written in file order by one writer thread. A WARC written in crawl
order therefore gives the answers the crawl gave. Importing the same archive again changes
nothing (every article comes back ``unchanged``).
"""

import itertools
import multiprocessing
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.pool import AsyncResult

from crawler.run import RunSummary, iso
from crawler.warc import Page, Skipped, records, warc_files
from crawler.work import Result, extract_page
from dedup.engine import Engine
from dedup.lifeline import die_with_parent
from dedup.models import Draft, Outcome

CHUNK = 16  # pages per task sent to a worker


def _extract_chunk(pages: list[Page]) -> list[Result]:
    return [extract_page(p.url, p.body, p.noindex, p.content_type, p.canonical, p.seen)
            for p in pages]


class WarcImport:
    """One import: counts like a crawl's, and the messages of damaged records."""

    def __init__(self, engine: Engine, workers: int = 0) -> None:
        self.engine = engine
        self.workers = workers or os.cpu_count() or 1
        self.counts: Counter[str] = Counter()
        self.written: list[str] = []  # ids of the articles it added or changed
        self.damaged: list[str] = []
        self.started = time.time()

    def run(self, targets: Iterable[str],
            on_page: Callable[[], object] | None = None) -> RunSummary:
        """Import every archive of ``targets`` (files, folders, ``-``); the summary."""
        files = [f for t in targets for f in warc_files(t)]
        pages = self._pages(itertools.chain.from_iterable(records(f) for f in files))
        with ThreadPoolExecutor(1, thread_name_prefix="wiretrace-write") as writer:
            pending: Future[list[Outcome]] | None = None
            batch: list[Draft] = []
            for status, draft, _ in self._extracted(pages):
                if on_page is not None:
                    on_page()
                if draft is None:
                    self.counts["skipped/" + status] += 1
                    continue
                batch.append(draft)
                if len(batch) >= self.engine.settings.batch_size:
                    prepared, batch = self.engine.sign(batch), []
                    self._collect(pending)
                    pending = writer.submit(self.engine.ingest_prepared, prepared)
            self._collect(pending)
            if batch:
                self._collect(writer.submit(self.engine.ingest_prepared, self.engine.sign(batch)))
        return self.summary(", ".join(files))

    def _pages(self, items: Iterator[Page | Skipped]) -> Iterator[Page]:
        for item in items:
            self.counts["records"] += 1
            if isinstance(item, Page):
                self.counts["pages"] += 1
                yield item
                continue
            self.counts["skipped/" + item.reason] += 1
            if item.message:
                self.damaged.append(item.message)
                print(f"wiretrace: {item.message}", file=sys.stderr)

    def _extracted(self, pages: Iterator[Page]) -> Iterator[Result]:
        """Results in page order; extraction in worker processes, a bounded window ahead."""
        chunks = iter(lambda: list(itertools.islice(pages, CHUNK)), [])
        if self.workers <= 1:
            for chunk in chunks:
                yield from _extract_chunk(chunk)
            return
        # fork: started before the writer thread exists, like the engine's bulk ingest
        pool = multiprocessing.get_context("fork").Pool(
            self.workers, initializer=die_with_parent, initargs=(os.getpid(),))
        try:
            window: deque[AsyncResult[list[Result]]] = deque()
            for chunk in chunks:
                window.append(pool.apply_async(_extract_chunk, (chunk,)))
                if len(window) > 2 * self.workers:
                    yield from window.popleft().get()
            while window:
                yield from window.popleft().get()
        finally:
            pool.terminate()
            pool.join()

    def _collect(self, pending: Future[list[Outcome]] | None) -> None:
        if pending is None:
            return
        for o in pending.result():
            self.counts["indexed/" + o.status] += 1
            if o.status != "unchanged":
                self.written.append(o.id)

    def summary(self, source: str) -> RunSummary:
        """The crawl's summary fields (``pages_fetched`` = pages read from the archives)."""
        c = self.counts
        # the roles as they are now: a later article can make an earlier original a copy
        c.update({"role/" + r: n for r, n in self.engine.role_counts(self.written).items()})
        indexed = {k[8:]: v for k, v in c.items() if k.startswith("indexed/")}
        finished = time.time()
        return {
            "source": f"warc:{source}", "started": iso(self.started), "finished": iso(finished),
            "seconds": round(finished - self.started, 2),
            "pages_fetched": c["pages"], "records": c["records"],
            "articles_indexed": sum(indexed.values()),
            "new": indexed.get("new", 0), "updated": indexed.get("updated", 0),
            "unchanged": indexed.get("unchanged", 0),
            "copies": c["role/copy"], "partials": c["role/partial"],
            "skipped": {k[8:]: v for k, v in sorted(c.items()) if k.startswith("skipped/")},
            "damaged": self.damaged, "finish_reason": "finished", "error": None,
        }
