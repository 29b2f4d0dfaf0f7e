"""The `wiretrace` command's arguments: subcommands, flags and their help."""

import argparse

from wiretrace.cli import index, services


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wiretrace", description="Where did this article first "
                                "appear, and who else republished it?")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("ingest", help="index articles from JSON lines or web archives")
    what = s.add_mutually_exclusive_group(required=True)
    what.add_argument("--jsonl", metavar="FILE|-", help="JSON lines (the ingest schema)")
    what.add_argument("--warc", nargs="+", metavar="FILE|DIR|-",
                      help="WARC files (.warc, .warc.gz) or folders of them: every HTML 200 "
                      "response is indexed as a crawl would, in file order")
    s.add_argument("--json", action="store_true", help="a --warc import's summary as JSON")
    s.set_defaults(func=index.cmd_ingest)
    s = sub.add_parser("lookup", help="original and copies of indexed URLs")
    s.add_argument("urls", nargs="+", metavar="URL")
    s.add_argument("--json", action="store_true", help="one JSON object per line")
    s.set_defaults(func=index.cmd_lookup)
    s = sub.add_parser("check", help="the answer for a text or page that is not indexed")
    s.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    s.add_argument("--jsonl", metavar="FILE|-", help="check JSON lines (ingest schema)")
    s.add_argument("--html", action="store_true", help="the input is an HTML page")
    s.add_argument("--url", help="the page's URL (for identity and same-site rules)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=index.cmd_check)
    s = sub.add_parser("crawl", help="crawl sources of a sources file until done")
    s.add_argument("names", nargs="*", metavar="NAME", help="sources to crawl (default: all)")
    s.add_argument("--sources", metavar="FILE",
                   help="sources file (default: $WIRETRACE_SOURCES, else sources.yaml)")
    s.add_argument("--json", action="store_true", help="one JSON summary per source")
    s.add_argument("--shared-queue", metavar="RUN",
                   help="share this run's request queue and duplicate filter in Redis "
                   "(scrapy-redis) with every process started with the same RUN, on any "
                   "machine: each page is fetched once; use a new RUN for each crawl")
    s.set_defaults(func=services.cmd_crawl)
    s = sub.add_parser("schedule", help="crawl every source on its cron schedule")
    s.add_argument("names", nargs="*", metavar="NAME", help="sources (default: all)")
    s.add_argument("--sources", metavar="FILE",
                   help="sources file (default: $WIRETRACE_SOURCES, else sources.yaml)")
    s.add_argument("--seconds", type=float, help="stop after this long (default: never)")
    s.add_argument("--shared", action="store_true",
                   help="each run shares its queue with the runs that other schedulers (on "
                   "other machines) start at the same scheduled time: `crawl --shared-queue`")
    s.set_defaults(func=services.cmd_schedule)
    s = sub.add_parser("serve", help="the HTTP API and the web page")
    s.add_argument("--host", help="default: $WIRETRACE_HOST, else 127.0.0.1")
    s.add_argument("--port", type=int, help="default: $WIRETRACE_PORT, else 8000")
    s.set_defaults(func=services.cmd_serve)
    s = sub.add_parser("stats", help="counts and bytes per article")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=index.cmd_stats)
    s = sub.add_parser("export", help="every article with its cluster and role")
    s.add_argument("--jsonl", action="store_true", help="JSON lines (the only format)")
    s.set_defaults(func=index.cmd_export)
    s = sub.add_parser("remove", help="remove articles")
    s.add_argument("urls", nargs="+", metavar="URL")
    s.set_defaults(func=index.cmd_remove)
    s = sub.add_parser("reindex", help="rebuild the index from the stored texts")
    s.set_defaults(func=index.cmd_reindex)
    s = sub.add_parser("extract", help="what wiretrace extracts from a page")
    s.add_argument("page", metavar="PAGE.html")
    s.add_argument("--url")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=index.cmd_extract)
    return p
