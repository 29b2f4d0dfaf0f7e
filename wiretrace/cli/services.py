"""The service commands: crawl, schedule, serve."""

import argparse
import gc
import json
import logging
import re
import signal
import sys
import time

from dedup.config import Settings
from dedup.redisconn import connect


def redis_answers(settings: Settings) -> None:
    """Fail now, in one line (``redis.RedisError``), rather than after a crawl of pages
    that could not be indexed."""
    connect(settings).ping()


def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    from crawler.reachability import check_sources
    from crawler.sources import SourcesError

    logging.root.handlers.clear()  # Scrapy installs its own log handler (LOG_LEVEL)
    level = "DEBUG" if args.verbose else settings.log_level
    try:  # a sources file that cannot work is refused before anything starts
        sources = check_sources(args.sources, args.names)
    except SourcesError as exc:
        print(f"wiretrace: error: {exc}", file=sys.stderr)
        return 2
    redis_answers(settings)
    from crawler.run import crawl, print_summary  # Scrapy and Twisted: after the checks above

    try:
        overrides = {"LOG_LEVEL": level}
        if args.shared_queue:
            if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", args.shared_queue):
                raise ValueError("--shared-queue: a run name of letters, digits, '.', '_' "
                                 "and '-' (at most 64)")
            overrides["WIRETRACE_SHARED_RUN"] = args.shared_queue
        summaries = crawl(args.sources, args.names or None, overrides, loaded=sources)
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
    from crawler.config import CrawlSettings
    from crawler.reachability import check_sources
    from crawler.sources import SourcesError

    logging.getLogger("crawler").setLevel(logging.INFO)
    try:  # a sources file that cannot work is refused before anything starts
        check_sources(args.sources, args.names)
    except SourcesError as exc:
        print(f"wiretrace: error: {exc}", file=sys.stderr)
        return 2
    redis_answers(settings)
    from crawler.schedule import print_slots, schedule  # Scrapy (crawler.run): after the checks

    slots = schedule(args.sources, args.names or None,
                     until=time.time() + args.seconds if args.seconds else None,
                     shared=args.shared, heartbeat=CrawlSettings().heartbeat_file)
    print_slots(slots)
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn
    from pydantic import ValidationError

    from wiretrace.api.app import create_app
    from wiretrace.api.config import ApiSettings
    from wiretrace.cli import setting_error

    given = {name: v for name in ("host", "port") if (v := getattr(args, name)) is not None}
    try:  # the flags win over the environment, and are validated alike
        api = ApiSettings(**given)
    except ValidationError as exc:
        print(f"wiretrace: error: {setting_error(exc)}", file=sys.stderr)
        return 2
    # uvicorn re-raises SIGTERM after its graceful shutdown: exit normally then, so that the
    # embedded Redis is released (and shut down by its last user)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # X-Forwarded-For is believed only from the proxies named in WIRETRACE_TRUSTED_PROXIES
    # (uvicorn's own default trusts loopback, which let any local client reset its limit)
    trusted = api.trusted_proxies.strip()
    app = create_app(settings, api)
    # the objects of startup (the imported code, 10^5 of them) are never garbage: out of the
    # collector's sight, each request costs a quarter less CPU (what a burst of requests
    # refused while Redis is down holds the event loop, and /healthz, for)
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=api.host, port=api.port,
                log_level="debug" if args.verbose else "info", timeout_graceful_shutdown=5,
                proxy_headers=bool(trusted), forwarded_allow_ips=trusted or None)
    return 0
