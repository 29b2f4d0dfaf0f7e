"""One batch's decisions, made on a snapshot read from Redis and turned into guarded writes.

The plan keeps a local model of every record and cluster it read, applies each article's
decision to that model (so later articles of the batch see earlier ones), and remembers what
it read (guards) so that the single atomic write can refuse a stale plan.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from dedup import codec
from dedup.backdating import backdated_articles
from dedup.citations import CiterIndex, cited_from_outside, revisit_cited
from dedup.claims import credits_another_site
from dedup.codec import ClusterField, GuardName
from dedup.config import Settings
from dedup.joining import holds_other_story_of_site, joins_story
from dedup.keys import Keys
from dedup.models import ArticleMeta, Outcome, Prepared, Verdict
from dedup.provenance import Member, assign_roles, choose_original
from dedup.publishers import same_site
from dedup.scoring import PairScore, related, score
from dedup.shapes import Shapes
from dedup.signature import Signature
from dedup.store import Op, RawState


@dataclass(slots=True)
class ClusterModel:
    version: int  # as read; 0 when the key did not exist
    members: list[str]
    original: str | None = None
    verdicts: dict[str, Verdict] = field(default_factory=dict)


def _unchanged(old: Member, art: Prepared) -> bool:
    """The same text and metadata: the stored article stays as it was signed, whatever site
    templates were learned since (``wiretrace reindex`` signs everything again). An article
    stored without a text digest (written by an earlier version) compares its signed text."""
    if old.meta.text_digest:
        return old.meta == art.meta
    return old.sig.text_hash == art.sig.text_hash and \
        replace(old.meta, text_digest=art.meta.text_digest) == art.meta


class Plan:
    """Decisions for one batch over one snapshot."""

    def __init__(self, raw: RawState, keys: Keys, settings: Settings,
                 republisher: Callable[[set[str]], dict[str, bool]] | None = None) -> None:
        self.keys = keys
        self.settings = settings
        self.republisher = republisher
        self.raw = raw
        self.members: dict[str, Member] = {}
        self.cluster_of: dict[str, str] = {}
        self.shapes = Shapes(None)  # texts to compare; reads once given read_texts
        for r in raw.records.values():
            self.members[r.id] = Member(r.id, Signature.from_bytes(r.sig),
                                        ArticleMeta.from_json(r.meta))
            self.cluster_of[r.id] = r.cluster
        self.clusters: dict[str, ClusterModel] = {}
        for cid, fields in raw.clusters.items():
            verdicts = {k: Verdict.from_json(v) for k, v in codec.members(fields).items()}
            if verdicts:
                original = (fields.get(ClusterField.ORIGINAL) or b"").decode() or None
                self.clusters[cid] = ClusterModel(int(fields.get(ClusterField.VERSION, b"0")),
                                                  list(verdicts), original, verdicts)
        self.initial_roles = {i: self.role_of(i) for i in self.members}
        # First guard: the write counter. When no write happened since the read, the band
        # guards hold without re-reading band entries (the common, uncontended case).
        self.guards: dict[tuple[str, str, str | bytes], bytes] = {
            (GuardName.EPOCH, keys.epoch, ""): raw.epoch}
        self.dirty_clusters: set[str] = set()
        self.deleted_clusters: set[str] = set()
        self.written: dict[str, Prepared] = {}
        self.removed: dict[str, Member] = {}
        self.credit_deltas: dict[str, int] = {}  # site -> change in articles crediting others
        self.band_ops: list[Op] = []
        self._scores: dict[tuple[str, str], PairScore] = {}
        self._priors: dict[str, bool] = {}
        self._expected: set[str] = set()
        self.citers = CiterIndex()  # who names which URL as a source (dedup.citations)
        self.initially_backdated = backdated_articles(self)  # the model as read

    # -- model queries ------------------------------------------------------------------
    def role_of(self, article_id: str) -> str | None:
        if article_id not in self.members:
            return None
        cm = self.clusters.get(self.cluster_of[article_id])
        if cm is None or article_id not in cm.verdicts:
            return "unique"
        return cm.verdicts[article_id].role

    def pair(self, a: Member, b: Member) -> PairScore:
        key = (a.id, b.id)
        if key not in self._scores:
            self._scores[key] = score(a.sig, b.sig)
        return self._scores[key]

    def members_of(self, cid: str) -> list[str]:
        self._guard_cluster(cid)
        cm = self.clusters.get(cid)
        return list(cm.members) if cm else [cid] if cid in self.members else []

    def _guard_cluster(self, cid: str) -> None:
        key = self.keys.cluster(cid)
        if (GuardName.HGET, key, ClusterField.VERSION) not in self.guards and \
                cid not in self.dirty_clusters:
            cm = self.clusters.get(cid)
            version = str(cm.version).encode() if cm else b""
            self.guards[(GuardName.HGET, key, ClusterField.VERSION)] = version

    def priors(self, members: list[Member]) -> frozenset[str]:
        """The members' sites known to mostly republish, as this plan's snapshot reads them
        (each site read once per plan: no clock decides)."""
        if self.republisher is None:
            return frozenset()
        if {m.meta.site for m in members} - self._priors.keys():  # read them all at once
            self._priors.update(self.republisher(
                ({m.meta.site for m in [*members, *self.members.values()]} | self._expected)
                - self._priors.keys()))
        return frozenset(s for m in members if self._priors[s := m.meta.site])

    def mark_republishers(self, sites: set[str]) -> None:
        """From now on, this plan's decisions take these sites to republish others' articles
        (what its batch found of them, before its write counts it)."""
        self._priors.update(dict.fromkeys(sites, True))

    def decide_again(self, cid: str) -> None:
        """Decide a cluster of the model again, as its members and the priors now stand."""
        cm = self.clusters.get(cid)
        if cm is not None:
            self._set_cluster(cid, list(cm.members))

    def expect_sites(self, sites: set[str]) -> None:
        """Sites of articles still to be added: their priors are read with the first."""
        self._expected |= sites

    # -- decisions ------------------------------------------------------------------------
    def add(self, art: Prepared, band_digest: bytes, candidate_ids: list[str]) -> Outcome:
        """Decide where one article goes and record it in the model.

        ``candidate_ids``: the indexed articles that share a band with it, and the articles
        of the same batch added before it that do."""
        sig_key = self.keys.sig(art.id)
        if (GuardName.GET, sig_key, "") not in self.guards:
            raw = self.raw.records.get(art.id)
            self.guards[(GuardName.GET, sig_key, "")] = raw.sig if raw else b""
        old = self.members.get(art.id)
        status = "new"
        if old is not None:
            art.meta.first_seen = old.meta.first_seen
            if _unchanged(old, art):
                return Outcome(art.id, art.meta.url, "unchanged", self.role_of(art.id) or "",
                               self.cluster_of[art.id])
            self.detach(art.id)
            status = "updated"
        self._count_credit(art.meta, 1)
        member = Member(art.id, art.sig, art.meta)
        candidates: dict[str, Member] = {}
        self.guards.setdefault((GuardName.BANDS, "", art.bands), band_digest)
        for cid in candidate_ids:
            if cid != art.id and cid in self.members:
                candidates[cid] = self.members[cid]
        rel = []
        for cand in candidates.values():
            s = self.pair(member, cand)
            if related(s, same_site(art.meta.site, cand.meta.site), self.settings):
                rel.append((s.shared, cand.id))
        # A site does not republish its own other stories: a cluster holding another article
        # of this site that this one is not a near-repeat of is a different story (two press
        # releases sharing an "About us" block, linked through a copy of one of them).
        rel = [(shared, cid) for shared, cid in rel
               if not holds_other_story_of_site(self, member, self.cluster_of[cid])]
        linked = {cid for _, cid in rel}
        rel = [(shared, cid) for shared, cid in rel if joins_story(self, member, cid, linked)]
        self.members[art.id] = member
        self.citers.add(member)
        self.written[art.id] = art
        self.shapes.add_text(art.id, art.text)
        if not rel:
            self.cluster_of[art.id] = art.id
            revisit_cited(self, member)
            return Outcome(art.id, art.meta.url, status, "unique", art.id)
        rel.sort(reverse=True)
        target = self.cluster_of[rel[0][1]]
        ids = [*self.members_of(target), art.id]
        for _, cand_id in rel[1:]:
            other = self.cluster_of[cand_id]
            if other == target or other in self.deleted_clusters:
                continue
            other_ids = self.members_of(other)
            if art.id in other_ids:
                continue
            trial = [self.members[i] for i in [*other_ids, art.id]]
            if choose_original(trial, self.pair, self.settings,
                               self.priors(trial)).original == art.id:
                ids += other_ids  # art is the source of that cluster too: one story
                self._drop_cluster(other)
        self._set_cluster(target, ids)
        revisit_cited(self, member)
        return Outcome(art.id, art.meta.url, status, self.role_of(art.id) or "", target)

    def _set_cluster(self, cid: str, ids: list[str]) -> None:
        ids = list(dict.fromkeys(ids))
        self._guard_cluster(cid)
        if len(ids) < 2:
            self._drop_cluster(cid)
            for i in ids:
                self.cluster_of[i] = i
            return
        members = [self.members[i] for i in ids]
        cited, cited_by = cited_from_outside(self, ids)
        choice = choose_original(members, self.pair, self.settings, self.priors(members), cited)
        if choice.original:
            # A cluster is one story: members that share nothing with its original came in
            # through a page that carries two stories (a digest seen first); they form their
            # own cluster.
            o = self.members[choice.original]
            stray = [m.id for m in members if m.id != o.id and not related(
                self.pair(m, o), same_site(m.meta.site, o.meta.site), self.settings)]
            if stray:
                keep = [i for i in ids if i not in stray]
                # the cluster keeps its name unless the member it is named after strays
                keep_name, stray_name = (keep[0], cid) if cid in stray else (cid, stray[0])
                self._set_cluster(stray_name, stray)
                self._set_cluster(keep_name, keep)
                return
        cm = self.clusters.get(cid)
        shapes = self.shapes.measure(members, choice, self.pair, cm.verdicts if cm else {})
        verdicts = assign_roles(members, choice, self.pair, self.settings, shapes)
        self.citers.keep(verdicts, cited_by)
        version = cm.version if cm else 0
        self.clusters[cid] = ClusterModel(version, ids, choice.original, verdicts)
        self.dirty_clusters.add(cid)
        self.deleted_clusters.discard(cid)
        for i in ids:
            self.cluster_of[i] = cid

    def _drop_cluster(self, cid: str) -> None:
        self._guard_cluster(cid)
        if cid in self.clusters:
            self.deleted_clusters.add(cid)
            self.dirty_clusters.add(cid)
            del self.clusters[cid]

    def _count_credit(self, meta: ArticleMeta, delta: int) -> None:
        if credits_another_site(meta):
            self.credit_deltas[meta.site] = self.credit_deltas.get(meta.site, 0) + delta

    def detach(self, article_id: str) -> None:
        """Take an article out of the model (before an update or a removal)."""
        cid = self.cluster_of.get(article_id)
        old = self.members[article_id]
        self._count_credit(old.meta, -1)
        self.citers.remove(self, old)  # and decides again what it named
        rest = [i for i in self.members_of(cid) if i != article_id] if cid else []
        if cid == article_id and rest:
            # The cluster was named after this article; the rest keep the name's key but it
            # must move to a member that stays.
            self._drop_cluster(cid)
            cid = rest[0]
        if cid:
            self._set_cluster(cid, rest)
        if article_id not in self.written:
            self.removed[article_id] = old
        self.written.pop(article_id, None)
        del self.members[article_id]
        self.cluster_of.pop(article_id, None)
