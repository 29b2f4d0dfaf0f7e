"""One webhook message: its JSON body and a signed POST (Standard Webhooks).

The body is ``{"type", "timestamp", "data"}``; the headers are ``webhook-id`` (stable for one
copy, site and original: a receiver drops a repeat), ``webhook-timestamp`` (this attempt, in
seconds) and ``webhook-signature`` (``v1,`` and the base64 HMAC-SHA256 of
``id.timestamp.body`` under the watch's secret), made by the ``standardwebhooks`` reference
library. The POST goes through the fetch guard (:func:`dedup.fetch.check_url`): no private
or loopback address unless allowed, the address checked is the address connected to, and
no redirect is followed.
"""

import http.client
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from standardwebhooks import Webhook

from dedup.fetch import FetchFailed, FetchPolicy, FetchRefused, checked_connection
from dedup.results import JsonObject, LookupResult


@dataclass(frozen=True, slots=True)
class Event:
    """One stream entry of the watch stream (see :mod:`dedup.notices`)."""

    entry: str  # the stream entry id
    site: str
    copy: str
    original: str  # '' when the copy reproduces no indexed original any more
    previous: str  # the original it was reported with before ('' for a first report)
    kind: str  # copy.found | copy.reassigned
    at: int  # when it was queued, ms

    @classmethod
    def of(cls, entry: bytes | str, fields: dict[bytes, bytes]) -> "Event":
        f = {k.decode(): v.decode() for k, v in fields.items()}
        previous = f.get("previous", "").partition(" ")[2]
        return cls(entry.decode() if isinstance(entry, bytes) else entry, f.get("site", ""),
                   f.get("copy", ""), f.get("original", ""), previous,
                   f.get("kind", "copy.found"), int(f.get("at") or 0))


def _article(r: LookupResult | None) -> JsonObject | None:
    if r is None or not r.indexed:
        return None
    return {"id": r.id, "url": r.url, "site": r.site, "title": r.title,
            "published": r.published, "first_seen": r.first_seen, "role": r.role}


def message(event: Event, found: dict[str, LookupResult]) -> JsonObject:
    """The JSON body for an event, from the index as it stands (scores and evidence are the
    copy's when it still reproduces the event's original, else null)."""
    copy = found.get(event.copy)
    original = found.get(event.original) if event.original else None
    current = bool(copy and copy.original and original and copy.original["url"] == original.url)
    data: JsonObject = {
        "site": event.site,
        "copy": _article(copy),
        "original": _article(original),
        "previous_original": _article(found.get(event.previous)) if event.previous else None,
        "similarity": copy.similarity if current and copy else None,
        "containment": copy.containment if current and copy else None,
        "confidence": copy.confidence if current and copy else None,
        "evidence": list(copy.evidence) if current and copy else [],
    }
    queued = datetime.fromtimestamp(event.at / 1000, UTC).isoformat().replace("+00:00", "Z")
    return {"type": event.kind, "timestamp": queued, "data": data}


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
