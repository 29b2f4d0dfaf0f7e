"""The `wiretrace` command's arguments: subcommands, flags and their help."""

import argparse

from wiretrace.cli import index, services, watch

JSON_LINES = "print one JSON object per line instead of text (default: text)"


class _Help(argparse.HelpFormatter):
    """Appends ``(default: …)`` to an option whose help does not name its default."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default in (None, False, argparse.SUPPRESS):
            return text
        return f"{text} (default: {action.default})"


def command(sub: "argparse._SubParsersAction[argparse.ArgumentParser]", name: str,
            help: str) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` starts with what it does."""
    return sub.add_parser(name, help=help, description=help, formatter_class=_Help)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wiretrace", formatter_class=_Help,
                                description="Where did this article first appear, and who "
                                "else republished it? Settings come from WIRETRACE_* "
                                "variables and REDIS_URL (see the README).")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="debug logging (default: $WIRETRACE_LOG_LEVEL, else WARNING)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = command(sub, "ingest", help="index articles from JSON lines or web archives")
    what = s.add_mutually_exclusive_group(required=True)
    what.add_argument("--jsonl", metavar="FILE|-",
                      help="JSON lines (the ingest schema); this or --warc is required")
    what.add_argument("--warc", nargs="+", metavar="FILE|DIR|-",
                      help="WARC files (.warc, .warc.gz) or folders of them: every HTML 200 "
                      "response is indexed as a crawl would, in file order; this or --jsonl "
                      "is required")
    s.add_argument("--json", action="store_true",
                   help="a --warc import's summary as JSON (default: text on stderr)")
    s.set_defaults(func=index.cmd_ingest)
    s = command(sub, "lookup", help="original and copies of indexed URLs")
    s.add_argument("urls", nargs="+", metavar="URL", help="article URLs; http/https, www. and "
                   "a trailing slash do not matter")
    s.add_argument("--json", action="store_true", help=JSON_LINES)
    s.set_defaults(func=index.cmd_lookup)
    s = command(sub, "check", help="the answer for a text or page that is not indexed")
    s.add_argument("file", nargs="?", default="-", metavar="FILE|-",
                   help="a text or an HTML page (detected), - for standard input "
                   "(default: -)")
    s.add_argument("--jsonl", metavar="FILE|-",
                   help="check JSON lines (ingest schema) instead (default: off)")
    s.add_argument("--html", action="store_true",
                   help="the input is an HTML page (default: detected from the content)")
    s.add_argument("--url", help="the page's URL, for identity and same-site rules "
                   "(default: none)")
    s.add_argument("--json", action="store_true", help=JSON_LINES)
    s.set_defaults(func=index.cmd_check)
    s = command(sub, "crawl", help="crawl sources of a sources file until done")
    s.add_argument("names", nargs="*", metavar="NAME", help="sources to crawl (default: all)")
    s.add_argument("--sources", metavar="FILE",
                   help="sources file (default: $WIRETRACE_SOURCES, else sources.yaml)")
    s.add_argument("--json", action="store_true",
                   help="one JSON summary per source (default: text)")
    s.add_argument("--shared-queue", metavar="RUN",
                   help="share this run's request queue and duplicate filter in Redis "
                   "(scrapy-redis) with every process started with the same RUN, on any "
                   "machine: each page is fetched once; use a new RUN for each crawl "
                   "(default: a queue of its own)")
    s.set_defaults(func=services.cmd_crawl)
    s = command(sub, "schedule", help="crawl every source on its cron schedule")
    s.add_argument("names", nargs="*", metavar="NAME", help="sources (default: all)")
    s.add_argument("--sources", metavar="FILE",
                   help="sources file (default: $WIRETRACE_SOURCES, else sources.yaml)")
    s.add_argument("--seconds", type=float, help="stop after this long (default: never)")
    s.add_argument("--shared", action="store_true",
                   help="each run shares its queue with the runs that other schedulers (on "
                   "other machines) start at the same scheduled time: `crawl --shared-queue` "
                   "(default: off)")
    s.set_defaults(func=services.cmd_schedule)
    s = command(sub, "serve", help="the HTTP API and the web page")
    s.add_argument("--host", help="default: $WIRETRACE_HOST, else 127.0.0.1")
    s.add_argument("--port", type=int, help="default: $WIRETRACE_PORT, else 8000")
    s.set_defaults(func=services.cmd_serve)
    s = command(sub, "stats", help="counts and bytes per article")
    s.add_argument("--json", action="store_true", help="one JSON object (default: text)")
    s.set_defaults(func=index.cmd_stats)
    s = command(sub, "export", help="every article with its cluster and role")
    s.add_argument("--jsonl", action="store_true",
                   help="JSON lines (the only format, and the default)")
    s.set_defaults(func=index.cmd_export)
    s = command(sub, "remove", help="remove articles")
    s.add_argument("urls", nargs="+", metavar="URL", help="URLs of indexed articles")
    s.set_defaults(func=index.cmd_remove)
    s = command(sub, "reindex", help="rebuild the index from the stored texts")
    s.set_defaults(func=index.cmd_reindex)
    s = command(sub, "fsck", help="check the index; exit 1 when problems remain")
    s.add_argument("--repair", action="store_true",
                   help="rebuild what can be rebuilt from the stored texts (default: only check)")
    s.set_defaults(func=index.cmd_fsck)
    s = command(sub, "extract", help="what wiretrace extracts from a page")
    s.add_argument("page", metavar="PAGE.html", help="an HTML file, - for standard input")
    s.add_argument("--url", help="the page's URL, for same-site links and listing rules "
                   "(default: none: the page is judged on its content)")
    s.add_argument("--json", action="store_true", help="one JSON object (default: text)")
    s.set_defaults(func=index.cmd_extract)
    watch.add_commands(sub, command)
    return p
