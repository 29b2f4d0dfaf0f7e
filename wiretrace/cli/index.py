"""The index commands: ingest, lookup, check, stats, export, remove, reindex, fsck,
extract."""

import argparse
import itertools
import json
import logging
import re
import sys

import redis
from tqdm import tqdm

from dedup.config import Settings
from dedup.engine import Engine
from dedup.errors import ConflictError, InputError, StoreUnavailableError, WiretraceError
from dedup.models import ArticleInput, Outcome
from wiretrace.cli.jsonl import open_input, read_jsonl, readable
from wiretrace.cli.output import print_results

# Stands for the page's address when none is given: a path shaped like an article's, so that
# the URL rules (home, section, tag, search pages) judge nothing and the content decides.
NO_URL = "https://unknown.invalid/local/article.html"
logger = logging.getLogger("wiretrace.ingest")
_HTML_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)


def looks_like_html(content: str) -> bool:
    """An HTML page rather than a text: it starts like one (a doctype, ``<html>``, ``<head>``
    or ``<body>``, after comments), or it is mostly markup with paragraphs."""
    if _HTML_START.match(content[:4096]):
        return True
    tags = len(re.findall(r"</?(?:p|div|span|a|br|article)\b[^>]*>", content[:65536], re.I))
    return tags >= 5 and content.count("<p") >= 2


def _progress(desc: str) -> tqdm:
    """A progress bar on a terminal, nothing when stderr is a file or a pipe."""
    return tqdm(desc=desc, unit="art", disable=not sys.stderr.isatty(), leave=False)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    if args.warc:
        return cmd_ingest_warc(args, settings)
    engine = Engine.from_settings(settings)
    errors: list[tuple[int, str]] = []
    counts: dict[str, int] = {}
    bar = _progress("ingest")

    written: list[str] = []  # the articles this run changed: their roles are counted at the end

    def on_batch(outcomes: list[Outcome]) -> None:
        for o in outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
            if o.status != "unchanged":
                written.append(o.id)
        counts["committed"] = counts.get("committed", 0) + len(outcomes)
        # batches are written in input order: these are the first N articles of the input
        logger.info("committed %d articles so far", counts["committed"])
        bar.update(len(outcomes))

    try:
        report = engine.ingest_numbered(read_jsonl(args.jsonl, errors), on_batch=on_batch)
        # as they are now: a later article of the input can make an earlier original a copy
        counts.update({"role:" + r: n for r, n in engine.role_counts(written).items()})
    except (StoreUnavailableError, ConflictError, redis.RedisError) as exc:
        bar.close()
        why = f"Redis is unavailable: {exc}" if isinstance(exc, redis.RedisError) else str(exc)
        if "used memory > 'maxmemory'" in str(exc):  # noeviction: reads still work
            why = ("Redis is full: it refused a write at its maxmemory (REDIS_MAXMEMORY under "
                   "compose; raise it or free memory; lookups still work)")
        # one line (cli.main prints it): what failed, and what is safe already
        line = (f"{why}; {counts.get('committed', 0)} articles were committed before it (the "
                "first ones of the input); running the same input again finishes the rest")
        raise (ConflictError(line) if isinstance(exc, ConflictError)
               else StoreUnavailableError(line)) from exc
    errors += report.errors
    bar.close()
    for lineno, msg in sorted(errors):
        print(f"line {lineno}: skipped: {msg}", file=sys.stderr)
    ok = counts.get("new", 0) + counts.get("updated", 0) + counts.get("unchanged", 0)
    roles = ", ".join(f"{k[5:]} {v}" for k, v in sorted(counts.items()) if k.startswith("role:"))
    print(f"ingested {ok} articles: {counts.get('new', 0)} new, {counts.get('updated', 0)} "
          f"updated, {counts.get('unchanged', 0)} unchanged; {len(errors)} lines skipped"
          + (f"; roles: {roles}" if roles else ""), file=sys.stderr)
    return 0


