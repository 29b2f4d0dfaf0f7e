"""`wiretrace notify`: delivers the watch stream's events to the watches' webhooks.

At least once, nothing acknowledged lost: events are read through the consumer group
``notify``; an event is acknowledged (XACK) only after its receiver answered 2xx (or when it
can never be delivered: no such watch, a refused address, ``notify_max_tries`` failures, each
logged). A notifier killed at any point leaves its events pending; any notifier claims them
(XAUTOCLAIM) once they were idle ``notify_retry_idle`` seconds and posts them again with the
same ``webhook-id``. The ids delivered are remembered (``Keys.watch_delivered``) so an entry
posted and not acknowledged (killed in between) is not posted again by its next claim; they
are forgotten ``DELIVERED_KEEP`` seconds before the oldest entry still owed (trimmed with the
stream: no entry still owed can have been delivered before it was queued).

An entry is one message: the copies one write owed one site (up to 100, see
:mod:`dedup.notices`), so a burst of copies goes out in a few POSTs. Entries are taken
``notify_batch`` at a time and posted ``notify_concurrency`` at once; each is retried
``notify_attempts`` times in a row with exponential backoff (tenacity), then waits
for its next claim, the wait doubling per failed claim.
"""

import json
import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import redis
from tenacity import Retrying, retry_if_result, stop_after_attempt, wait_exponential

from dedup.config import Settings
from dedup.engine import Engine
from dedup.fetch import FetchPolicy
from dedup.results import LookupResult
from dedup.watches import Watch
from dedup.webhook import Attempt, Event, encode, message, post, signed_headers

logger = logging.getLogger(__name__)
GROUP = "notify"
DELIVERED_KEEP = 86_400  # seconds of deliveries kept before the oldest entry still owed


