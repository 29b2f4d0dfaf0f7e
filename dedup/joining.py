"""Which story a new article joins, as a plan's model stands: the rules that keep a cluster
one story (:meth:`dedup.plan.Plan.add`)."""

from typing import TYPE_CHECKING

from dedup.publishers import same_site
from dedup.scoring import related

if TYPE_CHECKING:
    from dedup.plan import Plan
    from dedup.provenance import Member


def joins_story(plan: "Plan", member: "Member", via: str, linked: set[str]) -> bool:
    """Whether relating to ``via`` makes this article part of via's story: it is inside
    via, or via inside it, or it also relates to another member of via's cluster. What a
    page that mixes two stories (a roundup, a digest) shares with an article may be the
    other story: through it alone, the article does not join."""
    cm = plan.clusters.get(plan.cluster_of[via])
    if cm is None or len(cm.members) < 2 or linked & (set(cm.members) - {via}):
        return True
    s = plan.pair(member, plan.members[via])
    return max(s.a_in_b, s.b_in_a) >= 0.85


def holds_other_story_of_site(plan: "Plan", member: "Member", cid: str) -> bool:
    """Whether cluster ``cid`` holds another article of this article's site that it is not
    a near-repeat of (a site does not republish its own other stories)."""
    for mid in plan.members_of(cid):
        other = plan.members[mid]
        if mid != member.id and same_site(member.meta.site, other.meta.site) and not \
                related(plan.pair(member, other), True, plan.settings):
            return True
    return False
