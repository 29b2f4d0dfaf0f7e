"""A guarded write on a Redis Cluster, where one script may touch one slot only.

The write keeps the single-node contract (every guard holds, then all operations apply, one
writer at a time) with a journal in the control slot (the namespace's own tag):

1. take the write lease (a key with a TTL) in the control slot; when a journal is pending
   (its writer died or lost a node mid-write), replay it first;
2. check the guards while holding the lease: when the write counter is the one the plan
   read, nothing was written since and every band guard holds; else read them (what apply.lua
   does with its digests);
3. write the operations, grouped by slot, as the journal (MessagePack), numbered by the write
   counter it bumps;
4. apply each slot's share with apply.lua in journal mode: atomic in its slot, and skipped
   where the slot's marker shows that journal or a later one applied (a replay, or a writer
   that paused past its lease: the number fences it off);
5. ask each master touched to WAIT for a replica (the journal's master too, before step 4),
   then delete the journal, bump the write counter again (a plan read mid-write fails its
   check) and release the lease.

A writer killed at any point loses nothing it acknowledged: the next writer replays.
"""

import contextlib
import hashlib
import logging
import os
import random
import socket
import time
import uuid
from typing import Any

import msgpack
import redis
from redis.crc import key_slot

from dedup import codec
from dedup.codec import GuardName, OpName
from dedup.errors import StoreUnavailableError
from dedup.keys import Keys
from dedup.pernode import run_calls
from dedup.redisconn import UNAVAILABLE

logger = logging.getLogger(__name__)

# A band guard or op names a tuple of band keys (consecutive in KEYS); others one key.
Target = str | tuple[str, ...]
Guard = tuple[str, Target, str | bytes, bytes]
Op = tuple[str, Target, str | bytes, str | bytes | int | float]
Share = tuple[list[str], bytes]  # one slot's share of a write: apply.lua's KEYS, ARGV[2]

WAIT_MS = 200  # how long a write waits for each master's replica (best effort)

_ACQUIRE = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and holder ~= ARGV[2] then return {0, holder} end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3]) end
return {1, redis.call('GET', KEYS[2]) or '',
        redis.call('HGET', KEYS[3], BUCKETS) or tostring(INITIAL_BUCKETS),
        redis.call('HGET', KEYS[4], 'id') or '', redis.call('HGET', KEYS[4], 'body') or ''}
"""
_JOURNAL = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local j = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[3], 'id', j, 'body', ARGV[2])
return j
"""
_DONE = """
if ARGV[1] ~= '' and redis.call('HGET', KEYS[3], 'id') == ARGV[1] then
  redis.call('DEL', KEYS[3])
  redis.call('INCR', KEYS[2])
end
if ARGV[2] ~= '' and redis.call('GET', KEYS[1]) == ARGV[2] then redis.call('DEL', KEYS[1]) end
return 1
"""


class LeaseHeldError(Exception):
    """Another process holds the write lease (internal: the writer waits, then gives up)."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def pack(head: list[str], guards: list[Guard], ops: list[Op]) -> Share:
    """apply.lua's KEYS (``head`` first) and ARGV[2] for these guards and operations."""
    keys = list(head)
    position: dict[Target, int] = {}

    def at(target: Target) -> int:
        if isinstance(target, tuple):  # consecutive band keys: placed together, once (an
            # article's guard and its write name the same)
            if target not in position:
                position[target] = len(keys) + 1
                keys.extend(target)
            return position[target]
        if target not in position:
            keys.append(target)
            position[target] = len(keys)
        return position[target]

    flat: list[str | bytes | int | float] = [len(guards)]
    for kind, target, fld, value in guards:
        flat += [kind, at(target), fld, value]
    flat.append(len(ops))
    for op, target, fld, val in ops:
        flat += [op, at(target), fld, val]
    return keys, msgpack.packb(flat, use_bin_type=False)


def by_slot(keys: Keys, ops: list[Op]) -> dict[int, list[Op]]:
    """The operations of one write, per slot, in their order; a split becomes one split a
    bucket (in the bucket's slot) and the new count (in the control slot)."""
    out: dict[int, list[Op]] = {}

    def put(key: str, op: Op) -> None:
        out.setdefault(key_slot(key.encode()), []).append(op)

    for op in ops:
        name, target, fld, val = op
        if name == OpName.SPLIT and isinstance(target, tuple):
            start, k = int(fld), int(val)
            for s in range(k):
                put(target[s], (name, (target[s], target[k + s]), str(start + s), 1))
            put(keys.meta, (OpName.HSET, keys.meta, codec.BUCKETS, start + k))
        elif isinstance(target, tuple) and isinstance(fld, bytes):  # band entries
            per: dict[int, tuple[list[str], list[bytes]]] = {}
            for b, key in enumerate(target):
                ks, fs = per.setdefault(key_slot(key.encode()), ([], []))
                ks.append(key)
                fs.append(fld[b * codec.BAND_FIELD:(b + 1) * codec.BAND_FIELD])
            for slot, (ks, fs) in per.items():
                out.setdefault(slot, []).append((name, tuple(ks), b"".join(fs), val))
        elif isinstance(target, str):
            put(target, op)
    return out


