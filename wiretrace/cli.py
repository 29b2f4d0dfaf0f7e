"""`wiretrace`: the command line face of the engine. Only parsing and printing live here."""

import argparse
import json
import logging
import os
import re
import signal
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

import redis

from dedup.config import Settings
from dedup.errors import InputError, WiretraceError
from dedup.models import SIGNAL_LISTS, ArticleInput, LookupResult

logger = logging.getLogger("wiretrace")


def _open(path: str) -> TextIO:
    return sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")


def parse_line(line: str) -> ArticleInput:
    """One JSONL line to an input; raises InputError naming what is wrong."""
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError("not a JSON object")
    if not isinstance(data.get("url"), str) or not data["url"].strip():
        raise InputError("`url` is required")
    if not isinstance(data.get("text"), str) and not isinstance(data.get("html"), str):
        raise InputError("one of `text` or `html` is required")
    known = ArticleInput.field_names()
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known or value is None:
            continue
        if key in SIGNAL_LISTS:
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"`{key}` must be a string or a list of strings")
        elif key == "noindex":
            value = bool(value)
        elif not isinstance(value, str):
            raise InputError(f"`{key}` must be a string")
        kwargs[key] = value
    return ArticleInput(**kwargs)


def _read_jsonl(path: str, errors: list[tuple[int, str]]) -> Iterator[tuple[int, ArticleInput]]:
    with _open(path) as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield lineno, parse_line(line)
            except InputError as exc:
                errors.append((lineno, str(exc)))


def _progress(total: int | None, desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="art", disable=not sys.stderr.isatty(), leave=False)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from dedup.engine import Engine
    from dedup.plan import Outcome

    engine = Engine.from_settings(settings)
    errors: list[tuple[int, str]] = []
    counts: dict[str, int] = {}
    bar = _progress(None, "ingest")

    def on_batch(outcomes: list[Outcome]) -> None:
        for o in outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
            if o.status != "unchanged":
                counts["role:" + o.role] = counts.get("role:" + o.role, 0) + 1
        bar.update(len(outcomes))

    report = engine.ingest_numbered(_read_jsonl(args.jsonl, errors), on_batch=on_batch)
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


def _print_results(results: list[LookupResult], as_json: bool) -> None:
    if as_json:
        for r in results:
            print(json.dumps(r.to_dict(), ensure_ascii=False))
        return
    for r in results:
        if not r.indexed and r.role is None:
            print(f"{r.url}\n  not indexed\n")
            continue
        print(f"{r.url}\n  role: {r.role}" + ("" if r.indexed else " (not indexed)")
              + (f"   cluster: {r.cluster}" if r.cluster else ""))
        if r.original:
            print(f"  original: {r.original['url']} ({r.original['site']}, "
                  f"published {r.original['published'] or 'unknown'})")
        if r.attributed_to:
            print(f"  attributed to: {r.attributed_to}")
        if r.similarity is not None:
            print(f"  similarity {r.similarity:.2f}   containment {r.containment:.2f}   "
                  f"confidence {r.confidence:.2f}")
        for e in r.evidence:
            print(f"  evidence: {e}")
        if r.copies:
            print(f"  {len(r.copies)} copies and partials:")
            for c in r.copies:
                print(f"    {c['role']:<8} {c['containment']:.2f}  {c['url']}")
        print()


def cmd_lookup(args: argparse.Namespace, settings: Settings) -> int:
    from dedup.engine import Engine

    engine = Engine.from_settings(settings)
    _print_results(engine.lookup(args.urls), args.json)
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from dedup.engine import Engine

    engine = Engine.from_settings(settings)
    results = []
    status = 0
    if args.jsonl:
        errors: list[tuple[int, str]] = []
        for lineno, item in _read_jsonl(args.jsonl, errors):
            try:
                results.append(engine.check(item))
            except InputError as exc:
                errors.append((lineno, str(exc)))
        for lineno, msg in errors:
            print(f"line {lineno}: skipped: {msg}", file=sys.stderr)
    else:
        with _open(args.file) as fh:
            content = fh.read()
        url = args.url or "https://unknown.invalid/checked-text"
        item = ArticleInput(url=url, html=content) if args.html else ArticleInput(url=url,
                                                                                  text=content)
        try:
            results.append(engine.check(item))
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
    _print_results(results, args.json)
    return status


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from dedup.engine import Engine
    engine = Engine.from_settings(settings)
    stats: dict[str, object] = dict(engine.stats())
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
    from dedup.engine import Engine

    for row in Engine.from_settings(settings).export():
        print(json.dumps(row, ensure_ascii=False))
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from dedup.engine import Engine

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
    from dedup.engine import Engine

    n = Engine.from_settings(settings).reindex()
    print(f"reindexed {n} articles", file=sys.stderr)
    return 0


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    from dedup.extraction import extract

    with open(args.page, "rb") as fh:
        raw = fh.read()
    try:
        art = extract(raw, args.url or "https://unknown.invalid/page")
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
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


