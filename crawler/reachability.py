"""Sources that a crawler in a container cannot reach: host names that no public DNS answers
(under ``.test``, ``.example``, ``.invalid``, ``.localhost``: RFC 2606 and 6761; the
documentation domains example.com, .net and .org) and literal loopback, private or other
blocked addresses (:mod:`dedup.netguard`).

With ``WIRETRACE_ALLOW_LOCAL_SOURCES=false`` (what the compose file sets) `wiretrace crawl` and
`wiretrace schedule` refuse such a sources file in one line, instead of crawling nothing every
half hour and logging DNS failures.
"""

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from crawler.config import CrawlSettings
from crawler.sources import Source, SourcesError, load_sources
from dedup.netguard import blocked_reason, literal_ip

RESERVED_TLDS = ("test", "example", "invalid", "localhost")
DOCUMENTATION_DOMAINS = ("example.com", "example.net", "example.org")


def local_reason(host: str) -> str | None:
    """Why a container cannot crawl ``host``, or None when nothing in its name says so.

    Example:
        >>> local_reason("news.test")
        'news.test is under .test, which no public DNS answers'
        >>> local_reason("www.bbc.co.uk") is None
        True
    """
    h = host.lower().rstrip(".")
    ip = literal_ip(h)
    if ip is not None:
        return blocked_reason(ip)
    tld = h.rsplit(".", 1)[-1]
    if tld in RESERVED_TLDS:
        return f"{h} is under .{tld}, which no public DNS answers"
    if any(h == d or h.endswith("." + d) for d in DOCUMENTATION_DOMAINS):
        return f"{h} is a documentation domain (RFC 2606)"
    return None


def unreachable(sources: Mapping[str, Source]) -> list[str]:
    """``'name' (why; why)`` for every source with a URL whose host a container cannot
    reach."""
    out = []
    for name, source in sources.items():
        urls = [*source.feeds, *source.sitemaps, *source.start_urls]
        why = [r for u in urls if (r := local_reason(urlsplit(u).hostname or ""))]
        if why:
            out.append(f"{name!r} ({'; '.join(dict.fromkeys(why))})")
    return out


def check_sources(path: str | Path | None, names: list[str] | None = None,
                  ) -> dict[str, Source]:
    """The sources of the file (see :func:`crawler.sources.load_sources`), before anything
    starts: :class:`SourcesError` for a name the file does not have, and, unless
    ``WIRETRACE_ALLOW_LOCAL_SOURCES`` is true, in one line naming every source a container
    cannot crawl."""
    settings = CrawlSettings()
    sources = load_sources(path)
    where = Path(path) if path else settings.sources
    if unknown := [n for n in names or [] if n not in sources]:
        raise SourcesError(f"{where}: no source named {', '.join(map(repr, unknown))}; the "
                           f"file has {', '.join(sources)}")
    bad = [] if settings.allow_local_sources else unreachable(sources)
    if bad:
        raise SourcesError(
            f"{where}: {len(bad)} of {len(sources)} sources cannot be crawled from here: "
            f"{', '.join(bad)}; edit the sources file (sources.example.yaml lists the fields), "
            "or set WIRETRACE_ALLOW_LOCAL_SOURCES=true if these hosts do resolve here")
    return sources
