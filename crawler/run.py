"""`wiretrace crawl`: crawl sources until done, with a progress line and a summary.

Every named source runs as one Scrapy crawler of the ``articles`` spider, all in one
CrawlerProcess (one reactor, one DNS resolver); each run is recorded in Redis.
"""

import gc
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NotRequired, TextIO, TypedDict

# Scrapy's HTTP handler defines deprecated aliases whose module is found with
# inspect.stack(): imported deep in the crawler's start-up that read the source of every
# frame (a second of CPU); imported here, a tenth of that
import scrapy.core.downloader.handlers.http11  # noqa: F401
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings as ScrapySettings
from twisted.python.failure import Failure

from crawler.sources import Source, load_sources
from crawler.spiders.articles import ArticlesSpider

if TYPE_CHECKING:
    from dedup.engine import Engine

PREFIX = "wiretrace/"


class RunSummary(TypedDict):
    """What one source's crawl did (``wiretrace crawl --json`` prints one per source)."""

    source: str
    started: str
    finished: str
    seconds: float
    pages_fetched: int
    articles_indexed: int
    new: int
    updated: int
    unchanged: int
    copies: int
    partials: int
    skipped: dict[str, int]
    finish_reason: str | None
    error: str | None
    records: NotRequired[int]  # a WARC import (crawler.warc_import): records read
    damaged: NotRequired[list[str]]  # ... and what was wrong with the damaged ones


@dataclass
class SourceRun:
    source: str
    started: float
    finished: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)  # Scrapy's stats
    error: str | None = None

    def summary(self) -> RunSummary:
        s = self.stats
        skipped = {k[len(PREFIX) + 8:]: v for k, v in s.items()
                   if k.startswith(PREFIX + "skipped/")}
        for k, v in s.items():  # Scrapy's own drops: robots.txt and offsite
            if k == "offsite/filtered":
                skipped["offsite"] = skipped.get("offsite", 0) + v
        indexed = {k[len(PREFIX) + 8:]: v for k, v in s.items()
                   if k.startswith(PREFIX + "indexed/")}
        return {
            "source": self.source,
            "started": iso(self.started), "finished": iso(self.finished),
            "seconds": round(self.finished - self.started, 2),
            "pages_fetched": s.get("downloader/response_count", 0),
            "articles_indexed": sum(indexed.values()),
            "new": indexed.get("new", 0), "updated": indexed.get("updated", 0),
            "unchanged": indexed.get("unchanged", 0),
            "copies": s.get(PREFIX + "role/copy", 0),
            "partials": s.get(PREFIX + "role/partial", 0),
            "skipped": dict(sorted(skipped.items())),
            "finish_reason": s.get("finish_reason"),
            "error": self.error,
        }


def iso(t: float) -> str:
    """A unix time as ISO 8601 UTC (empty for 0)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)) if t else ""


def scrapy_settings(overrides: Mapping[str, object] | None = None) -> ScrapySettings:
    settings = ScrapySettings()
    settings.setmodule("crawler.settings", priority="project")
    for k, v in (overrides or {}).items():
        settings.set(k, v, priority="cmdline")
    return settings


def crawl(sources_file: str | Path | None, names: list[str] | None = None,
          overrides: Mapping[str, object] | None = None, progress: bool | None = None,
          loaded: Mapping[str, Source] | None = None) -> list[RunSummary]:
    """Crawl the named sources (all when none) until done; return one summary per source.

    The file is read once, here (or by the caller, who passes what it read as ``loaded``),
    and every source's spider gets its part of it."""
    sources = load_sources(sources_file) if loaded is None else loaded
    unknown = [n for n in names or [] if n not in sources]
    if unknown:
        raise ValueError(f"no source named {', '.join(map(repr, unknown))} in "
                         f"{sources_file} (sources: {', '.join(sources)})")
    chosen = names or list(sources)
    settings = scrapy_settings(overrides)
    if sources_file:
        settings.set("WIRETRACE_SOURCES", str(sources_file), priority="cmdline")
    process = CrawlerProcess(settings)
    runs: list[tuple[SourceRun, Crawler]] = []
    for name in chosen:
        crawler = process.create_crawler(ArticlesSpider)
        run = SourceRun(name, time.time())
        runs.append((run, crawler))
        d = process.crawl(crawler, source=name, sources=str(sources_file or ""),
                          loaded=sources)
        d.addErrback(_failed, run)
        d.addBoth(_finished, run, crawler)
    show = sys.stderr.isatty() if progress is None else progress
    if show:
        _progress(runs)
    # the extraction workers fork now, before the reactor and its threads run
    from crawler.indexer import discard_prestarted, prestart_pool

    # the objects of start-up (imported code, the crawlers: 10^5 or more) are never garbage:
    # out of the collector's sight, its full passes in the crawl process and in the workers
    # forked from it walk only what the crawl makes, and the memory the workers share with
    # this process stays shared (no gc.collect() first: a full pass costs 0.1-0.2 s)
    gc.freeze()
    if settings.getbool("WIRETRACE_INDEX_ENABLED"):
        prestart_pool(settings.getint("WIRETRACE_EXTRACT_WORKERS") or os.cpu_count() or 1)
    try:
        process.start()
    finally:
        discard_prestarted()
    if show:
        print(file=sys.stderr)
    out = []
    for run, crawler in runs:
        _final_roles(run, crawler)
        summary = run.summary()
        out.append(summary)
        record_run(summary)
    return out


