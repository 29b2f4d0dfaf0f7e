"""A site's republished articles, read from its copy index (written by
:mod:`dedup.notices`): the newest copies and partials of its articles, who republishes it
most, and copies found per week.

Counts come from the index's counters (one read each); the listed copies are read through
:meth:`dedup.lookup.Lookup.lookup_ids`, so a page shows what the index says now: a row whose
copy was removed or credited since to another site's article is left out (and counted in
``stale``).
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import redis

from dedup.keys import Keys
from dedup.lookup import Lookup
from dedup.results import LookupResult


@dataclass(slots=True)
class SiteCopy:
    """One copy or partial of one of the site's articles."""

    copy: LookupResult
    original: LookupResult
    found: float  # when the copy was first seen (epoch seconds)


@dataclass(slots=True)
class SiteReport:
    site: str
    total: int  # copies and partials of the site's articles, all time
    offset: int
    limit: int
    copies: list[SiteCopy] = field(default_factory=list)
    republishers: list[tuple[str, int]] = field(default_factory=list)  # most copies first
    weeks: list[tuple[str, int]] = field(default_factory=list)  # (Monday, copies), oldest first
    stale: int = 0  # rows of this page no longer current


def monday(t: datetime) -> datetime:
    return (t - timedelta(days=t.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def week_series(counts: dict[str, int], n: int, now: datetime | None = None,
                ) -> list[tuple[str, int]]:
    """The last ``n`` weeks (Mondays) up to the current one, or to the latest week with
    copies when that is later, each with its count (0 for none)."""
    end = monday(now or datetime.now(UTC))
    if counts:
        latest = datetime.fromisoformat(max(counts)).replace(tzinfo=UTC)
        end = max(end, latest)
    days = [end - timedelta(weeks=i) for i in range(n - 1, -1, -1)]
    return [(d.strftime("%Y-%m-%d"), counts.get(d.strftime("%Y-%m-%d"), 0)) for d in days]


class SiteCopies:
    """Reads of the per-site copy index."""

    def __init__(self, client: redis.Redis, keys: Keys, reader: Lookup) -> None:
        self.client = client
        self.keys = keys
        self.reader = reader

    def report(self, site: str, offset: int = 0, limit: int = 20, weeks: int = 26,
               top: int = 20) -> SiteReport:
        """One page of a site's copies, newest first, with its rankings and weekly counts.
        Three round trips: counters and the page's ids, their rows, their answers."""
        rows, by_time, by_site, by_week = self.keys.site_copies(site)
        pipe = self.client.pipeline(transaction=False)
        pipe.zcard(by_time)
        pipe.zrevrange(by_time, offset, offset + limit - 1, withscores=True)
        pipe.zrevrange(by_site, 0, top - 1, withscores=True)
        pipe.hgetall(by_week)
        total, page, ranked, week_counts = pipe.execute()
        report = SiteReport(site, int(total), offset, limit)
        report.republishers = [(s.decode(), int(n)) for s, n in ranked if int(n) > 0]
        report.weeks = week_series({k.decode(): int(v) for k, v in week_counts.items()}, weeks)
        if not page:
            return report
        ids = [m.decode() for m, _ in page]
        originals = [json.loads(r)["o"] if r else "" for r in self.client.hmget(rows, ids)]
        wanted = list(dict.fromkeys([*ids, *(o for o in originals if o)]))
        found = {r.url if not r.indexed else r.id or "": r
                 for r in self.reader.lookup_ids(wanted)}
        for (cid, seen), oid in zip(page, originals, strict=True):
            copy, original = found.get(cid.decode()), found.get(oid)
            if copy is None or original is None or not (copy.indexed and original.indexed) \
                    or not copy.original or copy.original["url"] != original.url:
                report.stale += 1
                continue
            report.copies.append(SiteCopy(copy, original, float(seen)))
        return report
