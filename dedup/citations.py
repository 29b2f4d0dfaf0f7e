"""Pages that name another cluster's member as their source: a digest of two stories joins
one of them, and an excerpt too short to join any stays alone, yet each names by URL the page
it took its text from. Where no member of a cluster names another, such a page outside it is
the explicit evidence the decision has (:func:`dedup.provenance.choose_original`); a plan
finds it among the articles it read (:func:`cited_from_outside`) and, when such a page
arrives, decides again the cluster it names (:func:`revisit_cited`)."""

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


def cited_from_outside(plan: "Plan", ids: list[str]) -> dict[str, list["Citation"]]:
    """Per member of a cluster (``ids``), the pages of the plan outside it, on other sites,
    that name it by URL and reproduce part of its text."""
    inside = set(ids)
    out: dict[str, list[Citation]] = {}
    for t in ids:
        m = plan.members[t]
        for wid in plan.citers(m.meta.url) - inside:
            w = plan.members[wid]
            if not same_site(w.meta.site, m.meta.site) and \
                    related(plan.pair(w, m), False, plan.settings):
                out.setdefault(t, []).extend((w.meta.site, what) for url, what in
                                             plan.named_urls(w) if url == m.meta.url)
    return {t: sorted(set(c)) for t, c in out.items()}


def revisit_cited(plan: "Plan", member: "Member") -> None:
    """Decide again the clusters of the pages a newly added article names by URL, where no
    attribution decided them: the article is new evidence for them."""
    mine = plan.cluster_of.get(member.id)
    for url, _ in plan.named_urls(member):
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