def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    from crawler.run import crawl, print_summary
    from crawler.sources import SourcesError

    logging.root.handlers.clear()  # Scrapy installs its own log handler (LOG_LEVEL)
    level = "DEBUG" if args.verbose else os.environ.get("WIRETRACE_LOG_LEVEL", "WARNING")
    try:
        overrides = {"LOG_LEVEL": level}
        if args.shared_queue:
            if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", args.shared_queue):
                raise ValueError("--shared-queue: a run name of letters, digits, '.', '_' "
                                 "and '-' (at most 64)")
            overrides["WIRETRACE_SHARED_RUN"] = args.shared_queue
        summaries = crawl(args.sources, args.names or None, overrides)
    except (SourcesError, ValueError) as exc:
        print(f"wiretrace: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        for s in summaries:
            print(json.dumps(s, ensure_ascii=False))
    else:
        print_summary(summaries)
    return 1 if any(s["error"] for s in summaries) else 0


def cmd_schedule(args: argparse.Namespace, settings: Settings) -> int:
    from crawler.schedule import print_slots, schedule
    from crawler.sources import SourcesError

    logging.getLogger("crawler").setLevel(logging.INFO)
    try:
        slots = schedule(args.sources, args.names or None,
                         until=time.time() + args.seconds if args.seconds else None,
                         shared=args.shared)
    except SourcesError as exc:
        print(f"wiretrace: error: {exc}", file=sys.stderr)
        return 2
    print_slots(slots)
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from wiretrace.api.app import create_app

    # uvicorn re-raises SIGTERM after its graceful shutdown: exit normally then, so that the
    # embedded Redis is released (and shut down by its last user)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(create_app(settings), host=args.host, port=args.port,
                log_level="debug" if args.verbose else "info", timeout_graceful_shutdown=5)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wiretrace", description="Where did this article first "
                                "appear, and who else republished it?")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("ingest", help="index articles from JSON lines")
    s.add_argument("--jsonl", required=True, metavar="FILE|-")
    s.set_defaults(func=cmd_ingest)
    s = sub.add_parser("lookup", help="original and copies of indexed URLs")
    s.add_argument("urls", nargs="+", metavar="URL")
    s.add_argument("--json", action="store_true", help="one JSON object per line")
    s.set_defaults(func=cmd_lookup)
    s = sub.add_parser("check", help="the answer for a text or page that is not indexed")
    s.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    s.add_argument("--jsonl", metavar="FILE|-", help="check JSON lines (ingest schema)")
    s.add_argument("--html", action="store_true", help="the input is an HTML page")
    s.add_argument("--url", help="the page's URL (for identity and same-site rules)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("crawl", help="crawl sources of a sources file until done")
    s.add_argument("names", nargs="*", metavar="NAME", help="sources to crawl (default: all)")
    s.add_argument("--sources", metavar="FILE",
                   help="sources file (default: $WIRETRACE_SOURCES, else sources.yaml)")
    s.add_argument("--json", action="store_true", help="one JSON summary per source")
    s.add_argument("--shared-queue", metavar="RUN",
                   help="share this run's request queue and duplicate filter in Redis "
                   "(scrapy-redis) with every process started with the same RUN, on any "
                   "machine: each page is fetched once; use a new RUN for each crawl")
    s.set_defaults(func=cmd_crawl)
    s = sub.add_parser("schedule", help="crawl every source on its cron schedule")
    s.add_argument("names", nargs="*", metavar="NAME", help="sources (default: all)")
    s.add_argument("--sources", metavar="FILE",
                   help="sources file (default: $WIRETRACE_SOURCES, else sources.yaml)")
    s.add_argument("--seconds", type=float, help="stop after this long (default: never)")
    s.add_argument("--shared", action="store_true",
                   help="each run shares its queue with the runs that other schedulers (on "
                   "other machines) start at the same scheduled time: `crawl --shared-queue`")
    s.set_defaults(func=cmd_schedule)
    s = sub.add_parser("serve", help="the HTTP API and the web page")
    s.add_argument("--host", default=os.environ.get("WIRETRACE_HOST", "127.0.0.1"))
    s.add_argument("--port", type=int, default=int(os.environ.get("WIRETRACE_PORT", "8000")))
    s.set_defaults(func=cmd_serve)
    s = sub.add_parser("stats", help="counts and bytes per article")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stats)
    s = sub.add_parser("export", help="every article with its cluster and role")
    s.add_argument("--jsonl", action="store_true", help="JSON lines (the only format)")
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("remove", help="remove articles")
    s.add_argument("urls", nargs="+", metavar="URL")
    s.set_defaults(func=cmd_remove)
    s = sub.add_parser("reindex", help="rebuild the index from the stored texts")
    s.set_defaults(func=cmd_reindex)
    s = sub.add_parser("extract", help="what wiretrace extracts from a page")
    s.add_argument("page", metavar="PAGE.html")
    s.add_argument("--url")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_extract)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args, Settings()))
    except WiretraceError as exc:
        print(f"wiretrace: error: {exc}", file=sys.stderr)
        return 2
    except redis.RedisError as exc:
        print(f"wiretrace: error: Redis is unavailable: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `wiretrace export | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
