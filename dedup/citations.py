"""Pages that name another cluster's member as their source: a digest of two stories joins
one of them, and an excerpt too short to join any stays alone, yet each names by URL the page
it took its text from. Where no member of a cluster names another, such a page outside it is
the explicit evidence the decision has (:func:`dedup.provenance.choose_original`); a plan
finds it among the articles it read (:func:`cited_from_outside`) and, when such a page
arrives, decides again the cluster it names (:func:`revisit_cited`)."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from dedup import codec
from dedup.claims import claims_of
from dedup.models import ArticleMeta, Verdict
from dedup.provenance import ATTRIBUTED
from dedup.publishers import same_site
from dedup.scoring import related
from dedup.urls import article_id

if TYPE_CHECKING:
    from dedup.plan import Plan
    from dedup.provenance import Citation, Member
    from dedup.store import RawState, Store

# outside pages a member's verdict keeps (a much-cited original: a later plan reads this many)
CITERS_KEPT = 16


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

    @staticmethod
    def keep(verdicts: dict[str, Verdict], cited_by: dict[str, list[str]]) -> None:
        """Each cited member's verdict keeps the ids of the pages citing it."""
        for t, by in cited_by.items():
            verdicts[t].cited_by = by

    def remove(self, plan: "Plan", m: "Member") -> None:
        """Take an article leaving the plan out, and decide again without it the clusters it
        was read as naming (their verdicts list it in ``cited_by``)."""
        self.of("", plan.members.values())  # built now: the plan's members still hold it
        for url, _ in self.named(m):
            (self._by_url or {}).get(url, set()).discard(m.id)
        self._named.pop(m.id, None)
        own = plan.cluster_of.get(m.id)
        for cid, cm in list(plan.clusters.items()):
            if cid != own and any(m.id in (v.cited_by or ()) for v in cm.verdicts.values()):
                plan.decide_again(cid)


def cited_from_outside(plan: "Plan", ids: list[str]
                       ) -> tuple[dict[str, list["Citation"]], dict[str, list[str]]]:
    """Per member of a cluster (``ids``), the pages of the plan outside it, on other sites,
    that name it by URL and reproduce part of its text: their citations, and their ids (the
    first :data:`CITERS_KEPT`, kept in the member's verdict for later plans to read)."""
    inside = set(ids)
    out: dict[str, list[Citation]] = {}
    by: dict[str, list[str]] = {}
    for t in ids:
        m = plan.members[t]
        for wid in sorted(plan.citers.of(m.meta.url, plan.members.values()) - inside):
            w = plan.members[wid]
            if not same_site(w.meta.site, m.meta.site) and \
                    related(plan.pair(w, m), False, plan.settings):
                out.setdefault(t, []).extend((w.meta.site, what) for url, what in
                                             plan.citers.named(w) if url == m.meta.url)
                by.setdefault(t, []).append(wid)
    return {t: sorted(set(c)) for t, c in out.items()}, {t: w[:CITERS_KEPT]
                                                          for t, w in by.items()}


def to_read(raw: "RawState", changing: Iterable[str]) -> set[str]:
    """The records a plan over ``raw`` needs besides those read: the pages that named members
    of the clusters read (their verdicts' ``cited_by``: deciding such a cluster again must
    see them, whichever batch it is), and the pages the stored versions of ``changing``
    (the articles read for: updated or removed ones name pages whose clusters their leaving
    decides again)."""
    want: set[str] = set()
    for fields in raw.clusters.values():
        for v in codec.members(fields).values():
            if b'"cited_by"' in v:
                want.update(Verdict.from_json(v).cited_by or [])
    for i in changing:
        r = raw.records.get(i)
        if r is not None:
            want.update(article_id(c.value) for c in claims_of(ArticleMeta.from_json(r.meta))
                        if c.is_url)
    return want - raw.records.keys()


def read_with_citers(store: "Store", articles: list[tuple[str, bytes, bytes]],
                     min_equal: int = 8) -> "RawState":
    """``store.read_state`` of ``articles``, and the records :func:`to_read` asks for."""
    return with_citers(store, store.read_state(articles, min_equal=min_equal),
                       [a[0] for a in articles])


def with_citers(store: "Store", raw: "RawState", ids: list[str]) -> "RawState":
    """``raw`` (read for ``ids``) with the records :func:`to_read` asks for added (two more
    reads at most: the clusters of the pages named, then the pages naming those); a check
    reads them as an ingest does, to answer what ingesting its page would."""
    for _ in range(2):
        want = to_read(raw, ids)
        if not want:
            break
        more = store.read_state([(i, b"", b"") for i in sorted(want)])
        for i, r in more.records.items():
            raw.records.setdefault(i, r)
        for cid, fields in more.clusters.items():
            raw.clusters.setdefault(cid, fields)
    return raw


def revisit_cited(plan: "Plan", member: "Member") -> None:
    """Decide again the clusters of the pages a newly added article names by URL, where no
    member's attribution decided them (above :data:`ATTRIBUTED`): the article is new evidence
    for them, also where outside pages (at :data:`ATTRIBUTED`) or dates chose the page it
    names (the choice's confidence and evidence, as if the article had come first)."""
    mine = plan.cluster_of.get(member.id)
    for url, _ in plan.citers.named(member):
        t = plan.members.get(article_id(url))
        if t is None or t.meta.url != url:
            continue
        cid = plan.cluster_of.get(t.id)
        cm = plan.clusters.get(cid or "")
        if cm is None or cid == mine or cm.original is None or \
                cm.original not in cm.verdicts or \
                (cm.verdicts[cm.original].confidence or 0.0) > ATTRIBUTED:
            continue
        plan.decide_again(cid or "")