def cmd_ingest_warc(args: argparse.Namespace, settings: Settings) -> int:
    from crawler.run import print_summary, record_run
    from crawler.warc_import import WarcImport

    engine = Engine.from_settings(settings)
    job = WarcImport(engine, settings.ingest_workers)
    bar = _progress("import")
    try:
        summary = job.run(args.warc, on_page=lambda: bar.update(1))
    except FileNotFoundError as exc:
        print(f"wiretrace: error: {exc}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    record_run(summary, engine)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print_summary([summary], file=sys.stderr)
    return 0


def cmd_lookup(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine.from_settings(settings)
    print_results(engine.lookup(args.urls), args.json)
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine.from_settings(settings)
    results = []
    status = 0
    if args.jsonl:
        errors: list[tuple[int, str]] = []
        lines = read_jsonl(args.jsonl, errors)
        # a batch's reads in the round trips of one check
        while batch := list(itertools.islice(lines, settings.batch_size)):
            for (lineno, _), res in zip(batch, engine.check_many([i for _, i in batch]),
                                        strict=True):
                if isinstance(res, InputError):
                    errors.append((lineno, str(res)))
                else:
                    results.append(res)
        for lineno, msg in sorted(errors):
            print(f"line {lineno}: skipped: {msg}", file=sys.stderr)
    else:
        with open_input(args.file) as fh:
            content = fh.read()
        if "\0" in content[:4096]:  # a binary file read as text got an answer ("unique")
            raise WiretraceError(f"{args.file} is binary, not a text or an HTML page")
        url = args.url or NO_URL
        item = ArticleInput(url=url, html=content) if args.html or looks_like_html(content) \
            else ArticleInput(url=url, text=content)
        try:
            res = engine.check(item)
            if res.url == NO_URL and not args.json:  # the text's answer, not a made-up URL
                res.url = "standard input" if args.file == "-" else args.file
            results.append(res)
        except InputError as exc:
            print(f"wiretrace: error: {exc}", file=sys.stderr)
            status = 2
    print_results(results, args.json)
    return status


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine.from_settings(settings)
    stats = engine.stats().to_dict()
    runs = engine.crawl_runs(10)
    if args.json:
        print(json.dumps({**stats, "crawl_runs": runs}))
        return 0
    for k, v in stats.items():
        print(f"{k:<36} {v}")
    for r in runs:
        skipped = r.get("skipped")  # a reason (a start the scheduler skipped) or counts
        what = r.get("error") or (skipped if isinstance(skipped, str) else None) or (
            f"{r.get('pages_fetched', 0)} pages, {r.get('articles_indexed', 0)} articles, "
            f"{r.get('copies', 0)} copies, {r.get('partials', 0)} partials")
        print(f"crawl run  {r.get('source')}  {r.get('started')} .. {r.get('finished')}  {what}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    for row in Engine.from_settings(settings).export():
        print(json.dumps(row, ensure_ascii=False))
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    engine = Engine.from_settings(settings)
    status = 0
    for url in args.urls:
        if engine.remove(url):
            print(f"removed {url}", file=sys.stderr)
        else:
            print(f"not indexed: {url}", file=sys.stderr)
            status = 1
    return status


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    n = Engine.from_settings(settings).reindex()
    print(f"reindexed {n} articles", file=sys.stderr)
    return 0


def cmd_fsck(args: argparse.Namespace, settings: Settings) -> int:
    problems = Engine.from_settings(settings).fsck(repair=args.repair)
    for name, n in problems.items():
        print(f"{n} {name}")
    if not problems:
        print("index consistent", file=sys.stderr)
    return 1 if problems else 0


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    from dedup.extraction import extract

    if args.page == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(readable(args.page), "rb") as fh:
            raw = fh.read()
    try:
        art = extract(raw, args.url or NO_URL)
    except InputError as exc:
        print(f"wiretrace: error: {exc}", file=sys.stderr)
        return 2
    data = {k: v for k, v in asdict(art).items() if k != "html"}
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        for k, v in data.items():
            if k != "text" and v not in (None, [], False):
                print(f"{k}: {v}")
        print("\n" + (art.text or ""))
    return 0
