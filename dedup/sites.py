"""What the index knows of each site: the template lines it repeats on its pages, and whether
it mostly republishes others' articles. Read from Redis, cached briefly per site."""

import json
import time
from collections.abc import Callable, Sequence

import redis

from dedup.codec import SITE_COUNTERS
from dedup.config import Settings
from dedup.keys import Keys
from dedup.models import Draft, Templates
from dedup.provenance import BACKDATED
from dedup.store import Store

Articles = dict[str, list[tuple[bytes, bytes]]]  # per site: (tag, line keys) of each article


class SiteMemory:
    """Per-site knowledge for ingest and check; one instance per engine."""

    def __init__(self, client: redis.Redis, store: Store, keys: Keys,
                 settings: Settings) -> None:
        self.client = client
        self.store = store
        self.keys = keys
        self.settings = settings
        self._templates: dict[str, tuple[float, set[bytes]]] = {}  # site -> (read at, lines)

    def learn_templates(self, drafts: Sequence[Draft]) -> Templates:
        """Learn each site's lines among the drafts' lines (one round trip), and answer its
        template lines among them: the lines ``template_min_pages`` distinct articles of the
        site carry after their first sighting, these drafts included. Learning an article
        again adds nothing, so call it just before the drafts' batch is written (batches in
        input order): a process killed between the two has learned only the batch in flight,
        and its re-run, learning it again, is answered the same."""
        if not self.settings.template_min_pages or not drafts:
            return {}
        return self.store.site_templates({s: [a] for s, a in self._by_site(drafts).items()},
                                         self.settings.template_min_pages,
                                         self.settings.template_cap, "learn")

    def known_templates(self, drafts: list[Draft], ttl: float = 60.0) -> Templates:
        """The template lines of the drafts' sites, learning nothing (for answers that write
        nothing): read at most once a minute per site, so a service answering many queries
        about one site does not ask each time."""
        if not self.settings.template_min_pages or not drafts:
            return {}
        sites = self._by_site(drafts)
        now = time.monotonic()
        stale = [s for s in sites if s not in self._templates or
                 self._templates[s][0] < now - ttl]
        if stale:
            fresh = self.store.site_templates({s: [] for s in stale},
                                              self.settings.template_min_pages,
                                              self.settings.template_cap, "read")
            if len(self._templates) > 4096:
                self._templates.clear()
            for s in stale:
                self._templates[s] = (now, fresh.get(s, set()))
        return {s: self._templates[s][1] for s in sites}

    @staticmethod
    def _by_site(drafts: Sequence[Draft]) -> Articles:
        sites: dict[str, list[tuple[bytes, bytes]]] = {}
        for d in drafts:
            sites.setdefault(d.meta.site, []).append((bytes.fromhex(d.id)[:4], d.line_keys))
        return sites

    def prior(self) -> Callable[[set[str]], dict[str, bool]] | None:
        """The republisher prior for decisions (of many sites at once), or None when off."""
        return self.republishers if self.settings.republisher_min_copies > 0 else None

    def is_republisher(self, site: str) -> bool:
        """Whether a site mostly republishes others' articles: at least
        ``republisher_min_copies`` of its articles, and ``republisher_share`` of them, are
        copies or partials, or credit another publication. Read from its counters in Redis
        each time: a plan asks once per site (:meth:`dedup.plan.Plan.priors`), and no
        time-based cache makes two runs of one input differ."""
        return self.republishes(self.client.hmget(self.keys.site(site), SITE_COUNTERS))

    def republishers(self, sites: set[str]) -> dict[str, bool]:
        """:meth:`is_republisher` of many sites in one round trip (a plan asks for every site
        of its batch and records at its first decision that needs one)."""
        pipe = self.client.pipeline(transaction=False)
        for site in sites:
            pipe.hmget(self.keys.site(site), SITE_COUNTERS)
        return {site: self.republishes(v)
                for site, v in zip(sites, self.store.execute(pipe), strict=True)}

    def backdated(self, sites: set[str]) -> dict[str, int]:
        """Each site's ``backdated`` counter (:data:`dedup.codec.SITE_COUNTERS`), in one
        round trip."""
        pipe = self.client.pipeline(transaction=False)
        for site in sorted(sites):
            pipe.hget(self.keys.site(site), "backdated")
        return {s: int(v or 0) for s, v in zip(sorted(sites), self.store.execute(pipe),
                                                strict=True)}

    def copied_articles(self, site: str, newest: int = 256) -> list[str]:
        """The site's articles that the ``newest`` copies of its copy index reproduce (rows
        :mod:`dedup.notices` writes after each write: some may be stale)."""
        rows, by_time, _, _ = self.keys.site_copies(site)
        copies = self.client.zrevrange(by_time, 0, newest - 1)
        found = self.client.hmget(rows, copies) if copies else []
        return sorted({json.loads(v)["o"] for v in found if v})

    def republishes(self, values: list[bytes | None]) -> bool:
        """Whether a site with these counters (:data:`dedup.codec.SITE_COUNTERS`, as read)
        mostly republishes."""
        articles, copies, credited, backdated = (int(v or 0) for v in values)
        if backdated >= BACKDATED:
            return True
        republished = max(copies, credited)
        return republished >= self.settings.republisher_min_copies and \
            republished >= self.settings.republisher_share * max(1, articles)
