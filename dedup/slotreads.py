"""The parts of an ingest's reads that follow the slots: band entries read without a script
on a Redis Cluster (the counters first), and the candidate comparison split into one script
call a slot (one call on one Redis, where the index has one tag)."""

from typing import TYPE_CHECKING, Any

import redis

from dedup import codec
from dedup.keys import Keys
from dedup.params import PARAMS
from dedup.pernode import Call
from dedup.slots import by_slot

if TYPE_CHECKING:
    from dedup.plan import Plan


def band_values(client: redis.Redis, keys: Keys, fields: bytes
                ) -> tuple[bytes, int, int, list[bytes]]:
    """The write counter, band hash count and articles counter, read before the values of
    the band entries ``fields`` name (a write between the two changes the write counter, so a
    plan on what was read fails its check)."""
    pipe = client.pipeline(transaction=False)
    pipe.get(keys.epoch)
    pipe.hget(keys.meta, codec.BUCKETS)
    pipe.hget(keys.stats, "articles")
    epoch, buckets, articles = pipe.execute()
    count = int(buckets or codec.INITIAL_BUCKETS)
    band_keys, _ = keys.band_keys(fields, count)
    pipe = client.pipeline(transaction=False)
    n = codec.BAND_FIELD
    for j, key in enumerate(band_keys):
        pipe.hget(key, fields[j * n:(j + 1) * n])
    values = [v or b"" for v in pipe.execute()] if band_keys else []
    return epoch or b"", count, int(articles or 0), values


def candidate_calls(keys: Keys, ids: list[str], articles: list[tuple[str, bytes, bytes]],
                    ranked: list[list[str]], min_equal: int
                    ) -> tuple[list[list[str]], list[Call]]:
    """candidates.lua calls, one a slot of the candidates' signatures: the ids of each, and
    the calls."""
    parts, calls = [], []
    sig_keys = [keys.sig(c) for c in ids]
    groups = by_slot(sig_keys).values() if keys.sharded else [range(len(ids))]  # one tag
    for group in groups:
        part = [ids[j] for j in group]
        position = {c: i + 1 for i, c in enumerate(part)}
        args: list[Any] = [min_equal, len(articles)]
        for (_, qsig, _), cands in zip(articles, ranked, strict=True):
            usable = [c for c in cands if c in position] if qsig else []
            args += [qsig, len(usable), *(position[c] for c in usable)]
        parts.append(part)
        calls.append(([sig_keys[j] for j in group], args))
    return parts, calls


def merge_candidates(ranked: list[list[str]], parts: list[list[str]], results: list[Any]
                     ) -> tuple[list[list[str]], dict[str, bytes]]:
    """Per article the candidates kept, in their ranked order, and the signatures read."""
    chosen: list[set[str]] = [set() for _ in ranked]
    sigs: dict[str, bytes] = {}
    for part, (kept_pos, sig_list) in zip(parts, results, strict=True):
        for a, got in enumerate(kept_pos):
            chosen[a].update(part[p - 1] for p in got)
        sigs.update({part[i]: s for i, s in enumerate(sig_list) if s})
    return [[c for c in cands if c in mine] for cands, mine in zip(ranked, chosen,
                                                                    strict=True)], sigs


def equal_unrolled(n: int = PARAMS.num_perm) -> str:
    """A Lua function counting the positions where ``n`` values (arguments after the query's
    table ``q``) equal the query's, written out (candidates.lua: one candidate's signature a
    call; no table made, no loop)."""
    names = [f"v{p}" for p in range(1, n + 1)]
    return (f"local UNROLLED = {n}\n"
            f"local function equal_unrolled(q, {', '.join(names)})\n  local e = 0\n"
            + "".join(f"  if {v} == q[{p}] then e = e + 1 end\n"
                      for p, v in enumerate(names, 1))
            + "  return e\nend\n")


def torn(plan: "Plan") -> bool:
    """Whether a cluster of the plan lists a member the read found no record of: on a Redis
    Cluster, a read that fell between two slots' shares of a write (one under way, or a dead
    writer's journal not yet replayed)."""
    return any(m not in plan.members for cm in plan.clusters.values() for m in cm.members)
