"""Pages that name another cluster's member as their source: a digest of two stories joins
one of them, and an excerpt too short to join any stays alone, yet each names by URL the page
it took its text from. Where no member of a cluster names another, such a page outside it is
the explicit evidence the decision has (:func:`dedup.provenance.choose_original`); a plan
finds it among the articles it read (:func:`cited_from_outside`) and, when such a page
arrives, decides again the cluster it names (:func:`revisit_cited`)."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from dedup.claims import claims_of
from dedup.provenance import ATTRIBUTED
from dedup.publishers import same_site
from dedup.scoring import related
from dedup.urls import article_id

if TYPE_CHECKING:
    from dedup.plan import Plan
    from dedup.provenance import Citation, Member


def named_urls(member: "Member") -> list[tuple[str, str]]:
    """The URLs a page names as a source (a canonical or og:url elsewhere, original-source, a
    credit's link): (URL, the claim as evidence)."""
    return [(c.value, c.describe()) for c in claims_of(member.meta) if c.is_url]


class CiterIndex:
    """A plan's members by the URLs they name as a source, built the first time it is asked
    and kept up to date as members come and go; each member's claims read once."""

    def __init__(self) -> None:
        self._named: dict[str, list[tuple[str, str]]] = {}
        self._by_url: dict[str, set[str]] | None = None

    def named(self, m: "Member") -> list[tuple[str, str]]:
        if m.id not in self._named:
            self._named[m.id] = named_urls(m)
        return self._named[m.id]

    def of(self, url: str, members: Iterable["Member"]) -> set[str]:
        """The ids of ``members`` (all the plan's) that name ``url``."""
        if self._by_url is None:
            self._by_url = {}
            for m in members:
                self.add(m)
        return self._by_url.get(url, set())

    def add(self, m: "Member") -> None:
        if self._by_url is not None:
            for url, _ in self.named(m):
                self._by_url.setdefault(url, set()).add(m.id)

    def remove(self, m: "Member") -> None:
        if self._by_url is not None:
            for url, _ in self.named(m):
                self._by_url.get(url, set()).discard(m.id)
        self._named.pop(m.id, None)


def cited_from_outside(plan: "Plan", ids: list[str]) -> dict[str, list["Citation"]]:
    """Per member of a cluster (``ids``), the pages of the plan outside it, on other sites,
    that name it by URL and reproduce part of its text."""
    inside = set(ids)
    out: dict[str, list[Citation]] = {}
    for t in ids:
        m = plan.members[t]
        for wid in plan.citers.of(m.meta.url, plan.members.values()) - inside:
            w = plan.members[wid]
            if not same_site(w.meta.site, m.meta.site) and \
                    related(plan.pair(w, m), False, plan.settings):
                out.setdefault(t, []).extend((w.meta.site, what) for url, what in
                                             plan.citers.named(w) if url == m.meta.url)
    return {t: sorted(set(c)) for t, c in out.items()}


def revisit_cited(plan: "Plan", member: "Member") -> None:
    """Decide again the clusters of the pages a newly added article names by URL, where no
    attribution decided them: the article is new evidence for them."""
    mine = plan.cluster_of.get(member.id)
    for url, _ in plan.citers.named(member):
        t = plan.members.get(article_id(url))
        if t is None or t.meta.url != url:
            continue
        cid = plan.cluster_of.get(t.id)
        cm = plan.clusters.get(cid or "")
        if cm is None or cid == mine or cm.original == t.id or cm.original is None or \
                cm.original not in cm.verdicts or \
                (cm.verdicts[cm.original].confidence or 0.0) >= ATTRIBUTED:
            continue
        plan.decide_again(cid or "")