class Notifier:
    """One delivering process (any number may run: the group shares the stream out)."""

    def __init__(self, engine: Engine, settings: Settings,
                 policy: FetchPolicy | None = None) -> None:
        self.engine = engine
        self.client = engine.client
        self.keys = engine.keys
        self.settings = settings
        self.policy = policy or FetchPolicy(allow_private=settings.notify_allow_private,
                                            timeout=settings.notify_timeout,
                                            user_agent="wiretrace/0.1 (webhooks)")
        self.consumer = f"{socket.gethostname()}-{os.getpid()}"
        self.stop = threading.Event()
        self.delivered = 0
        self._count = threading.Lock()

    def ensure_group(self) -> None:
        try:
            self.client.xgroup_create(self.keys.watch_events, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def run(self, seconds: float | None = None, drain: bool = False) -> int:
        """Deliver until stopped, ``seconds`` passed, or (``drain``) nothing is left to
        deliver; returns the events delivered."""
        self.ensure_group()
        until = time.monotonic() + seconds if seconds else None
        with ThreadPoolExecutor(self.settings.notify_concurrency,
                                thread_name_prefix="wiretrace-notify") as pool:
            while not self.stop.is_set() and (until is None or time.monotonic() < until):
                self.step(pool, block_ms=200 if drain else 1000)
                if drain and not self.outstanding():
                    break
        return self.delivered

    def outstanding(self) -> int:
        """Events not acknowledged yet: pending in the group, or not read by it."""
        group = self._group()
        if group is None:
            return 0
        lag = group.get("lag")
        if lag is None:  # Redis cannot count it (entries deleted): is anything past the last?
            last = self.client.xinfo_stream(self.keys.watch_events)["last-generated-id"]
            lag = int(last != group["last-delivered-id"])
        return int(group["pending"]) + int(lag)

    def _group(self) -> dict[str, Any] | None:
        info = self.client.xinfo_groups(self.keys.watch_events)
        return next((g for g in info if g["name"] in (GROUP, GROUP.encode())), None)

    def step(self, pool: ThreadPoolExecutor, block_ms: int = 1000) -> int:
        """One batch: claim what waited long enough, read what is new, post, acknowledge."""
        batch = self.settings.notify_batch
        claimed = self.client.xautoclaim(self.keys.watch_events, GROUP, self.consumer,
                                         int(self.settings.notify_retry_idle * 1000),
                                         "0-0", count=batch)[1]
        fresh = self.client.xreadgroup(GROUP, self.consumer, {self.keys.watch_events: ">"},
                                       count=batch, block=None if claimed else block_ms)
        entries = [*claimed, *(e for _, items in fresh or [] for e in items)]
        parsed = [Event.of(eid, fields) for eid, fields in entries if fields]
        events = [e for e in parsed if e.items]
        # trimmed away, or naming no copy: nothing to post
        gone = [eid for eid, fields in entries if not fields] + \
            [e.entry for e in parsed if not e.items]
        if not events and not gone:
            return 0
        ids = {i for e in events for it in e.items for i in (it.copy, it.original, it.previous)
               if i}
        found = {r.id or "": r for r in self.engine.lookup_ids(sorted(ids))} if ids else {}
        watches = {w.site: w for w in self.engine.watches.all()}
        done = [e.entry for e, ok in zip(events, pool.map(
            lambda e: self.deliver(e, watches.get(e.site), found), events), strict=True) if ok]
        if done or gone:
            self.client.xack(self.keys.watch_events, GROUP, *done, *gone)
            self.trim()
        return len(done)

    def trim(self) -> None:
        """Drop the stream's entries older than every entry still owed: the oldest pending
        one, or the group's last read when none is pending (unread entries stay)."""
        summary = self.client.xpending(self.keys.watch_events, GROUP)
        if summary["pending"]:
            floor = summary["min"]
        else:
            group = self._group()
            if group is None:
                return
            floor = group["last-delivered-id"]
        self.client.xtrim(self.keys.watch_events, minid=floor, approximate=False)
        floor_ms = int((floor.decode() if isinstance(floor, bytes) else str(floor)).split("-")[0])
        self.client.zremrangebyscore(self.keys.watch_delivered, "-inf",
                                     f"({floor_ms / 1000 - DELIVERED_KEEP}")

    def deliver(self, event: Event, watch: Watch | None,
                found: dict[str, LookupResult]) -> bool:
        """Post one entry's message; True when it is settled (to be acknowledged)."""
        wid = event.id
        if self.client.zscore(self.keys.watch_delivered, wid) is not None:
            return True  # a repeat of an event delivered before
        if watch is None or not watch.webhook:
            return True  # the watch was removed, or has no webhook: nobody to tell
        tries = json.loads(self.client.hget(self.keys.watch_tries, wid) or "{}")
        if tries.get("due", 0) > time.time():
            return False  # failed before: its next claim is not due yet
        body = encode(message(event, found))
        url, secret = watch.webhook, watch.secret

        def attempt() -> Attempt:
            now = datetime.now(UTC)
            return post(url, body, signed_headers(secret, wid, body, now), self.policy)

        result = Retrying(
            stop=stop_after_attempt(self.settings.notify_attempts),
            wait=wait_exponential(multiplier=self.settings.notify_backoff, max=300),
            retry=retry_if_result(lambda a: not a.ok and not a.refused and
                                  not self.stop.is_set()),
            retry_error_callback=lambda state: state.outcome.result() if state.outcome
            else Attempt(None, "stopped"),
        )(attempt)
        failures = int(tries.get("n", 0)) + (0 if result.ok else self.settings.notify_attempts)
        settled = result.ok or result.refused or failures >= self.settings.notify_max_tries
        state = "delivered" if result.ok else "refused" if result.refused else \
            "failed" if settled else "retrying"
        self._log(event, wid, state, result, failures)
        pipe = self.client.pipeline(transaction=False)
        if result.ok:
            pipe.zadd(self.keys.watch_delivered, {wid: time.time()})
        if settled:
            pipe.hdel(self.keys.watch_tries, wid)
        else:
            claims = failures // self.settings.notify_attempts
            due = time.time() + self.settings.notify_retry_idle * 2 ** max(0, claims - 1)
            pipe.hset(self.keys.watch_tries, wid, json.dumps({"n": failures, "due": due}))
        pipe.execute()
        if result.ok:
            with self._count:
                self.delivered += len(event.items)
        return settled

    def _log(self, event: Event, wid: str, state: str, result: Attempt, failures: int) -> None:
        first, kinds = event.items[0], {i.kind for i in event.items}
        entry = {"at": round(time.time(), 3), "webhook_id": wid,
                 "kind": kinds.pop() if len(kinds) == 1 else "mixed",
                 "copy": first.copy, "original": first.original,
                 "copies": [i.copy for i in event.items], "state": state,
                 "status": result.status, "error": result.error, "failures": failures}
        key = self.keys.watch_log(event.site)
        pipe = self.client.pipeline(transaction=False)
        pipe.lpush(key, json.dumps(entry, separators=(",", ":")))
        pipe.ltrim(key, 0, self.settings.notify_log_keep - 1)
        pipe.execute()
        logger.info("%s %s %d copies: %s %s", event.site, wid, len(event.items), state,
                    result.status or result.error)
