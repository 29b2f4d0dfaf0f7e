"""Sites that date their copies before the originals other pages credit: which articles of a
plan are dated so (the per-site ``backdated`` counter, :func:`dedup.writes.site_deltas`), the
clusters a batch decides again once it finds such a site (:func:`settle`), and the sites whose
counter a batch brings to :data:`dedup.provenance.BACKDATED` (:func:`crossed`): the clusters
earlier writes decided by their dates are decided again (:meth:`dedup.ingest.Ingest.write`)."""

from collections import Counter
from typing import TYPE_CHECKING

from dedup.provenance import ATTRIBUTED, BACKDATED, dates_before

if TYPE_CHECKING:
    from dedup.plan import Plan


def dated_before_credited(plan: "Plan", article_id: str) -> bool:
    """Whether the article is dated surely before the original that attribution chose in
    its cluster, as the plan now decides (:func:`dedup.provenance.dates_before`)."""
    cm = plan.clusters.get(plan.cluster_of.get(article_id, ""))
    if article_id not in plan.members or cm is None or cm.original is None or \
            cm.original == article_id or cm.original not in plan.members or \
            cm.original not in cm.verdicts:
        return False
    conf = cm.verdicts[cm.original].confidence or 0.0
    return dates_before(plan.members[article_id].meta, plan.members[cm.original].meta, conf,
                        plan.settings)


def backdated_articles(plan: "Plan") -> set[str]:
    """The plan's articles so dated, as its model now stands (:meth:`dedup.plan.Plan.__init__`
    keeps those of the model it read: the site counters change by the difference)."""
    return {i for i in plan.members if dated_before_credited(plan, i)}


def added_per_site(plan: "Plan") -> Counter[str]:
    """Per site, the articles this plan adds to its ``backdated`` counter (net)."""
    now = backdated_articles(plan)
    out: Counter[str] = Counter()
    for aid in now ^ plan.initially_backdated:
        art = plan.members.get(aid) or plan.removed.get(aid)
        if art is not None:
            out[art.meta.site] += 1 if aid in now else -1
    return out


def crossed(added: Counter[str], counters: dict[str, int]) -> list[str]:
    """The sites whose ``backdated`` counter, now ``counters`` after a write that added
    ``added``, reached :data:`dedup.provenance.BACKDATED` with that write."""
    return sorted(s for s, n in added.items()
                  if n > 0 and counters.get(s, 0) >= BACKDATED > counters.get(s, 0) - n)


def led_by_dates(plan: "Plan", site: str) -> list[str]:
    """The plan's clusters whose original is an article of ``site`` that no attribution
    chose: its date (or the order pages were found in) led."""
    out = []
    for cid, cm in sorted(plan.clusters.items()):
        if cm.original is not None and cm.original in plan.members and \
                cm.original in cm.verdicts and \
                plan.members[cm.original].meta.site == site and \
                (cm.verdicts[cm.original].confidence or 0.0) < ATTRIBUTED:
            out.append(cid)
    return out


def settle(plan: "Plan") -> None:
    """Decide again, once, the plan's clusters that no attribution decided and that hold an
    article of a site the batch found dated before :data:`dedup.provenance.BACKDATED`
    credited originals: had the site's prior been known when they were decided, its date
    would not have led."""
    found = Counter(plan.members[i].meta.site
                    for i in backdated_articles(plan) - plan.initially_backdated)
    sites = {s for s, n in found.items() if n >= BACKDATED}
    if not sites:
        return
    plan.mark_republishers(sites)
    for cid in sorted(plan.dirty_clusters):
        cm = plan.clusters.get(cid)
        if cm is None or cm.original is None or \
                (cm.verdicts[cm.original].confidence or 0.0) >= ATTRIBUTED:
            continue
        if any(plan.members[i].meta.site in sites for i in cm.members):
            plan.decide_again(cid)
