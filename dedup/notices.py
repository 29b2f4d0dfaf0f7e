"""What a write owes the publishers: each copy or partial's row in its original's site's copy
index, and an event on the watch stream when that site (or the site it was credited to
before) is watched.

Both are derived from the index's state after a successful write, never from a counter:
:func:`copy_facts` lists the copies a batch touched as they now stand, and each script
below compares with what it stored before and changes nothing when they agree. Running it
twice (a batch ingested again after a crash between the index write and this step) queues
nothing twice; running it after a crash catches up what was missed. The steps of two
writes that ran in the opposite order are told apart by a stamp per copy (below): the
older changes nothing. The events of one write for one site are one stream entry (one
webhook message). See README "For publishers".
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

import redis
from redis.cluster import RedisCluster

from dedup import codec
from dedup.codec import ClusterField
from dedup.keys import Keys
from dedup.models import Outcome, Verdict
from dedup.plan import Plan
from dedup.publishers import same_site, site_of

logger = logging.getLogger(__name__)

# KEYS rows, time, by, weeks of one site; ARGV copy, row JSON, seen (epoch s), copy site, week
_ROW = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old == ARGV[2] then return 0 end
if old then
  local o = cjson.decode(old)
  if redis.call('ZINCRBY', KEYS[3], -1, o.s) + 0 <= 0 then redis.call('ZREM', KEYS[3], o.s) end
  if redis.call('HINCRBY', KEYS[4], o.w, -1) <= 0 then redis.call('HDEL', KEYS[4], o.w) end
end
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return old and 1 or 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZINCRBY', KEYS[3], 1, ARGV[4])
redis.call('HINCRBY', KEYS[4], ARGV[5], 1)
return 1
"""

# Steps of two writers can run in the opposite order of their writes. Whether a step is older
# than the one last recorded for a copy: the version of the cluster holding the copy after
# the write (each write to a cluster bumps it; a write that changes a copy read its cluster
# after every earlier write to it applied) against the version last recorded for that
# cluster, or against the version the recorded step read when it moved the copy out of it.
# The write counter as a write read it cannot order them (it is read before the clusters, so
# a later write may have read a lower one); the counter a write leaves is known only to its
# script. Stamps are trusted STAMP_KEEP_MS (a cluster id deleted and made again restarts its
# versions), far longer than any step overtaken in flight; a copy moved twice in that time
# by racing writers is not ordered.
STAMP_KEEP_MS = 600_000
MESSAGE_COPIES = 100  # copies in one stream entry (one webhook message) at most

# dedup/lua/watch_events.lua: the events of a write's facts, and which facts are current
_EVENTS = (resources.files("dedup").joinpath("lua", "watch_events.lua").read_text()
           .replace("KEEP", str(STAMP_KEEP_MS)))


@dataclass(frozen=True, slots=True)
class CopyFact:
    """A copy or partial as a write left it."""

    copy: str
    copy_site: str
    original: str
    original_site: str
    role: str
    containment: float | None
    seen: str  # the copy's first_seen, ISO 8601
    previous_site: str | None  # its original's site before this write, when another
    cluster: str = "-"  # the cluster holding it after the write ('-' when removed)
    version: int = 0  # that cluster's version after the write
    before: str = "-"  # the cluster holding it before the write, as read ('-' when none)
    before_version: int = 0  # that cluster's version as read


def week_of(iso: str) -> tuple[float, str]:
    """(epoch seconds, the Monday of its ISO week as YYYY-MM-DD) of a timestamp."""
    try:
        t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        t = datetime.fromtimestamp(0)
    return t.timestamp(), (t - timedelta(days=t.weekday())).strftime("%Y-%m-%d")


