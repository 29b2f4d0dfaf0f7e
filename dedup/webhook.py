"""One webhook message: its JSON body and a signed POST (Standard Webhooks).

The body is ``{"type": "site.copies", "timestamp", "data": {"site", "copies": [...]}}``, one
entry of the watch stream (the copies one write owed one site, up to 100); the headers are
``webhook-id`` (derived from the site and its copies: the same on every post of the entry;
a receiver drops a repeat), ``webhook-timestamp`` (this attempt, in seconds) and
``webhook-signature`` (``v1,`` and the base64 HMAC-SHA256 of
``id.timestamp.body`` under the watch's secret), made by the ``standardwebhooks`` reference
library. The POST goes through the fetch guard (:func:`dedup.fetch.check_url`): no private
or loopback address unless allowed, the address checked is the address connected to, and
no redirect is followed.
"""

import hashlib
import http.client
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from standardwebhooks import Webhook

from dedup.fetch import FetchFailed, FetchPolicy, FetchRefused, checked_connection
from dedup.results import JsonObject, LookupResult


@dataclass(frozen=True, slots=True)
class Item:
    """One copy's change in a message."""

    kind: str  # copy.found | copy.reassigned
    copy: str
    original: str  # '' when the copy reproduces no indexed original any more
    previous: str  # the original it was reported with before ('' for a first report)


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the watch stream: up to ``MESSAGE_COPIES`` copies owed to one site by
    one write (see :mod:`dedup.notices`); one webhook message."""

    entry: str  # the stream entry id
    site: str
    items: tuple[Item, ...]
    at: int  # when it was queued, ms

    @classmethod
    def of(cls, entry: bytes | str, fields: dict[bytes, bytes]) -> "Event":
        f = {k.decode(): v.decode() for k, v in fields.items()}
        if "copy" in f:  # an entry of one copy, as queued before messages carried several
            items = [Item(f.get("kind", "copy.found"), f["copy"], f.get("original", ""),
                          f.get("previous", "").partition(" ")[2])]
        else:
            try:
                rows = json.loads(f.get("copies") or "[]")
            except ValueError:
                rows = []
            items = [Item(str(r.get("kind") or "copy.found"), str(r.get("copy") or ""),
                          str(r.get("original") or ""), str(r.get("previous") or ""))
                     for r in rows if isinstance(r, dict) and r.get("copy")]
        return cls(entry.decode() if isinstance(entry, bytes) else entry, f.get("site", ""),
                   tuple(items), int(f.get("at") or 0))

    @property
    def id(self) -> str:
        """The message's ``webhook-id``: derived from its site and copies, so every post of
        the entry (a retry, a claim after a crash) carries the same one."""
        lines = sorted(f"{i.kind} {i.copy} {i.original} {i.previous}" for i in self.items)
        return _digest("\n".join([self.site, *lines]))


def _digest(text: str) -> str:
    return "msg_" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _article(r: LookupResult | None) -> JsonObject | None:
    if r is None or not r.indexed:
        return None
    return {"id": r.id, "url": r.url, "site": r.site, "title": r.title,
            "published": r.published, "first_seen": r.first_seen, "role": r.role}


def _copy(site: str, item: Item, found: dict[str, LookupResult]) -> JsonObject:
    """One copy of a message, from the index as it stands (scores and evidence are the
    copy's when it still reproduces the item's original, else null). Its ``id`` is the same
    whenever the copy is owed to the same site with the same original."""
    copy = found.get(item.copy)
    original = found.get(item.original) if item.original else None
    current = bool(copy and copy.original and original and copy.original["url"] == original.url)
    return {
        "id": _digest(f"{site}\n{item.copy}\n{item.original}"),
        "type": item.kind,
        "copy": _article(copy),
        "original": _article(original),
        "previous_original": _article(found.get(item.previous)) if item.previous else None,
        "similarity": copy.similarity if current and copy else None,
        "containment": copy.containment if current and copy else None,
        "confidence": copy.confidence if current and copy else None,
        "evidence": list(copy.evidence) if current and copy else [],
    }


def message(event: Event, found: dict[str, LookupResult]) -> JsonObject:
    """The JSON body for an entry: ``site.copies`` with the site and its copies."""
    queued = datetime.fromtimestamp(event.at / 1000, UTC).isoformat().replace("+00:00", "Z")
    return {"type": "site.copies", "timestamp": queued,
            "data": {"site": event.site, "copies": [_copy(event.site, i, found)
                                                      for i in event.items]}}


def signed_headers(secret: str, webhook_id: str, body: str, now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt."""
    return {"webhook-id": webhook_id, "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(secret).sign(webhook_id, now, body),
            "Content-Type": "application/json"}


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one POST came to."""

    status: int | None  # the receiver's status; None when none answered
    error: str = ""
    refused: bool = False  # the fetch guard refused the URL: retrying cannot help

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: str, headers: dict[str, str], policy: FetchPolicy) -> Attempt:
    """POST a body to a webhook URL the fetch guard allows; redirects are not followed."""
    try:
        conn, path, host = checked_connection(url, policy, policy.timeout)
    except FetchRefused as exc:
        return Attempt(None, str(exc), refused=True)
    except FetchFailed as exc:
        return Attempt(None, str(exc))
    try:
        data = body.encode()
        conn.request("POST", path, body=data, headers={
            **headers, "Host": host, "User-Agent": policy.user_agent,
            "Content-Length": str(len(data))})
        resp = conn.getresponse()
        resp.read(64 * 1024)
        return Attempt(resp.status, "" if resp.status < 300 else f"HTTP {resp.status}")
    except (OSError, http.client.HTTPException) as exc:
        return Attempt(None, f"{type(exc).__name__}: {exc}"[:200])
    finally:
        conn.close()


def encode(payload: JsonObject) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
