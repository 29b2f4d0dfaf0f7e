"""Sites that date their copies before the originals other pages credit: which articles of a
plan are dated so (the per-site ``backdated`` counter, :func:`dedup.writes.site_deltas`), and
the clusters a batch decides again once it finds such a site (:func:`settle`)."""

from collections import Counter
from typing import TYPE_CHECKING

from dedup import codec
from dedup.codec import ClusterField
from dedup.models import ArticleMeta, Verdict
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


def initially_backdated(plan: "Plan") -> set[str]:
    """The articles so dated in the clusters as the plan read them."""
    out: set[str] = set()
    for fields in plan.raw.clusters.values():
        original = (fields.get(ClusterField.ORIGINAL) or b"").decode()
        raw = codec.members(fields)
        if not original or original not in raw or original not in plan.raw.records:
            continue
        conf = Verdict.from_json(raw[original]).confidence or 0.0
        if conf < ATTRIBUTED:
            continue
        first = ArticleMeta.from_json(plan.raw.records[original].meta)
        out |= {i for i in raw if i != original and i in plan.raw.records and dates_before(
            ArticleMeta.from_json(plan.raw.records[i].meta), first, conf, plan.settings)}
    return out


def settle(plan: "Plan") -> None:
    """Decide again, once, the plan's clusters that no attribution decided and that hold an
    article of a site the batch found dated before :data:`dedup.provenance.BACKDATED`
    credited originals: had the site's prior been known when they were decided, its date
    would not have led."""
    before = initially_backdated(plan)
    found = Counter(plan.members[i].meta.site for i in plan.members
                    if i not in before and dated_before_credited(plan, i))
    sites = {s for s, n in found.items() if n >= BACKDATED}
    if not sites:
        return
    # the plan's priors, as its decisions read them: these sites now republish
    plan._priors.update(dict.fromkeys(sites, True))
    for cid in sorted(plan.dirty_clusters):
        cm = plan.clusters.get(cid)
        if cm is None or cm.original is None or \
                (cm.verdicts[cm.original].confidence or 0.0) >= ATTRIBUTED:
            continue
        if any(plan.members[i].meta.site in sites for i in cm.members):
            plan._set_cluster(cid, list(cm.members))