def copy_facts(plan: Plan, outcomes: list[Outcome]) -> list[CopyFact]:
    """The copies and partials a written batch touched: its own articles, every member whose
    role or original changed, and every member of a cluster one of its articles was
    re-ingested unchanged into (the catch-up after a crash)."""
    before: dict[str, Verdict] = {}
    for fields in plan.raw.clusters.values():
        for mid, raw in codec.members(fields).items():
            before[mid] = Verdict.from_json(raw)
    mine = {o.id for o in outcomes}
    again = {o.cluster for o in outcomes if o.status == "unchanged"}
    facts = []
    for cid in (plan.dirty_clusters - plan.deleted_clusters) | {o.cluster for o in outcomes}:
        cm = plan.clusters.get(cid)
        if cm is None:
            continue
        version = cm.version + (cid in plan.dirty_clusters)
        for mid, v in cm.verdicts.items():
            was = before.get(mid)
            original = v.original or cm.original
            changed = was is None or was.role != v.role or was.original != v.original
            if not (changed or mid in mine or cid in again) or mid not in plan.members:
                continue
            previous_site = _previous_site(plan, was)
            m = plan.members[mid]
            o = plan.members.get(original or "")
            if v.role not in ("copy", "partial") or o is None:
                if previous_site:  # no longer anyone's copy
                    facts.append(CopyFact(mid, site_of(m.meta.url), "", "", "", None,
                                          m.meta.first_seen, previous_site, cid, version,
                                          *_read(plan, mid)))
                continue
            if same_site(m.meta.site, o.meta.site):
                continue
            facts.append(CopyFact(mid, site_of(m.meta.url), o.id, site_of(o.meta.url), v.role,
                                  v.containment, m.meta.first_seen, previous_site, cid, version,
                                  *_read(plan, mid)))
    for rid, gone in plan.removed.items():  # removed copies: owed to nobody now
        if rid in plan.members:
            continue  # taken out to be written again (an update), not removed
        if previous_site := _previous_site(plan, before.get(rid)):
            facts.append(CopyFact(rid, site_of(gone.meta.url), "", "", "", None,
                                  gone.meta.first_seen, previous_site, "-", 0,
                                  *_read(plan, rid)))
    return facts


def _read(plan: Plan, article: str) -> tuple[str, int]:
    """The cluster that held an article when the write read it, and its version then."""
    record = plan.raw.records.get(article)
    if record is None or record.cluster not in plan.raw.clusters:
        return "-", 0
    fields = plan.raw.clusters[record.cluster]
    return record.cluster, int(fields.get(ClusterField.VERSION, b"0") or 0)


def _previous_site(plan: Plan, was: Verdict | None) -> str | None:
    """The site of the original a copy reproduced before the write (None if none)."""
    if was is None or was.role not in ("copy", "partial") or not was.original:
        return None
    m = plan.members.get(was.original) or plan.removed.get(was.original)
    return site_of(m.meta.url) if m else None


class Notices:
    """Records a write's copy facts: the watch events (and the order of steps), then the
    site copy index."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.client = client
        self.keys = keys
        self._row = client.register_script(_ROW)
        self._events = client.register_script(_EVENTS)

    def after_write(self, plan: Plan, outcomes: list[Outcome]) -> None:
        facts = copy_facts(plan, outcomes)
        if facts:
            self.record(facts)

    def record(self, facts: list[CopyFact]) -> int:
        """Events, then index rows for the facts not older than what a step of a later write
        recorded; returns the events queued. Each step is idempotent."""
        args: list[Any] = [MESSAGE_COPIES]
        for f in facts:
            now_of = f"{f.original_site} {f.original}" if f.original else ""
            args += [f.copy, f.cluster, f.version, f.before, f.before_version, now_of]
        answer = self._events(keys=[self.keys.watch_sent, self.keys.watch_events,
                                    self.keys.watch_stamps, self.keys.watches], args=args)
        current = [f for f, ok in zip(facts, answer, strict=False) if int(ok)]
        queued = int(answer[-1])
        rows: list[tuple[Any, Any, list[Any]]] = []
        for f in current:
            if f.previous_site and f.previous_site != f.original_site:
                rows.append((self._row, self.keys.site_copies(f.previous_site),
                             [f.copy, "", 0, "", ""]))
            if not f.original:
                continue
            seen, week = week_of(f.seen)
            row = json.dumps({"o": f.original, "s": f.copy_site, "r": f.role,
                              "c": f.containment, "w": week}, separators=(",", ":"))
            rows.append((self._row, self.keys.site_copies(f.original_site),
                         [f.copy, row, seen, f.copy_site, week]))
        self._scripts(rows)
        logger.debug("%d copy facts, %d older than recorded, %d events queued", len(facts),
                     len(facts) - len(current), queued)
        return queued

    def _scripts(self, calls: list[tuple[Any, Any, list[Any]]]) -> list[Any]:
        """Run script calls in one pipeline; one by one on a Redis Cluster, whose client
        refuses scripts in a pipeline (each call's keys share one slot)."""
        if isinstance(self.client, RedisCluster):
            return [script(keys=keys, args=args) for script, keys, args in calls]
        pipe = self.client.pipeline(transaction=False)
        for script, keys, args in calls:
            script(keys=keys, args=args, client=pipe)
        return pipe.execute()  # type: ignore[no-any-return,unused-ignore]
