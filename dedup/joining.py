"""Which story a new article joins, as a plan's model stands: the rules that keep a cluster
one story (:meth:`dedup.plan.Plan.add`)."""

from typing import TYPE_CHECKING

from dedup.publishers import same_site
from dedup.scoring import related

if TYPE_CHECKING:
    from dedup.plan import Plan
    from dedup.provenance import Member


def joins_story(plan: "Plan", member: "Member", via: str, linked: set[str]) -> bool:
    """Whether relating to ``via`` makes this article part of via's story: via is the
    story's original, or it is inside via, or via inside it, or it also relates to another
    member of via's cluster (a band shared or not). What a page that mixes two stories (a
    roundup, a digest) shares with an article may be the other story: through it alone,
    the article does not join.

    The original is not such a page in a cluster as it stands: a digest is the original
    only while no earlier source of its stories is a member, and once one comes in, what
    relates to the digest alone no longer relates to the original and strays to a cluster
    of its own (:meth:`dedup.plan.Plan._set_cluster`), whatever the order."""
    cm = plan.clusters.get(plan.cluster_of[via])
    others = set(cm.members) - {via} if cm else set()
    if cm is None or not others or via == cm.original or linked & others:
        return True
    s = plan.pair(member, plan.members[via])
    if max(s.a_in_b, s.b_in_a) >= 0.85:
        return True
    return any(related(plan.pair(member, o), same_site(member.meta.site, o.meta.site),
                       plan.settings)
               for o in (plan.members[i] for i in sorted(others) if i in plan.members))


def holds_other_story_of_site(plan: "Plan", member: "Member", cid: str) -> bool:
    """Whether cluster ``cid`` holds another article of this article's site that it is not
    a near-repeat of (a site does not republish its own other stories)."""
    for mid in plan.members_of(cid):
        other = plan.members[mid]
        if mid != member.id and same_site(member.meta.site, other.meta.site) and not \
                related(plan.pair(member, other), True, plan.settings):
            return True
    return False
