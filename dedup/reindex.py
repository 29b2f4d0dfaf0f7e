"""Rebuilding the index from the stored texts, in place, under the write lease: after a
parameter change, to repair it (``fsck --repair``), or to migrate a schema ``v1`` index.

It can be killed at any point and run again: articles (records, aliases, first-seen order)
are never deleted; a checkpoint (phase, articles done) says where to go on. While it holds
the lease every other writer waits (``lease_wait``) and then plans again. It needs no spare
memory: derived structures are deleted before they are rebuilt.
"""

import logging
import os
import socket
import time
import uuid

import redis

from dedup.codec import ArticleField as F
from dedup.config import Settings
from dedup.errors import IndexBusyError, InputError
from dedup.ingest import Ingest
from dedup.keys import Keys, LegacyKeys
from dedup.models import ArticleInput, ArticleMeta
from dedup.prepare import draft_article
from dedup.texts import unpack_text

logger = logging.getLogger(__name__)

# What a rebuild deletes first; articles, aliases, ids, the write counter, lease and
# checkpoint stay.
DERIVED = ("band:", "sig:", "cluster:", "site:", "tpl:")
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end"


class Reindex:
    """One rebuild of one namespace."""

    def __init__(self, client: redis.Redis, keys: Keys, settings: Settings,
                 ingest: Ingest) -> None:
        self.client = client
        self.keys = keys
        self.legacy = LegacyKeys(keys.ns)
        self.settings = settings
        self.ingest = ingest
        self.token = f"reindex:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"

    def run(self) -> int:
        """Rebuild (or go on rebuilding) and return how many articles were written."""
        self._take_lease()
        self.ingest.token = self.token
        try:
            if self.ingest.store.cluster is not None:  # a dead writer's journal goes first
                self.ingest.store.cluster.settle(self.token)
            self._migrate_v1()
            state = {k.decode(): v.decode()
                     for k, v in self.client.hgetall(self.keys.reindex_state).items()}
            if state.get("phase") != "building":
                self.client.hset(self.keys.reindex_state, "phase", "clearing")
                self._clear()
                self.client.hset(self.keys.reindex_state, mapping={"phase": "building",
                                                                   "done": 0})
                state = {"done": "0"}
            written = self._build(int(state.get("done", 0)))
            self.client.delete(self.keys.reindex_state)
            return written
        finally:
            self.ingest.token = ""
            self.client.eval(_RELEASE, 1, self.keys.lease, self.token)

    def _take_lease(self) -> None:
        ttl = int(self.settings.lease_ttl * 1000)
        deadline = time.monotonic() + self.settings.lease_wait
        while not self.client.set(self.keys.lease, self.token, nx=True, px=ttl):
            holder = (self.client.get(self.keys.lease) or b"").decode()
            if time.monotonic() > deadline:
                raise IndexBusyError(f"the write lease is held by {holder}; try again later")
            logger.info("waiting for the write lease held by %s", holder)
            time.sleep(0.2)

    def _renew(self) -> None:
        ttl = int(self.settings.lease_ttl * 1000)
        if self.client.get(self.keys.lease) != self.token.encode() or \
                not self.client.pexpire(self.keys.lease, ttl):
            raise IndexBusyError("the reindex lost its write lease (paused longer than "
                                 "lease_ttl?); run `wiretrace reindex` again")

    def _delete(self, pattern: str) -> None:
        batch = []
        for key in self.client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                self.client.unlink(*batch)
                batch = []
        if batch:
            self.client.unlink(*batch)

    def _clear(self) -> None:
        for family in DERIVED:
            self._delete(self.keys.index_pattern(family))
        self.client.unlink(self.keys.stats, self.keys.meta)
        self.ingest.store.forget_params()

    def _build(self, done: int) -> int:
        written = 0
        size = self.settings.batch_size
        while True:
            self._renew()
            ids = [i.decode() for i in self.client.zrange(self.keys.ids, done, done + size - 1)]
            if not ids:
                return written
            pipe = self.client.pipeline(transaction=False)
            for aid in ids:
                pipe.hmget(self.keys.article(aid), [F.TEXT, F.META])
            drafts = []
            for aid, (text, meta) in zip(ids, pipe.execute(), strict=True):
                if not (text and meta):
                    logger.warning("article %s has no stored text; left out", aid)
                    continue
                m = ArticleMeta.from_json(meta)
                item = ArticleInput.of(m, url=m.url, text=unpack_text(text), site=m.site)
                try:
                    draft = draft_article(item, self.settings)
                except InputError as exc:
                    logger.warning("article %s is no longer indexable: %s", aid, exc)
                    continue
                draft.meta.first_seen = m.first_seen
                drafts.append(draft)
            if drafts:
                written += len(self.ingest.write(self.ingest.sign(drafts)))
            done += len(ids)
            self.client.hset(self.keys.reindex_state, "done", done)

    def _migrate_v1(self) -> None:
        """Copy a v1 index's articles, aliases, order and crawl state into v2, then delete
        every v1 key (the order last, so a re-run copies again what a kill interrupted)."""
        old, new = self.legacy, self.keys
        if not self.client.exists(old.ids):
            return
        logger.warning("migrating the v1 index of namespace %r", new.ns)
        start = 0
        while chunk := self.client.zrange(old.ids, start, start + 499, withscores=True):
            start += len(chunk)
            pipe = self.client.pipeline(transaction=False)
            for raw_id, _ in chunk:
                pipe.hmget(old.article(raw_id.decode()), [old.URL, old.META, old.TEXT])
            pipe2 = self.client.pipeline(transaction=False)
            for (raw_id, score), (url, meta, text) in zip(chunk, pipe.execute(), strict=True):
                if url and meta and text:
                    aid = raw_id.decode()
                    pipe2.hset(new.article(aid), mapping={F.URL: url, F.META: meta,
                                                          F.TEXT: text})
                    pipe2.zadd(new.ids, {aid: score}, nx=True)
            pipe2.execute()
        for key in self.client.scan_iter(match=old.alias_pattern, count=1000):
            target = self.client.get(key)
            if target:
                self.client.set(new.alias(key.decode().rsplit(":", 1)[1]), target)
        for key in self.client.scan_iter(match=old.crawl_pattern, count=1000):
            target = new.prefix + key.decode()[len(old.prefix):]
            dump = self.client.dump(key)  # not RENAMENX: on a cluster the two keys' slots differ
            if dump is not None and not self.client.exists(target):
                self.client.restore(target, max(0, int(self.client.pttl(key))), dump)
        for key in self.client.scan_iter(match=old.prefix + "*", count=1000):
            if key.decode() != old.ids:
                self.client.unlink(key)
        self.client.unlink(old.ids)