class ClusterWrite:
    """The write side of :class:`dedup.store.Store` on a Redis Cluster."""

    def __init__(self, client: redis.Redis, keys: Keys, apply: Any, lease_ttl: float) -> None:
        self.client = client
        self.keys = keys
        self.apply_script = apply
        self.lease_ttl = lease_ttl
        self.me = f"write:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        prelude = codec.lua_prelude()
        self._acquire = client.register_script(prelude + _ACQUIRE)
        self._journal = client.register_script(_JOURNAL)
        self._done = client.register_script(_DONE)

    def apply(self, guards: list[Guard], ops: list[Op], token: str,
              buckets: int | None) -> tuple[int | None, int]:
        """Check the guards and apply ``ops``, as apply.lua does on one node: (None, band hash
        count) on success, (i, count) when guard i failed, (0, count) when the band hashes
        grew since ``buckets``. Raises LeaseHeldError while a reindex holds the lease."""
        epoch, count = self._take(token)
        mine = "" if token else self.me  # a reindex keeps the lease it holds
        try:
            if buckets is not None and buckets != count:
                return 0, count
            failed = self._check(guards, epoch)
            if failed is not None or not ops:
                return failed, count
            groups = by_slot(self.keys, ops)
            calls = [pack([self.keys.applied(next(iter(_first_key(g))))] * 3, [], g)
                     for g in groups.values()]
            body = msgpack.packb([[k, a] for k, a in calls], use_bin_type=True)
            head = [self.keys.lease, self.keys.epoch, self.keys.journal]
            number = self._call(lambda: run_calls(  # then WAIT: replicated before any share
                self.client, self._journal, [(head, [token or self.me, body])], WAIT_MS)[0])
            if not number:
                raise LeaseHeldError("")  # the lease expired while this writer waited
            self._run(str(number), calls)
            self._finish(str(number), mine)
            mine = ""
            for op in ops:
                if op[0] == OpName.SPLIT:
                    count = int(op[2]) + int(op[3])
            return None, count
        finally:
            if mine:  # failed or refused: the lease goes, a journal stays for a replay
                with contextlib.suppress(StoreUnavailableError):
                    self._finish("", mine)

    def settle(self, token: str) -> None:
        """Finish a write a dead writer left (``token``: the lease this process holds)."""
        self._take(token)

    def _take(self, token: str) -> tuple[bytes, int]:
        """Take the lease (or find it ours), replay a pending journal; the write counter and
        the band hash count then."""
        k = self.keys
        deadline = time.monotonic() + 2 * self.lease_ttl
        while True:
            res = self._call(self._acquire, [k.lease, k.epoch, k.meta, k.journal],
                             [self.me, token, int(self.lease_ttl * 1000)])
            if res[0] == 1:
                break
            holder = res[1].decode()
            if not holder.startswith("write:") or time.monotonic() > deadline:
                raise LeaseHeldError(holder)
            time.sleep(random.uniform(0.001, 0.004))
        epoch, count, pending, body = res[1], int(res[2]), res[3], res[4]
        if pending:
            logger.warning("replaying cluster write %s left unfinished", pending.decode())
            calls = msgpack.unpackb(body, raw=False)
            self._run(pending.decode(), [(list(c[0]), c[1]) for c in calls])
            self._finish(pending.decode(), "")
            return self._take(token)
        return epoch, count

    def _check(self, guards: list[Guard], epoch: bytes) -> int | None:
        """The position of the first guard that fails, None when all hold."""
        unchanged = any(g[0] == GuardName.EPOCH and g[3] == epoch for g in guards)
        pipe = self.client.pipeline(transaction=False)
        wanted: list[tuple[int, int]] = []  # (guard, reads it takes)
        for g, (kind, target, fld, _) in enumerate(guards):
            if kind == GuardName.EPOCH or (kind == GuardName.BANDS and unchanged):
                continue
            if kind == GuardName.BANDS and isinstance(target, tuple) and isinstance(fld, bytes):
                for b, key in enumerate(target):
                    pipe.hget(key, fld[b * codec.BAND_FIELD:(b + 1) * codec.BAND_FIELD])
                wanted.append((g, len(target)))
            elif isinstance(target, str):
                if kind == GuardName.HGET:
                    pipe.hget(target, fld)
                else:
                    pipe.get(target)
                wanted.append((g, 1))
        values = self._call(pipe.execute, None, []) if wanted else []
        pos = 0
        for g, n in wanted:
            got = [v or b"" for v in values[pos:pos + n]]
            pos += n
            value = band_digest(got) if guards[g][0] == GuardName.BANDS else got[0]
            if value != guards[g][3]:
                return g
        return None

    def _run(self, number: str, shares: list[Share]) -> None:
        """Apply every slot's share of journal ``number``, pipelined per master, each master
        then asked to WAIT for its replica."""
        self._call(lambda: run_calls(self.client, self.apply_script,
                                     [(k, ["", a, "", number]) for k, a in shares], WAIT_MS))

    def _finish(self, number: str, mine: str) -> None:
        """Delete journal ``number`` (none: '') and bump the write counter; release the lease
        when ``mine`` names it."""
        self._call(self._done, [self.keys.lease, self.keys.epoch, self.keys.journal],
                   [number, mine])

    def _call(self, script: Any, keys: list[str] | None = None, args: list[Any] | None = None
              ) -> Any:
        try:
            return script() if keys is None else script(keys=keys, args=args)
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(f"Redis is unavailable: {exc}") from exc


def _first_key(ops: list[Op]) -> tuple[str, ...]:
    target = ops[0][1]
    return target if isinstance(target, tuple) else (target,)


def band_digest(values: list[bytes]) -> bytes:
    """The digest apply.lua computes of band values, for a bands guard."""
    return hashlib.sha1(b",".join(b"%d:%s" % (len(v), v) for v in values)).hexdigest().encode()