def _failed(failure: Failure, run: SourceRun) -> None:
    run.error = failure.getErrorMessage()


def _finished(_: object, run: SourceRun, crawler: Crawler) -> None:
    run.finished = time.time()
    if crawler.stats is not None:
        run.stats = dict(crawler.stats.get_stats())


def _final_roles(run: SourceRun, crawler: Crawler) -> None:
    """The run's roles as they are once every source's last batch is written (a later
    article, of this source or another, can make an earlier original a copy)."""
    from crawler.extensions.index import IndexExtension

    try:
        ext = crawler.get_extension(IndexExtension)
        if ext is None or not ext.written:
            return
        counts = ext.engine.role_counts(ext.written)
    except Exception as exc:  # the roles as written stay
        print(f"wiretrace: could not count the final roles of {run.source}: {exc}",
              file=sys.stderr)
        return
    for role in ("copy", "partial", "original"):
        run.stats[f"{PREFIX}role/{role}"] = counts.get(role, 0)


def _progress(runs: list[tuple[SourceRun, Crawler]]) -> None:
    from twisted.internet import task

    def tick() -> None:
        fetched = indexed = skipped = 0
        for _, crawler in runs:
            stats = crawler.stats.get_stats() if crawler.stats else {}
            fetched += stats.get("downloader/response_count", 0)
            indexed += sum(v for k, v in stats.items() if k.startswith(PREFIX + "indexed/"))
            skipped += sum(v for k, v in stats.items() if k.startswith(PREFIX + "skipped/"))
        print(f"\rcrawling {len(runs)} source(s): {fetched} pages fetched, {indexed} articles "
              f"indexed, {skipped} skipped", end="", file=sys.stderr, flush=True)

    loop = task.LoopingCall(tick)
    loop.start(0.5)


def record_run(summary: Mapping[str, object], engine: "Engine | None" = None) -> None:
    """Keep the run in Redis (newest first, last 1000), for `wiretrace stats` and the API;
    through ``engine`` when the caller has one, else one built from the settings."""
    try:
        from dedup.config import Settings
        from dedup.engine import Engine

        (engine or Engine.from_settings(Settings())).record_crawl_run(dict(summary))
    except Exception as exc:  # a run that cannot be recorded is still a run
        print(f"wiretrace: could not record the crawl run: {exc}", file=sys.stderr)


def print_summary(summaries: list[RunSummary], file: TextIO = sys.stdout) -> None:
    for s in summaries:
        print(f"{s['source']}: {s['pages_fetched']} pages fetched, {s['articles_indexed']} "
              f"articles indexed ({s['new']} new, {s['updated']} updated, {s['unchanged']} "
              f"unchanged), {s['copies']} copies and {s['partials']} partials found, "
              f"{s['seconds']} s", file=file)
        if s["skipped"]:
            print("  skipped: " + ", ".join(f"{k} {v}" for k, v in s["skipped"].items()),
                  file=file)
        if s["error"]:
            print(f"  error: {s['error']}", file=file)
