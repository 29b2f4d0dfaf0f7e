"""Sites that date their copies before the originals other pages credit: which articles of a
plan are dated so (the per-site ``backdated`` counter, :func:`dedup.writes.site_deltas`), the
clusters a batch decides again once it finds such a site (:func:`settle`), and the sites whose
counter a batch brings to :data:`dedup.provenance.BACKDATED` (:func:`crossed`): the clusters
earlier writes decided by their dates are decided again (:meth:`dedup.ingest.Ingest.write`)."""

from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING

from dedup.dates import dated
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


def weight(plan: "Plan", article_id: str) -> int:
    """What the article adds to its site's ``backdated`` counter: 0 unless it is
    :func:`dated_before_credited`; :data:`dedup.provenance.BACKDATED` (one such article
    suffices) where it reproduces the original whole, names no source, and both give a
    time, not a day: a whole text passed off as the site's own, stated to appear hours
    before the page others credit for it, is a date set back. A day without a time (a zone
    moves it), a digest or rewrite (its own date, parts of other stories) or a page naming
    where its text is from (a wire's subscriber may carry it before the page credited)
    counts 1."""
    if not dated_before_credited(plan, article_id):
        return 0
    cm = plan.clusters[plan.cluster_of[article_id]]
    assert cm.original is not None  # dated_before_credited: an original was chosen
    day = timedelta(hours=plan.settings.date_margin_hours)
    mine = dated(plan.members[article_id].meta.published, day)
    theirs = dated(plan.members[cm.original].meta.published, day)
    v = cm.verdicts.get(article_id)
    silent = v is not None and v.role == "copy" and v.attributed_to is None
    return BACKDATED if silent and mine and theirs and mine.precise and theirs.precise else 1


def backdated_articles(plan: "Plan") -> dict[str, int]:
    """The plan's articles so dated, with their :func:`weight`, as its model now stands
    (:meth:`dedup.plan.Plan.__init__` keeps those of the model it read: the site counters
    change by the difference)."""
    return {i: w for i in plan.members if (w := weight(plan, i))}


def _changes(plan: "Plan") -> dict[str, int]:
    """Per article, what this plan changes its weight by (nonzero only)."""
    now, was = backdated_articles(plan), plan.initially_backdated
    return {i: d for i in now.keys() | was.keys() if (d := now.get(i, 0) - was.get(i, 0))}


def added_per_site(plan: "Plan") -> Counter[str]:
    """Per site, what this plan adds to its ``backdated`` counter (net)."""
    out: Counter[str] = Counter()
    for aid, d in _changes(plan).items():
        art = plan.members.get(aid) or plan.removed.get(aid)
        if art is not None:
            out[art.meta.site] += d
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
    found: Counter[str] = Counter()
    for aid, d in _changes(plan).items():
        if d > 0 and aid in plan.members:
            found[plan.members[aid].meta.site] += d
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
